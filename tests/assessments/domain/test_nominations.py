import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.urls import reverse

from assessments.domain import nominations
from assessments.models import Edition, Participant
from districts.models import District


@pytest.fixture
def open_edition(edition):
    edition.state = Edition.State.NOMINATION
    edition.save()
    return edition


def test_regency_admin_nominates_own_kecamatan_while_open(open_edition, regency_admin, rogojampi):
    participant = nominations.nominate(open_edition, rogojampi, regency_admin)
    assert participant.status == Participant.Status.NOMINATED
    assert participant.nominated_by == regency_admin


@pytest.mark.parametrize("state", [Edition.State.DRAFT, Edition.State.ASSESSMENT, Edition.State.FINAL])
def test_no_nomination_outside_the_nomination_state(edition, regency_admin, rogojampi, state):
    edition.state = state
    edition.save()
    with pytest.raises(ValidationError, match="not open"):
        nominations.nominate(edition, rogojampi, regency_admin)
    assert not Participant.objects.exists()


def test_nomination_quota_counts_non_rejected_nominations(open_edition, regency_admin, province_admin, banyuwangi):
    first, second, third = District.objects.filter(regency=banyuwangi).order_by("code")[:3]
    nominated = nominations.nominate(open_edition, first, regency_admin)
    with pytest.raises(ValidationError, match="quota"):
        nominations.nominate(open_edition, second, regency_admin)
    nominations.decide(nominated, accept=False, reason="Dokumen tidak lengkap", by=province_admin)
    nominations.nominate(open_edition, second, regency_admin)  # the rejection freed the place
    open_edition.nomination_quota = 2
    open_edition.save()
    nominations.nominate(open_edition, third, regency_admin)
    assert Participant.objects.exclude(status="rejected").count() == 2


def test_only_own_regency_and_no_duplicates(open_edition, regency_admin, other_regency_admin, rogojampi, taman):
    with pytest.raises(ValidationError, match="own regency"):
        nominations.nominate(open_edition, taman, regency_admin)
    with pytest.raises(ValidationError, match="own regency"):
        nominations.nominate(open_edition, rogojampi, other_regency_admin)
    open_edition.nomination_quota = 3
    open_edition.save()
    nominations.nominate(open_edition, rogojampi, regency_admin)
    with pytest.raises(ValidationError, match="already"):
        nominations.nominate(open_edition, rogojampi, regency_admin)


def test_nomination_only_in_the_editions_province(jabar, regency_admin, rogojampi):
    edition = Edition.objects.create(province=jabar, name="SP2K Jawa Barat 2022", year=2022, state="nomination")
    with pytest.raises(ValidationError, match="province"):
        nominations.nominate(edition, rogojampi, regency_admin)


def test_reject_requires_a_reason_and_accept_makes_a_participant(
    open_edition, regency_admin, province_admin, rogojampi
):
    participant = nominations.nominate(open_edition, rogojampi, regency_admin)
    with pytest.raises(ValidationError):
        nominations.decide(participant, accept=False, reason="  ", by=province_admin)
    nominations.decide(participant, accept=True, reason="", by=province_admin)
    participant.refresh_from_db()
    assert participant.status == Participant.Status.ACCEPTED
    assert participant.decided_by == province_admin and participant.decided_at is not None
    assert list(open_edition.participants.filter(status="accepted")) == [participant]
    # The decision can still change while nominations are open.
    nominations.decide(participant, accept=False, reason="Data palsu", by=province_admin)
    participant.refresh_from_db()
    assert (participant.status, participant.decision_reason) == ("rejected", "Data palsu")


def test_database_refuses_a_rejection_without_reason(open_edition, rogojampi):
    with pytest.raises(IntegrityError), transaction.atomic():
        Participant.objects.create(edition=open_edition, district=rogojampi, status="rejected")


def test_only_the_editions_province_admin_decides(open_edition, regency_admin, other_province_admin, rogojampi):
    participant = nominations.nominate(open_edition, rogojampi, regency_admin)
    for user in (regency_admin, other_province_admin):
        with pytest.raises(ValidationError):
            nominations.decide(participant, accept=True, reason="", by=user)
    participant.refresh_from_db()
    assert participant.status == Participant.Status.NOMINATED


