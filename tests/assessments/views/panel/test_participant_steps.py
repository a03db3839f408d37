"""The participant pages' bulk steps: deciding many nominations in one POST, the province entering
participants for a regency, a regency withdrawing its own nomination."""

import re

import pytest
from django.contrib.messages import get_messages
from django.urls import reverse

from assessments.domain import nominations
from assessments.models import Edition, Participant
from districts.models import District, Regency
from sp2k.notices.models import Notice


@pytest.fixture
def open_edition(edition):
    edition.state = Edition.State.NOMINATION
    edition.save()
    return edition


def url(name, edition, *args):
    return reverse(f"assessments:{name}", args=[edition.pk, *args])


def first_districts(count):
    regencies = Regency.objects.filter(province_id="35").order_by("code")[:count]
    return [District.objects.filter(regency=regency).order_by("code").first() for regency in regencies]


@pytest.fixture
def thirty_nominations(open_edition, regency_admin):
    return [
        Participant.objects.create(edition=open_edition, district=district, nominated_by=regency_admin)
        for district in first_districts(30)
    ]


def shown_messages(response):
    return [str(message) for message in get_messages(response.wsgi_request)]


def text(response):
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", response.content.decode()))


# --- deciding many ---


def test_the_list_offers_ticking_all_awaiting_nominations_in_few_queries(
    client, open_edition, thirty_nominations, province_admin, django_assert_max_num_queries
):
    client.force_login(province_admin)
    with django_assert_max_num_queries(16):
        response = client.get(url("participant_list", open_edition))
    page = response.content.decode()
    assert 'data-select-all="awaiting"' in page
    assert page.count('data-select-group="awaiting"') == 30
    assert page.count('form="bulk-decide"') == 30
    assert "js/select-all.js" in page


def test_thirty_nominations_accepted_in_one_post(
    client, open_edition, thirty_nominations, province_admin, django_capture_on_commit_callbacks
):
    client.force_login(province_admin)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            url("participant_bulk_decide", open_edition),
            {"participants": [p.pk for p in thirty_nominations], "decision": "accept", "reason": ""},
        )
    assert response.status_code == 302
    assert shown_messages(response) == ["30 nominations were accepted."]
    assert Participant.objects.filter(status=Participant.Status.ACCEPTED).count() == 30
    assert Notice.objects.filter(kind=Notice.Kind.NOMINATION_DECIDED).exists()


def test_bulk_rejection_without_reason_changes_nothing(client, open_edition, thirty_nominations, province_admin):
    client.force_login(province_admin)
    response = client.post(
        url("participant_bulk_decide", open_edition),
        {"participants": [p.pk for p in thirty_nominations[:5]], "decision": "reject", "reason": " "},
    )
    assert shown_messages(response) == ["Give the reason for rejecting these nominations."]
    assert not Participant.objects.exclude(status=Participant.Status.NOMINATED).exists()


def test_bulk_decision_names_each_refused_row_and_decides_the_others(
    client, open_edition, thirty_nominations, province_admin
):
    already = thirty_nominations[0]
    nominations.decide(already, True, "", province_admin)
    client.force_login(province_admin)
    response = client.post(
        url("participant_bulk_decide", open_edition),
        {"participants": [p.pk for p in thirty_nominations[:4]], "decision": "accept"},
    )
    assert shown_messages(response) == [
        "3 nominations were accepted.",
        f"{already.district.name} was not decided: This nomination is accepted already.",
    ]
    assert Participant.objects.filter(status=Participant.Status.ACCEPTED).count() == 4


def test_bulk_decision_without_a_tick(client, open_edition, thirty_nominations, province_admin):
    client.force_login(province_admin)
    response = client.post(url("participant_bulk_decide", open_edition), {"decision": "accept"})
    assert shown_messages(response) == ["Tick at least one nomination."]


def test_bulk_decision_ignores_another_editions_nominations(
    client, open_edition, thirty_nominations, province_admin, jatim
):
    other = Edition.objects.create(province=jatim, year=2021, name="SP2K 2021", state=Edition.State.NOMINATION)
    theirs = Participant.objects.create(edition=other, district=thirty_nominations[0].district)
    client.force_login(province_admin)
    client.post(url("participant_bulk_decide", open_edition), {"participants": [theirs.pk], "decision": "accept"})
    theirs.refresh_from_db()
    assert theirs.is_nominated


def test_regency_admin_cannot_decide_in_bulk(client, open_edition, thirty_nominations, regency_admin):
    client.force_login(regency_admin)
    response = client.post(
        url("participant_bulk_decide", open_edition),
        {"participants": [thirty_nominations[0].pk], "decision": "accept"},
    )
    assert response.status_code == 403
    assert not Participant.objects.exclude(status=Participant.Status.NOMINATED).exists()


# --- the province enters participants ---


