"""Issue 12 item 8: the draft criteria open for comment. The whole round through the domain (open,
comment, change, clear, close) and every refusal: a non-draft edition, a closed or expired round, an
account of another province, an assessor, an indicator of another edition, a comment too long."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from assessments.domain import criteria_comments
from assessments.domain.workflow import move_edition
from assessments.models import COMMENT_MAX_LENGTH, CommentRound, CriterionComment, Edition, Indicator
from districts.models import District
from sp2k.accounts.models import Role
from sp2k.notices.models import Notice
from tests.factories import ConfiguredEditionFactory

pytestmark = pytest.mark.django_db


def today():
    return timezone.localdate()


@pytest.fixture
def indicators(edition):
    return list(Indicator.objects.filter(aspect__stage__edition=edition).order_by("aspect__stage__order", "pk"))


@pytest.fixture
def round_(edition, province_admin):
    return criteria_comments.open_round(edition, today() + datetime.timedelta(days=14), province_admin)


@pytest.fixture
def jabar_camat(make_user, jabar):
    district = District.objects.filter(regency__province=jabar).order_by("code").first()
    return make_user("camat-jabar", Role.CAMAT, district=district)


def test_the_whole_round(edition, province_admin, regency_admin, camat, operator, indicators, round_):
    first, second = indicators[0], indicators[1]
    assert round_.is_open
    assert criteria_comments.save_comments(round_, regency_admin, {first.pk: "  Bobot terlalu tinggi.  "}) == 1
    assert criteria_comments.save_comments(round_, camat, {first.pk: "Setuju", second.pk: ""}) == 1
    assert criteria_comments.save_comments(round_, operator, {second.pk: "Perlu contoh bukti"}) == 1
    by_regency = CriterionComment.objects.get(author=regency_admin)
    assert (by_regency.text, by_regency.regency_id, by_regency.district_id) == ("Bobot terlalu tinggi.", "35.10", None)
    by_camat = CriterionComment.objects.get(author=camat)
    assert (by_camat.regency_id, by_camat.district_id) == ("35.10", "35.10.13")

    # Editable while open: one comment per indicator and account, changed in place; unchanged is no write.
    assert criteria_comments.save_comments(round_, camat, {first.pk: "Setuju, dengan catatan"}) == 1
    assert criteria_comments.save_comments(round_, camat, {first.pk: "Setuju, dengan catatan"}) == 0
    assert CriterionComment.objects.filter(author=camat).get().text == "Setuju, dengan catatan"
    # A blank box removes the account's comment.
    assert criteria_comments.save_comments(round_, operator, {second.pk: "   "}) == 1
    assert not CriterionComment.objects.filter(author=operator).exists()

    criteria_comments.close_round(round_, province_admin)
    round_.refresh_from_db()
    assert round_.is_closed and round_.closed_by == province_admin
    with pytest.raises(ValidationError, match="closed"):
        criteria_comments.save_comments(round_, camat, {first.pk: "Terlambat"})
    with pytest.raises(ValidationError, match="already closed"):
        criteria_comments.close_round(round_, province_admin)
    assert CriterionComment.objects.filter(round=round_).count() == 2  # the comments stay

    # A new round may then be opened.
    criteria_comments.open_round(edition, today(), province_admin)


def test_opening_tells_the_regencies_and_kecamatan_of_the_province(
    edition, province_admin, regency_admin, camat, operator, assessor, jabar_camat, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        criteria_comments.open_round(edition, today(), province_admin, note="Mohon masukan")
    notices = Notice.objects.filter(kind=Notice.Kind.CRITERIA_COMMENTS)
    assert {n.recipient for n in notices} == {regency_admin, camat, operator}
    assert {n.link for n in notices} == {f"/kompetisi/{edition.pk}/komentar-kriteria/"}


def test_only_a_draft_edition_with_criteria_is_opened(edition, province_admin, jatim):
    move_edition(edition, Edition.State.NOMINATION, province_admin)
    with pytest.raises(ValidationError, match="draft"):
        criteria_comments.open_round(edition, today(), province_admin)
    empty = Edition.objects.create(province=jatim, name="Kosong", year=2030)
    with pytest.raises(ValidationError, match="no indicator"):
        criteria_comments.open_round(empty, today(), province_admin)
    assert not CommentRound.objects.exists()


def test_opening_is_refused_in_the_past_twice_or_by_others(
    edition, province_admin, other_province_admin, regency_admin
):
    with pytest.raises(ValidationError, match="past"):
        criteria_comments.open_round(edition, today() - datetime.timedelta(days=1), province_admin)
    for stranger in (other_province_admin, regency_admin):
        with pytest.raises(ValidationError, match="province admin"):
            criteria_comments.open_round(edition, today(), stranger)
    round_ = criteria_comments.open_round(edition, today(), province_admin)
    with pytest.raises(ValidationError, match="already open"):
        criteria_comments.open_round(edition, today(), province_admin)
    with pytest.raises(ValidationError, match="province admin"):
        criteria_comments.close_round(round_, other_province_admin)


def test_the_database_keeps_one_open_round_per_edition(edition, province_admin, round_):
    with pytest.raises(IntegrityError), transaction.atomic():
        CommentRound.objects.create(edition=edition, closes_on=today(), opened_by=province_admin)


def test_comments_are_refused_to_assessors_admins_and_other_provinces(
    round_, indicators, assessor, province_admin, jabar_camat
):
    for user in (assessor, province_admin, jabar_camat):
        with pytest.raises(ValidationError, match="regency admins and kecamatan accounts"):
            criteria_comments.save_comments(round_, user, {indicators[0].pk: "Komentar"})
    assert not CriterionComment.objects.exists()


def test_a_comment_is_bounded_and_on_the_editions_own_indicators(round_, indicators, camat, jatim):
    other = ConfiguredEditionFactory(province=jatim, name="SP2K Jawa Timur 2031", year=2031)
    foreign = Indicator.objects.filter(aspect__stage__edition=other).first()
    with pytest.raises(ValidationError, match="not one of the edition's criteria"):
        criteria_comments.save_comments(round_, camat, {indicators[0].pk: "Baik", foreign.pk: "Baik"})
    with pytest.raises(ValidationError, match="longer than"):
        criteria_comments.save_comments(round_, camat, {indicators[0].pk: "x" * (COMMENT_MAX_LENGTH + 1)})
    assert not CriterionComment.objects.exists()  # all or nothing
    assert criteria_comments.save_comments(round_, camat, {indicators[0].pk: "x" * COMMENT_MAX_LENGTH}) == 1


def test_a_round_past_its_last_day_or_of_an_opened_edition_takes_no_comment(
    edition, round_, indicators, camat, province_admin
):
    CommentRound.objects.filter(pk=round_.pk).update(closes_on=today() - datetime.timedelta(days=1))
    round_.refresh_from_db()
    assert round_.is_closed
    with pytest.raises(ValidationError, match="closed"):
        criteria_comments.save_comments(round_, camat, {indicators[0].pk: "Terlambat"})
    CommentRound.objects.filter(pk=round_.pk).update(closes_on=today())
    move_edition(edition, Edition.State.NOMINATION, province_admin)
    round_.refresh_from_db()
    assert round_.is_closed
    with pytest.raises(ValidationError, match="closed"):
        criteria_comments.save_comments(round_, camat, {indicators[0].pk: "Terlambat"})
