"""The competition's lifecycle rules hold in the domain's writes, whatever path calls them (issue 10).

Each test drives the path that used to go around a rule and sees it refused with a clear message and
nothing changed: a draft sheet saved or submitted after its stage's shortlist went on, an Excel upload
after that advance, a conflict declared on an open sheet, a sheet reopened after the awards were
confirmed, criteria and formula settings changed after the first score, the decree changed after
publication.
"""

# ruff: noqa: F811 - the setup/sheet/award fixtures are imported from their modules and used as arguments

import io
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from openpyxl import load_workbook

from assessments.domain import advancing, assignments, awards, configuration, criteria, documents, scoring, workflow
from assessments.domain.spreadsheets import COL_VALUE, apply_upload, build_workbook
from assessments.models import (
    Aspect,
    Award,
    AwardWithdrawal,
    Decree,
    Document,
    Edition,
    Indicator,
    Score,
    ScoreChange,
    ScoreSheet,
    StageEntry,
)
from tests.assessments.domain.test_awards import final_edition, published_edition, scorer  # noqa: F401
from tests.assessments.domain.test_ranking import set_edition, stage_of
from tests.assessments.domain.test_scoring import fill, save, setup, sheet  # noqa: F401
from tests.factories import DecreeFactory

pytestmark = pytest.mark.django_db
D = Decimal


def scores_of(sheet):
    return sorted(Score.objects.filter(sheet=sheet).values_list("indicator_id", "value", "comment"))


def advanced(setup):
    """The other assessor submitted two desk sheets; the province admin passed the top 1 on.

    (The field visit's participants are dropped first: the presentation has not passed anyone on yet,
    so the advance may be reverted.)
    """
    StageEntry.objects.filter(stage=setup.field_visit).delete()
    for participant in (setup.rogojampi, setup.participants[2]):
        other = scoring.open_sheet(setup.stage, participant, setup.other)
        fill(other, setup.indicators, "90" if participant == setup.rogojampi else "70")
        scoring.submit_sheet(other, setup.other)
    return advancing.advance_top_n(setup.stage, 1, setup.admin).advance


# --- 2. a stage's scores are frozen once its shortlist went on ---


def test_a_draft_sheet_of_an_advanced_stage_is_neither_saved_nor_submitted(setup, sheet):
    fill(sheet, setup.indicators, "80")
    before = scores_of(sheet)
    advance = advanced(setup)
    with pytest.raises(scoring.ScoringError, match="already gone on to the next stage") as refused:
        save(sheet, setup.indicators[0], "10")
    assert refused.value.code == "advanced"
    with pytest.raises(scoring.ScoringError, match="frozen until the province admin reverts the advance"):
        scoring.submit_sheet(sheet, setup.assessor)
    sheet.refresh_from_db()
    assert sheet.status == ScoreSheet.Status.DRAFT and scores_of(sheet) == before
    # A sheet not started yet cannot be started either.
    with pytest.raises(PermissionDenied, match="already gone on"):
        scoring.open_sheet(setup.stage, setup.participants[3], setup.assessor)
    # Once the admin reverts the advance, scoring goes on.
    advancing.revert_advance(advance, setup.admin)
    scoring.submit_sheet(sheet, setup.assessor)
    assert ScoreSheet.objects.get(pk=sheet.pk).status == ScoreSheet.Status.SUBMITTED


def test_a_submitted_sheet_of_an_advanced_stage_cannot_be_reopened(setup, sheet):
    fill(sheet, setup.indicators, "80")
    scoring.submit_sheet(sheet, setup.assessor)
    advanced(setup)
    with pytest.raises(scoring.ScoringError, match="already gone on"):
        scoring.reopen_sheet(sheet, setup.admin, "A typo in the first indicator.")
    sheet.refresh_from_db()
    assert sheet.status == ScoreSheet.Status.SUBMITTED and not sheet.events.filter(action="reopen").exists()


