"""Issue 12 item 8, the pages of the criteria open for comment: the province opens a round from the edition
page, the regencies and kecamatan find it on their home page and comment on one page (a box per indicator,
saved all or nothing), the province reads the comments under each indicator of its criteria editor and
closes the round; late comments are refused with the reason."""

import datetime

import pytest
from django.conf import settings
from django.urls import reverse
from django.utils import formats, timezone, translation

from assessments.domain import criteria_comments
from assessments.domain.workflow import move_edition
from assessments.models import COMMENT_MAX_LENGTH, CommentRound, CriterionComment, Edition, Indicator
from districts.models import District
from sp2k.accounts.models import Role
from sp2k.notices.models import Notice

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def english(client):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    with translation.override("en"):
        yield


def text(response):
    return response.content.decode()


def day(value):
    return formats.date_format(value)


def today():
    return timezone.localdate()


@pytest.fixture
def indicators(edition):
    return list(
        Indicator.objects.filter(aspect__stage__edition=edition).order_by(
            "aspect__stage__order", "aspect__order", "order"
        )
    )


@pytest.fixture
def round_(edition, province_admin):
    return criteria_comments.open_round(edition, today() + datetime.timedelta(days=10), province_admin)


def comments_url(edition):
    return reverse("assessments:criteria_comments", args=[edition.pk])


def as_user(client, user):
    client.force_login(user)
    return client


def test_the_province_opens_the_round_from_the_edition_page_and_the_province_is_told(
    client, edition, province_admin, regency_admin, camat, operator, assessor, django_capture_on_commit_callbacks
):
    as_user(client, province_admin)
    detail_url = reverse("assessments:edition_detail", args=[edition.pk])
    open_url = reverse("assessments:comment_round_open", args=[edition.pk])
    page = text(client.get(detail_url))
    assert "Open the criteria for comment" in page and f'action="{open_url}"' in page
    closes_on = today() + datetime.timedelta(days=14)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(open_url, {"closes_on": closes_on.isoformat(), "note": "Mohon masukan bobot"})
    assert response.status_code == 302 and response["Location"] == detail_url
    round_ = CommentRound.objects.get(edition=edition)
    assert (round_.closes_on, round_.note, round_.is_open) == (closes_on, "Mohon masukan bobot", True)
    notices = Notice.objects.filter(kind=Notice.Kind.CRITERIA_COMMENTS)
    assert {n.recipient for n in notices} == {regency_admin, camat, operator}  # not the assessor
    assert all(n.link == comments_url(edition) for n in notices)

    page = text(client.get(detail_url))
    assert f"until {day(closes_on)}" in page
    assert "0 comments from 0 accounts so far." in page
    assert "Open the criteria for comment" not in page  # one round at a time
    assert "Close the comment round" in page


def test_opening_is_refused_with_a_reason(client, edition, province_admin):
    as_user(client, province_admin)
    open_url = reverse("assessments:comment_round_open", args=[edition.pk])
    yesterday = today() - datetime.timedelta(days=1)
    page = text(client.post(open_url, {"closes_on": yesterday.isoformat()}, follow=True))
    assert "The last day for comments cannot be in the past." in page
    page = text(client.post(open_url, {}, follow=True))
    assert "Give the last day for comments." in page
    move_edition(edition, Edition.State.NOMINATION, province_admin)
    page = text(client.post(open_url, {"closes_on": today().isoformat()}, follow=True))
    assert "Only the criteria of a draft edition can be opened for comment." in page
    assert not CommentRound.objects.exists()


@pytest.mark.parametrize("role", ["regency_admin", "camat", "operator"])
def test_the_home_page_shows_the_open_round_with_its_last_day(role, request, client, round_, indicators):
    as_user(client, request.getfixturevalue(role))
    page = text(client.get(reverse("dashboard")))
    assert "Criteria open for your comments" in page
    assert f"until {day(round_.closes_on)}" in page
    assert f"you commented on 0 of {len(indicators)} indicators" in page
    assert f'href="{comments_url(round_.edition)}"' in page


def test_the_home_page_says_nothing_once_the_round_is_closed(client, round_, province_admin, camat):
    criteria_comments.close_round(round_, province_admin)
    as_user(client, camat)
    assert "Criteria open for your comments" not in text(client.get(reverse("dashboard")))