def test_enter_page_lists_the_regencies_then_the_kecamatan_of_one(client, open_edition, province_admin, banyuwangi):
    client.force_login(province_admin)
    page = text(client.get(url("participant_enter", open_edition)))
    assert "Banyuwangi — 1 place left" in page
    page = text(client.get(url("participant_enter", open_edition) + f"?kabupaten={banyuwangi.pk}"))
    assert "Rogojampi" in page and "1 of its 1 places left." in page


def test_enter_page_refuses_a_regency_of_another_province(client, open_edition, province_admin):
    client.force_login(province_admin)
    assert client.get(url("participant_enter", open_edition) + "?kabupaten=32.04").status_code == 404


def test_province_enters_a_participant_shown_as_entered_by_the_province(
    client, open_edition, province_admin, regency_admin, rogojampi, banyuwangi
):
    client.force_login(province_admin)
    response = client.post(
        url("participant_enter", open_edition), {"kabupaten": banyuwangi.pk, "districts": [rogojampi.pk]}
    )
    assert response.status_code == 302
    participant = Participant.objects.get(district=rogojampi)
    assert participant.entered_by_province and participant.is_accepted
    for user in (province_admin, regency_admin):
        client.force_login(user)
        assert "Entered by the province for Kabupaten Banyuwangi" in text(
            client.get(url("participant_list", open_edition))
        )


def test_entering_over_the_quota_is_refused_on_the_page(client, open_edition, province_admin, banyuwangi):
    first, second = District.objects.filter(regency=banyuwangi).order_by("code")[:2]
    client.force_login(province_admin)
    response = client.post(
        url("participant_enter", open_edition), {"kabupaten": banyuwangi.pk, "districts": [first.pk, second.pk]}
    )
    assert response.status_code == 422
    assert "Kabupaten Banyuwangi has 1 of its 1 places left; 2 kecamatan were chosen." in text(response)
    assert not Participant.objects.exists()


def test_nothing_is_entered_once_nominations_closed(client, open_edition, province_admin, rogojampi, banyuwangi):
    open_edition.state = Edition.State.ASSESSMENT
    open_edition.save()
    client.force_login(province_admin)
    page = text(client.get(url("participant_enter", open_edition) + f"?kabupaten={banyuwangi.pk}"))
    assert "Nominations are not open: no participant can be entered now." in page
    response = client.post(
        url("participant_enter", open_edition), {"kabupaten": banyuwangi.pk, "districts": [rogojampi.pk]}
    )
    assert response.status_code == 422 and "are not open" in text(response)
    assert not Participant.objects.exists()


def test_regency_admin_cannot_enter(client, open_edition, regency_admin, rogojampi, banyuwangi):
    client.force_login(regency_admin)
    assert client.get(url("participant_enter", open_edition)).status_code == 403
    response = client.post(
        url("participant_enter", open_edition), {"kabupaten": banyuwangi.pk, "districts": [rogojampi.pk]}
    )
    assert response.status_code == 403
    assert not Participant.objects.exists()


# --- a regency withdraws its nomination ---


def test_regency_admin_withdraws_its_nomination_shown_as_withdrawn(
    client, open_edition, regency_admin, province_admin, rogojampi
):
    participant = nominations.nominate(open_edition, rogojampi, regency_admin)
    client.force_login(regency_admin)
    page = text(client.get(url("participant_list", open_edition)))
    assert "Withdraw this nomination" in page
    response = client.post(url("nomination_withdraw", open_edition, participant.pk))
    assert shown_messages(response) == ["The nomination of Rogojampi was withdrawn; its place is free again."]
    participant.refresh_from_db()
    assert participant.is_withdrawn and participant.withdrawn_by == regency_admin
    page = text(client.get(url("participant_list", open_edition)))
    assert "Withdrawn by the regency" in page and "Withdrawn " in page and "Withdraw this nomination" not in page
    assert "1 place left." in page  # the place is free again
    client.force_login(province_admin)
    page = text(client.get(url("participant_list", open_edition)))
    assert "withdrawn: 1" in page and f'value="{participant.pk}"' not in page  # nothing to tick


def test_another_regency_cannot_withdraw(client, open_edition, regency_admin, other_regency_admin, rogojampi):
    participant = nominations.nominate(open_edition, rogojampi, regency_admin)
    client.force_login(other_regency_admin)
    assert client.post(url("nomination_withdraw", open_edition, participant.pk)).status_code == 403
    participant.refresh_from_db()
    assert participant.is_nominated


def test_no_withdrawal_once_nominations_closed_on_the_page(client, open_edition, regency_admin, rogojampi):
    participant = nominations.nominate(open_edition, rogojampi, regency_admin)
    open_edition.state = Edition.State.ASSESSMENT
    open_edition.save()
    client.force_login(regency_admin)
    assert "Withdraw this nomination" not in text(client.get(url("participant_list", open_edition)))
    response = client.post(url("nomination_withdraw", open_edition, participant.pk))
    assert shown_messages(response) == ["Nominations for SP2K Jawa Timur 2022 are not open."]
    participant.refresh_from_db()
    assert participant.is_nominated
