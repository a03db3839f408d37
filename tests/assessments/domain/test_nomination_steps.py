"""Bulk steps of nominations: deciding many at once, the province entering participants itself, a
regency withdrawing its own nomination, and the notices a decision sends."""

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from assessments.domain import nominations
from assessments.models import Edition, Participant
from districts.models import District, Regency
from sp2k.accounts.models import Role
from sp2k.notices.models import Notice


@pytest.fixture
def open_edition(edition):
    edition.state = Edition.State.NOMINATION
    edition.save()
    return edition


def first_districts(count, province="35"):
    """The first kecamatan of ``count`` regencies of the province: one nomination per regency fits any quota."""
    regencies = Regency.objects.filter(province_id=province).order_by("code")[:count]
    return [District.objects.filter(regency=regency).order_by("code").first() for regency in regencies]


@pytest.fixture
def thirty_nominations(open_edition, province_admin):
    return [
        Participant.objects.create(edition=open_edition, district=district, nominated_by=province_admin)
        for district in first_districts(30)
    ]


# --- deciding many at once ---


def test_thirty_nominations_are_accepted_in_one_step_each_recorded(
    open_edition, thirty_nominations, province_admin, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        decided, refused = nominations.decide_many(open_edition, thirty_nominations, True, "", province_admin)
    assert (len(decided), refused) == (30, [])
    assert Participant.objects.filter(edition=open_edition, status=Participant.Status.ACCEPTED).count() == 30
    assert not Participant.objects.filter(decided_by__isnull=True).exists()


def test_rejecting_many_needs_a_reason(open_edition, thirty_nominations, province_admin):
    with pytest.raises(ValidationError, match="reason"):
        nominations.decide_many(open_edition, thirty_nominations[:3], False, "  ", province_admin)
    assert not Participant.objects.exclude(status=Participant.Status.NOMINATED).exists()
    decided, refused = nominations.decide_many(
        open_edition, thirty_nominations[:3], False, "Berkas kurang", province_admin
    )
    assert len(decided) == 3 and not refused
    assert set(Participant.objects.filter(status="rejected").values_list("decision_reason", flat=True)) == {
        "Berkas kurang"
    }


def test_a_refused_row_does_not_stop_the_others(
    open_edition, thirty_nominations, regency_admin, province_admin, banyuwangi
):
    withdrawn = next(p for p in thirty_nominations if p.district.regency_id == banyuwangi.pk)
    withdrawn.status, withdrawn.withdrawn_by, withdrawn.withdrawn_at = (
        "withdrawn",
        regency_admin,
        withdrawn.nominated_at,
    )
    withdrawn.save()
    accepted = thirty_nominations[0]
    nominations.decide(accepted, True, "", province_admin)

    decided, refused = nominations.decide_many(open_edition, thirty_nominations, True, "", province_admin)

    assert len(decided) == 28
    assert {participant.pk: why for participant, why in refused} == {
        withdrawn.pk: "This nomination was withdrawn by its regency: there is nothing to decide.",
        accepted.pk: "This nomination is accepted already.",
    }
    assert Participant.objects.get(pk=withdrawn.pk).is_withdrawn


def test_only_the_editions_province_admin_decides_many(
    open_edition, thirty_nominations, regency_admin, other_province_admin
):
    for user in (regency_admin, other_province_admin):
        with pytest.raises(ValidationError, match="province admin"):
            nominations.decide_many(open_edition, thirty_nominations, True, "", user)
    assert not Participant.objects.exclude(status=Participant.Status.NOMINATED).exists()


def test_no_bulk_decision_once_nominations_closed(open_edition, thirty_nominations, province_admin):
    open_edition.state = Edition.State.ASSESSMENT
    open_edition.save()
    decided, refused = nominations.decide_many(open_edition, thirty_nominations[:2], True, "", province_admin)
    assert decided == [] and all("not open" in why for _, why in refused)


# --- notices of a decision ---


def test_a_decision_tells_the_regency_admins_and_the_kecamatan_accounts(
    open_edition,
    regency_admin,
    other_regency_admin,
    camat,
    operator,
    other_camat,
    province_admin,
    rogojampi,
    django_capture_on_commit_callbacks,
):
    participant = nominations.nominate(open_edition, rogojampi, regency_admin)
    with django_capture_on_commit_callbacks(execute=True):
        nominations.decide(participant, False, "Profil belum lengkap", province_admin)

    notices = Notice.objects.filter(kind=Notice.Kind.NOMINATION_DECIDED)
    assert sorted(n.recipient.username for n in notices) == sorted(
        [regency_admin.username, camat.username, operator.username]
    )
    link = reverse("assessments:participant_list", args=[open_edition.pk])
    assert {n.link for n in notices} == {link}
    assert all("Profil belum lengkap" in n.text for n in notices)


def test_no_notice_for_a_refused_decision(
    open_edition, regency_admin, province_admin, rogojampi, django_capture_on_commit_callbacks
):
    participant = nominations.nominate(open_edition, rogojampi, regency_admin)
    with django_capture_on_commit_callbacks(execute=True), pytest.raises(ValidationError):
        nominations.decide(participant, False, "", province_admin)
    assert not Notice.objects.exists()


# --- the province enters participants itself ---


def test_the_province_enters_a_participant_on_behalf_of_its_regency(
    open_edition, province_admin, regency_admin, rogojampi, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        [participant] = nominations.enter_participants(open_edition, [rogojampi], province_admin)
    participant.refresh_from_db()
    assert participant.entered_by_province and participant.is_accepted
    assert participant.nominated_by == province_admin and participant.decided_by == province_admin
    assert Notice.objects.filter(recipient=regency_admin, kind=Notice.Kind.NOMINATION_DECIDED).exists()
    # The place counts against the regency's quota: the regency cannot nominate another one.
    other = District.objects.filter(regency=rogojampi.regency).exclude(pk=rogojampi.pk).first()
    with pytest.raises(ValidationError, match="quota"):
        nominations.nominate(open_edition, other, regency_admin)


def test_entering_keeps_the_quota_and_is_all_or_nothing(open_edition, province_admin, banyuwangi, taman):
    first, second = District.objects.filter(regency=banyuwangi).order_by("code")[:2]
    with pytest.raises(ValidationError) as refused:
        nominations.enter_participants(open_edition, [taman, first, second], province_admin)
    assert "Banyuwangi has 1 of its 1 places left; 2 kecamatan were chosen." in refused.value.messages[0]
    assert not Participant.objects.exists()


def test_entering_refuses_taken_and_foreign_kecamatan(open_edition, province_admin, regency_admin, rogojampi, jabar):
    nominations.nominate(open_edition, rogojampi, regency_admin)
    bandung = District.objects.filter(regency__province=jabar).first()
    with pytest.raises(ValidationError) as refused:
        nominations.enter_participants(open_edition, [rogojampi, bandung], province_admin)
    assert refused.value.messages == [
        "Rogojampi has already been nominated.",
        f"{bandung.name} does not lie in the edition's province.",
    ]


@pytest.mark.parametrize("state", [Edition.State.DRAFT, Edition.State.ASSESSMENT])
def test_entering_only_while_nominations_are_open(edition, province_admin, rogojampi, state):
    edition.state = state
    edition.save()
    with pytest.raises(ValidationError, match="not open"):
        nominations.enter_participants(edition, [rogojampi], province_admin)


def test_only_the_editions_province_admin_enters(open_edition, regency_admin, other_province_admin, rogojampi):
    for user in (regency_admin, other_province_admin):
        with pytest.raises(ValidationError, match="province admin"):
            nominations.enter_participants(open_edition, [rogojampi], user)


# --- a regency withdraws its own nomination ---


def test_the_regency_withdraws_its_nomination_recorded_and_the_place_is_free(
    open_edition, regency_admin, rogojampi, banyuwangi
):
    participant = nominations.nominate(open_edition, rogojampi, regency_admin)
    assert nominations.quota_left(open_edition, banyuwangi) == 0
    nominations.withdraw(participant, regency_admin)
    participant.refresh_from_db()
    assert participant.is_withdrawn
    assert participant.withdrawn_by == regency_admin and participant.withdrawn_at is not None
    assert nominations.quota_left(open_edition, banyuwangi) == 1
    assert nominations.status_counts(open_edition)["withdrawn"] == 1
    other = District.objects.filter(regency=banyuwangi).exclude(pk=rogojampi.pk).first()
    nominations.nominate(open_edition, other, regency_admin)  # the place is free again
    with pytest.raises(ValidationError, match="already"):
        nominations.nominate(open_edition, rogojampi, regency_admin)  # not nominated again


def test_an_accepted_nomination_may_be_withdrawn_a_rejected_one_not(
    open_edition, regency_admin, province_admin, rogojampi
):
    participant = nominations.nominate(open_edition, rogojampi, regency_admin)
    nominations.decide(participant, True, "", province_admin)
    nominations.withdraw(participant, regency_admin)
    assert Participant.objects.get(pk=participant.pk).is_withdrawn
    with pytest.raises(ValidationError, match="withdrawn"):
        nominations.decide(participant, True, "", province_admin)
    with pytest.raises(ValidationError, match="awaiting a decision or accepted"):
        nominations.withdraw(participant, regency_admin)


def test_no_one_but_its_regency_admin_withdraws(
    open_edition, regency_admin, other_regency_admin, province_admin, camat, rogojampi
):
    participant = nominations.nominate(open_edition, rogojampi, regency_admin)
    for user in (other_regency_admin, province_admin, camat):
        with pytest.raises(ValidationError, match="own regency"):
            nominations.withdraw(participant, user)
    assert Participant.objects.get(pk=participant.pk).is_nominated


def test_no_withdrawal_once_nominations_closed(open_edition, regency_admin, rogojampi):
    participant = nominations.nominate(open_edition, rogojampi, regency_admin)
    open_edition.state = Edition.State.ASSESSMENT
    open_edition.save()
    with pytest.raises(ValidationError, match="not open"):
        nominations.withdraw(participant, regency_admin)
    assert Participant.objects.get(pk=participant.pk).is_nominated


def test_regency_admin_role_check(make_user, open_edition, rogojampi, regency_admin, banyuwangi):
    participant = nominations.nominate(open_edition, rogojampi, regency_admin)
    inactive = make_user("pemkab-lama", Role.REGENCY_ADMIN, regency=banyuwangi, is_active=False)
    with pytest.raises(ValidationError, match="own regency"):
        nominations.withdraw(participant, inactive)