@pytest.mark.parametrize("role", ["regency_admin", "camat", "operator"])
def test_one_page_with_a_box_per_indicator_saves_the_accounts_comments(
    role, request, client, edition, round_, indicators
):
    user = request.getfixturevalue(role)
    as_user(client, user)
    page = text(client.get(comments_url(edition)))
    assert page.count("<textarea") == len(indicators)
    for indicator in indicators:
        assert f'name="comment-{indicator.pk}"' in page and indicator.name in page
    first, second = indicators[0], indicators[1]
    data = {f"comment-{i.pk}": "" for i in indicators}
    data[f"comment-{first.pk}"] = "Bobot terlalu tinggi"
    data[f"comment-{second.pk}"] = "Perlu contoh bukti"
    response = client.post(comments_url(edition), data, follow=True)
    assert "2 comments saved." in text(response)
    assert dict(CriterionComment.objects.filter(author=user).values_list("indicator_id", "text")) == {
        first.pk: "Bobot terlalu tinggi",
        second.pk: "Perlu contoh bukti",
    }
    assert ">Bobot terlalu tinggi</textarea>" in text(response)  # shown back to be changed
    assert f"you commented on 2 of {len(indicators)} indicators" in text(client.get(reverse("dashboard")))

    # Changed in place, and a cleared box removes that comment.
    data[f"comment-{first.pk}"] = "Bobot cukup"
    data[f"comment-{second.pk}"] = ""
    assert "2 comments saved." in text(client.post(comments_url(edition), data, follow=True))
    assert list(CriterionComment.objects.filter(author=user).values_list("text", flat=True)) == ["Bobot cukup"]
    assert "Nothing changed." in text(client.post(comments_url(edition), data, follow=True))


def test_a_refused_comment_refuses_the_whole_page_and_keeps_what_was_typed(client, edition, round_, indicators, camat):
    as_user(client, camat)
    first, second = indicators[0], indicators[1]
    response = client.post(
        comments_url(edition),
        {f"comment-{first.pk}": "Setuju", f"comment-{second.pk}": "x" * (COMMENT_MAX_LENGTH + 1)},
    )
    assert response.status_code == 422
    assert f"The comment on “{second.name}” is longer than {COMMENT_MAX_LENGTH} characters." in text(response)
    assert ">Setuju</textarea>" in text(response)
    assert not CriterionComment.objects.exists()


def test_comments_after_the_close_are_refused_with_the_reason(
    client, edition, round_, indicators, camat, province_admin
):
    criteria_comments.save_comments(round_, camat, {indicators[0].pk: "Setuju"})
    as_user(client, province_admin)
    response = client.post(reverse("assessments:comment_round_close", args=[edition.pk]), follow=True)
    assert "The comment round is closed." in text(response)
    round_.refresh_from_db()
    assert round_.closed_by == province_admin
    assert f"Last round closed on {day(today())}: 1 comment." in text(response)
    assert "Open the criteria for comment" in text(response)  # a new round may be opened

    as_user(client, camat)
    page = text(client.get(comments_url(edition)))
    assert "<textarea" not in page
    assert f"The province closed this comment round on {day(today())}" in page
    assert "Setuju" in page  # the account's own comment, read only
    response = client.post(comments_url(edition), {f"comment-{indicators[0].pk}": "Terlambat"})
    assert response.status_code == 422
    assert f"The province closed this comment round on {day(today())}" in text(response)
    assert CriterionComment.objects.get().text == "Setuju"


def test_comments_after_the_last_day_are_refused_with_the_reason(client, edition, round_, indicators, regency_admin):
    last_day = today() - datetime.timedelta(days=1)
    CommentRound.objects.filter(pk=round_.pk).update(closes_on=last_day)
    as_user(client, regency_admin)
    assert "<textarea" not in text(client.get(comments_url(edition)))
    response = client.post(comments_url(edition), {f"comment-{indicators[0].pk}": "Terlambat"})
    assert response.status_code == 422
    assert f"Comments were accepted until {day(last_day)}" in text(response)
    assert not CriterionComment.objects.exists()