def test_no_decision_after_nominations_close(open_edition, regency_admin, province_admin, rogojampi):
    participant = nominations.nominate(open_edition, rogojampi, regency_admin)
    open_edition.state = Edition.State.ASSESSMENT
    open_edition.save()
    with pytest.raises(ValidationError, match="not open"):
        nominations.decide(participant, accept=True, reason="", by=province_admin)


# --- pages ---


def _url(name, edition, *args):
    return reverse(f"assessments:{name}", args=[edition.pk, *args])


def test_regency_admin_sees_own_nominations_with_reason_and_nominates(
    client, open_edition, regency_admin, other_regency_admin, province_admin, rogojampi, taman
):
    theirs = nominations.nominate(open_edition, taman, other_regency_admin)
    nominations.decide(theirs, accept=False, reason="Alasan rahasia Sidoarjo", by=province_admin)
    client.force_login(regency_admin)
    page = client.get(_url("participant_list", open_edition)).content.decode()
    assert "Alasan rahasia Sidoarjo" not in page and "Taman" not in page
    assert "Rogojampi" in page  # offered in the nominate form

    response = client.post(_url("nominate", open_edition), {"district": rogojampi.pk})
    assert response.status_code == 302
    mine = Participant.objects.get(district=rogojampi)
    nominations.decide(mine, accept=False, reason="Profil belum diisi", by=province_admin)
    page = client.get(_url("participant_list", open_edition)).content.decode()
    assert "Rogojampi" in page and "Profil belum diisi" in page


def test_nominate_page_refuses_another_regencys_kecamatan(client, open_edition, regency_admin, taman):
    client.force_login(regency_admin)
    client.post(_url("nominate", open_edition), {"district": taman.pk})
    assert not Participant.objects.exists()


def test_province_admin_decides_through_the_page(client, open_edition, regency_admin, province_admin, rogojampi):
    participant = nominations.nominate(open_edition, rogojampi, regency_admin)
    client.force_login(province_admin)
    url = _url("participant_decide", open_edition, participant.pk)
    client.post(url, {"decision": "reject", "reason": ""})
    participant.refresh_from_db()
    assert participant.status == "nominated"
    client.post(url, {"decision": "accept", "reason": ""})
    participant.refresh_from_db()
    assert participant.status == "accepted"


@pytest.mark.parametrize(
    ("who", "status"),
    [
        ("province_admin", 200),
        ("regency_admin", 200),
        ("superuser", 200),
        ("camat", 403),
        ("assessor", 404),  # not an assessor of this edition: it does not exist for them
        ("other_province_admin", 404),
    ],
)
def test_participant_list_access(client, request, open_edition, who, status):
    user = request.getfixturevalue(who)
    client.force_login(user)
    assert client.get(_url("participant_list", open_edition)).status_code == status


def test_anonymous_goes_to_login(client, open_edition):
    response = client.get(_url("participant_list", open_edition))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("accounts:login"))


def test_other_province_cannot_nominate_or_decide(
    client, open_edition, regency_admin, other_province_admin, make_user, rogojampi
):
    from sp2k.accounts.models import Role

    jabar_regency_admin = make_user("pemkab-bandung", Role.REGENCY_ADMIN, regency_id="32.04")
    participant = nominations.nominate(open_edition, rogojampi, regency_admin)
    client.force_login(jabar_regency_admin)
    assert client.post(_url("nominate", open_edition), {"district": "32.04.01"}).status_code == 404
    client.force_login(other_province_admin)
    response = client.post(_url("participant_decide", open_edition, participant.pk), {"decision": "accept"})
    assert response.status_code == 404
    participant.refresh_from_db()
    assert participant.status == "nominated"


def test_province_admin_cannot_nominate_and_regency_admin_cannot_decide(
    client, open_edition, regency_admin, province_admin, rogojampi
):
    client.force_login(province_admin)
    assert client.post(_url("nominate", open_edition), {"district": rogojampi.pk}).status_code == 403
    participant = nominations.nominate(open_edition, rogojampi, regency_admin)
    client.force_login(regency_admin)
    response = client.post(_url("participant_decide", open_edition, participant.pk), {"decision": "accept"})
    assert response.status_code == 403