def test_an_excel_upload_after_the_advance_is_refused_and_changes_nothing(setup, sheet):
    fill(sheet, setup.indicators, "80")
    workbook = load_workbook(io.BytesIO(build_workbook(setup.stage, setup.assessor)))
    for row in workbook["Nilai"].iter_rows(min_row=2):
        row[COL_VALUE - 1].value = 55
    buffer = io.BytesIO()
    workbook.save(buffer)
    advanced(setup)
    changes = ScoreChange.objects.count()
    before = scores_of(sheet)
    report = apply_upload(setup.stage, setup.assessor, SimpleUploadedFile("nilai.xlsx", buffer.getvalue()))
    assert not report.ok and report.changed == 0
    assert [error.message for error in report.errors] == [scoring.stage_closed_message(setup.stage)]
    assert "already gone on to the next stage" in report.errors[0].message
    assert ScoreChange.objects.count() == changes and scores_of(sheet) == before


# --- 3. a conflict declared on an open sheet voids it ---


def test_a_conflict_declared_after_opening_stops_saving_and_submitting(setup, sheet):
    fill(sheet, setup.indicators, "80")
    before = scores_of(sheet)
    assignments.declare_conflict(setup.assessor, setup.rogojampi, "My sister is the camat's secretary.")
    with pytest.raises(scoring.ScoringError, match="conflict of interest") as refused:
        save(sheet, setup.indicators[0], "10")
    assert refused.value.code == "conflict_of_interest"
    with pytest.raises(scoring.ScoringError, match="This sheet is void"):
        scoring.submit_sheet(sheet, setup.assessor)
    sheet.refresh_from_db()
    assert sheet.status == ScoreSheet.Status.DRAFT and scores_of(sheet) == before


def test_a_void_draft_sheet_does_not_hold_up_the_final_results(setup, sheet):
    assignments.declare_conflict(setup.assessor, setup.rogojampi, "Family ties.")
    problems = workflow.precondition_problems(setup.edition, Edition.State.FINAL)
    assert not any("still in progress" in problem for problem in problems)


def test_a_conflict_on_a_sheet_that_counted_for_an_advance_waits_for_its_revert(setup):
    advance = advanced(setup)  # the other assessor's Rogojampi sheet chose who went on
    with pytest.raises(ValidationError, match="revert that advance first"):
        assignments.declare_conflict(setup.other, setup.rogojampi, "Found out late.")
    assert not setup.rogojampi.conflicts.exists()
    advancing.revert_advance(advance, setup.admin)
    assignments.declare_conflict(setup.other, setup.rogojampi, "Found out late.")
    assert setup.rogojampi.conflicts.filter(assessor=setup.other).exists()


# --- 4. an award confirmation goes when the ranking it was made from changes ---


def confirmed(edition, admin):
    awards.ensure_default_categories(edition)
    awards.confirm_awards(edition, admin)
    assert Award.objects.filter(category__edition=edition, confirmed_at__isnull=False).count() == 5


def test_reopening_a_sheet_withdraws_the_award_confirmation_with_its_reason(final_edition, province_admin):
    confirmed(final_edition, province_admin)
    set_edition(final_edition, state=Edition.State.ASSESSMENT)  # the assessment reopened
    sheet = ScoreSheet.objects.filter(stage=stage_of(final_edition, 3)).first()
    scoring.reopen_sheet(sheet, province_admin, "The assessor swapped two kecamatan.")
    assert not Award.objects.filter(category__edition=final_edition, confirmed_at__isnull=False).exists()
    record = AwardWithdrawal.objects.get(edition=final_edition)
    assert record.by == province_admin and "The assessor swapped two kecamatan." in record.reason
    assert awards.last_withdrawal(final_edition) == record
    assert "not confirmed" in awards.publication_problems(final_edition)[0]


def test_withdrawing_by_hand_is_recorded_too(final_edition, province_admin):
    confirmed(final_edition, province_admin)
    awards.withdraw_confirmation(final_edition, province_admin)
    assert AwardWithdrawal.objects.get(edition=final_edition).reason == "Withdrawn by the province admin."


def test_the_tie_break_rule_cannot_change_under_confirmed_awards(final_edition, province_admin):
    confirmed(final_edition, province_admin)
    final_edition.tie_break_aspect = "Pelayanan publik"
    with pytest.raises(ValidationError, match="criteria can no longer change"):
        criteria.save_edition_settings(final_edition)
    set_edition(final_edition, state=Edition.State.ASSESSMENT)
    final_edition.tie_break_aspect = "Pelayanan publik"
    with pytest.raises(ValidationError, match="already has scores"):
        criteria.save_edition_settings(final_edition)
    assert Edition.objects.get(pk=final_edition.pk).tie_break_aspect != "Pelayanan publik"
    assert Award.objects.filter(category__edition=final_edition, confirmed_at__isnull=False).count() == 5