def test_the_province_reads_the_comments_under_each_indicator_of_its_criteria_editor(
    client, edition, round_, indicators, camat, regency_admin, province_admin
):
    first = indicators[0]
    criteria_comments.save_comments(round_, camat, {first.pk: "Bobot terlalu tinggi"})
    criteria_comments.save_comments(round_, regency_admin, {first.pk: "Contoh bukti kurang jelas"})
    as_user(client, province_admin)
    stage = first.aspect.stage
    page = text(client.get(reverse("assessments:stage_criteria", args=[edition.pk, stage.pk])))
    assert "2 comments on this stage's indicators, shown under each indicator." in page
    assert f"Open for comment until {day(round_.closes_on)}." in page
    row = page[page.index(f"{first.order}. {first.name}") :]
    row = row[: row.index("</tr>")]  # the comments sit in the indicator's own row
    assert "2 comments" in row
    assert "Bobot terlalu tinggi" in row and "Kecamatan Rogojampi, Kabupaten Banyuwangi" in row
    assert "Contoh bukti kurang jelas" in row
    detail = text(client.get(reverse("assessments:edition_detail", args=[edition.pk])))
    assert "2 comments from 2 accounts so far." in detail


def test_the_criteria_editor_costs_the_same_queries_whatever_the_number_of_comments(
    client, edition, round_, indicators, camat, province_admin, make_user, django_assert_max_num_queries
):
    stage = indicators[0].aspect.stage
    url = reverse("assessments:stage_criteria", args=[edition.pk, stage.pk])
    criteria_comments.save_comments(round_, camat, {indicators[0].pk: "Satu"})
    as_user(client, province_admin)
    with django_assert_max_num_queries(40) as few:
        client.get(url)
    districts = District.objects.filter(regency__province_id="35").exclude(pk=camat.district_id).order_by("code")[:8]
    stage_indicators = [i for i in indicators if i.aspect.stage_id == stage.pk]
    for n, district in enumerate(districts):
        author = make_user(f"camat-{n}", Role.CAMAT, district=district)
        criteria_comments.save_comments(round_, author, {i.pk: f"Komentar {n}" for i in stage_indicators})
    with django_assert_max_num_queries(len(few.captured_queries)):
        page = text(client.get(url))
    assert f"{1 + 8 * len(stage_indicators)} comments on this stage" in page


def test_the_comment_page_is_closed_to_others(
    client, edition, indicators, camat, assessor, other_province_admin, province_admin, make_user, jabar
):
    url = comments_url(edition)
    # No round yet: the draft edition does not exist for the kecamatan.
    assert as_user(client, camat).get(url).status_code == 404
    round_ = criteria_comments.open_round(edition, today(), province_admin)
    assert as_user(client, camat).get(url).status_code == 200
    jabar_camat = make_user(
        "camat-jabar", Role.CAMAT, district=District.objects.filter(regency__province=jabar).first()
    )
    for stranger in (jabar_camat, assessor, other_province_admin):
        assert as_user(client, stranger).get(url).status_code == 404
    # The province admin reads the page but writes no comment.
    admin = as_user(client, province_admin)
    assert "<textarea" not in text(admin.get(url))
    assert admin.post(url, {f"comment-{indicators[0].pk}": "Dari provinsi"}).status_code == 403
    # Only the province admin opens and closes (the draft edition's own pages do not exist for the kecamatan).
    close_url = reverse("assessments:comment_round_close", args=[edition.pk])
    assert as_user(client, camat).post(close_url).status_code == 404
    round_.refresh_from_db()
    assert round_.is_open and not CriterionComment.objects.exists()


def test_the_list_of_open_rounds(client, round_, camat, province_admin):
    url = reverse("assessments:comment_rounds")
    page = text(as_user(client, camat).get(url))
    assert round_.edition.name in page and f"Comments until {day(round_.closes_on)}" in page
    assert as_user(client, province_admin).get(url).status_code == 403


def test_the_comment_page_costs_the_same_queries_whatever_the_comments(
    client, edition, round_, indicators, camat, django_assert_max_num_queries
):
    as_user(client, camat)
    with django_assert_max_num_queries(20) as few:
        client.get(comments_url(edition))
    criteria_comments.save_comments(round_, camat, {i.pk: f"Komentar {i.pk}" for i in indicators})
    with django_assert_max_num_queries(len(few.captured_queries)):
        page = text(client.get(comments_url(edition)))
    assert page.count("Komentar ") == len(indicators)