# --- 1. criteria locked from the first score; settings frozen at publication ---


def test_criteria_of_a_scored_stage_refuse_every_write(setup, sheet):
    save(sheet, setup.indicators[0], "80")
    aspect = Aspect.objects.filter(stage=setup.stage).first()
    indicator = setup.indicators[0]
    aspect.weight = D("1")
    with pytest.raises(ValidationError, match="already has scores"):
        criteria.save_criterion(aspect)
    with pytest.raises(ValidationError, match="already has scores"):
        criteria.save_criterion(Aspect(stage=setup.stage, order=99, name="Baru", weight=D("0")))
    with pytest.raises(ValidationError, match="already has scores"):
        criteria.delete_criterion(indicator)
    stage = stage_of(setup.edition, 1)
    stage.weight = D("1")
    with pytest.raises(ValidationError, match="already has scores"):
        criteria.save_stage(stage)
    assert Aspect.objects.get(pk=aspect.pk).weight != D("1")
    assert Indicator.objects.filter(pk=indicator.pk).exists()
    assert stage_of(setup.edition, 1).weight != D("1")
    assert not Aspect.objects.filter(name="Baru").exists()
    # The configuration import/apply obeys the same lock.
    data = configuration.export_configuration(setup.edition)
    with pytest.raises(ValidationError, match="already has scores"):
        configuration.apply_configuration(setup.edition, data)
    setup.edition.aggregation = Edition.Aggregation.MEDIAN
    with pytest.raises(ValidationError, match="already has scores"):
        criteria.save_edition_settings(setup.edition)
    assert Edition.objects.get(pk=setup.edition.pk).aggregation == Edition.Aggregation.MEAN


def test_an_unscored_stage_still_takes_criteria_and_other_settings_still_change(setup, sheet):
    save(sheet, setup.indicators[0], "80")
    # Presentation (stage 2) has no score: its criteria may change; the edition's name is no formula.
    presentation = stage_of(setup.edition, 2)
    aspect = Aspect.objects.filter(stage=presentation).first()
    aspect.name = "Renamed"
    criteria.save_criterion(aspect)
    setup.edition.name = "SP2K Jawa Timur 2022 (revisi)"
    criteria.save_edition_settings(setup.edition)
    assert Edition.objects.get(pk=setup.edition.pk).name == "SP2K Jawa Timur 2022 (revisi)"


def test_a_published_editions_settings_are_frozen(published_edition):
    quota = published_edition.nomination_quota
    published_edition.nomination_quota = quota + 2
    with pytest.raises(ValidationError, match="The results are published"):
        criteria.save_edition_settings(published_edition)
    assert Edition.objects.get(pk=published_edition.pk).nomination_quota == quota


def test_the_decree_is_frozen_at_publication_and_never_issued_with_another_number(final_edition, province_admin):
    decree = DecreeFactory(edition=final_edition, number="188/1/KPTS/013/2022")
    confirmed(final_edition, province_admin)
    # Before publication the decree's set-up may change.
    decree.number = "188/2/KPTS/013/2022"
    documents.save_decree(decree, province_admin)
    facts = documents.decree_facts(final_edition)
    issued = documents.issue(final_edition, Document.Kind.DECREE, "decree", facts, province_admin, render=False)
    workflow.publish(final_edition, province_admin)
    final_edition.refresh_from_db()
    decree = Decree.objects.get(edition=final_edition)
    decree.number = "188/3/KPTS/013/2022"
    with pytest.raises(ValidationError, match="The results are published"):
        documents.save_decree(decree, province_admin)
    assert Decree.objects.get(edition=final_edition).number == "188/2/KPTS/013/2022"
    # A decree row changed behind the domain's back still yields no second decree with another number.
    Decree.objects.filter(edition=final_edition).update(number="188/3/KPTS/013/2022")
    with pytest.raises(ValidationError, match="the decree in force is number 188/2/KPTS/013/2022"):
        documents.issue_decree(final_edition, province_admin)
    assert list(Document.objects.filter(edition=final_edition, kind="decree")) == [issued]
