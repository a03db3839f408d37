"""Maintained totals (issue 14): every sheet's total and aspect subtotals follow each write of a score, and the
rankings read them with the same result as the reference computed from the raw scores."""

# ruff: noqa: F811 - the setup/sheet fixtures are imported from test_scoring and used as arguments
import random
from decimal import Decimal

import pytest
from django.core import signing
from django.utils import timezone

from assessments.domain import ranking, scoring, totals
from assessments.domain.spreadsheets import CHANGES_SALT, apply_changes
from assessments.models import (
    Conflict,
    Edition,
    EditionAssessor,
    Indicator,
    Score,
    ScoreChange,
    ScoreSheet,
    SheetAspectTotal,
    StageEntry,
)
from sp2k.accounts.models import Role
from tests.assessments.domain.test_scoring import save, setup, sheet  # noqa: F401 - fixtures

pytestmark = pytest.mark.django_db
CLOSE = Decimal("0.0001")


def assert_totals_match_raw_scores(sheets=None):
    """The stored totals equal a recomputation from the raw scores, for every sheet."""
    sheets = ScoreSheet.objects.all() if sheets is None else sheets
    expected = totals.recomputed(sheets)
    stored = {
        (row.sheet_id, row.aspect_id): row for row in SheetAspectTotal.objects.filter(sheet__in=sheets, scored__gt=0)
    }
    for one in sheets:
        total, aspects = expected[one.pk]
        assert abs(Decimal(one.weighted_total) - total) < CLOSE, one
        assert {key[1] for key in stored if key[0] == one.pk} == set(aspects)
        for aspect_pk, (subtotal, scored) in aspects.items():
            row = stored[(one.pk, aspect_pk)]
            assert abs(Decimal(row.total) - Decimal(str(subtotal))) < CLOSE and row.scored == scored


def test_saves_clears_comments_submit_and_reopen_keep_the_totals(setup, sheet):
    indicators = list(Indicator.objects.filter(aspect__stage=setup.stage).order_by("aspect__order", "order"))
    rng = random.Random(14)
    for _round in range(3):
        for indicator in indicators:
            value = rng.choice(["", "0", "55,5", "100", "73.25", None])
            save(sheet, indicator, value, comment=rng.choice(["", "baik"]))
            assert_totals_match_raw_scores()
    for indicator in indicators:
        save(sheet, indicator, "64,75")
    scoring.submit_sheet(sheet, sheet.assessor)
    scoring.reopen_sheet(sheet, setup.admin, "salah ketik")
    save(sheet, indicators[0], "")
    assert_totals_match_raw_scores()
    # Whatever writes the scores: a bulk update, a delete, a fresh insert.
    Score.objects.filter(sheet=sheet).update(value=Decimal("12.5"))
    assert_totals_match_raw_scores()
    Score.objects.filter(sheet=sheet, indicator=indicators[1]).delete()
    Score.objects.create(sheet=sheet, indicator=indicators[1], value=Decimal(99))
    assert_totals_match_raw_scores()
    assert ScoreChange.objects.filter(sheet=sheet).exists()


def test_excel_upload_keeps_the_totals(setup, sheet):
    """The confirmed upload saves each changed row through save_score, inside its own transaction."""
    indicators = list(Indicator.objects.filter(aspect__stage=setup.stage))
    save(sheet, indicators[2], "40")
    values = ["80", "90.5", None, "70"] * 10
    changes = [
        [row, setup.rogojampi.pk, indicator.pk, None, value, ""]
        for row, (indicator, value) in enumerate(zip(indicators, values, strict=False), start=2)
    ]
    payload = {"stage": setup.stage.pk, "assessor": setup.assessor.pk, "rows": len(changes), "columns": {}}
    token = signing.dumps({**payload, "changes": changes}, salt=CHANGES_SALT, compress=True)
    report = apply_changes(setup.stage, setup.assessor, token)
    assert report.changed and not report.errors
    assert_totals_match_raw_scores()


def _generated_edition(edition, make_user, aggregation, seed):
    """Every stage of ``edition`` with 12 participants × 5 assessors: ties (copied sheets), a home-regency
    conflict, a declared conflict, drafts and a partly scored submitted sheet."""
    rng = random.Random(seed)
    Edition.objects.filter(pk=edition.pk).update(aggregation=aggregation, tie_break_aspect="Data dukung kinerja")
    edition.refresh_from_db()
    participants = list(edition.participants.select_related("district"))
    assessors = [make_user(f"gen-{seed}-{i}", Role.ASSESSOR, province=edition.province) for i in range(5)]
    assessors[0].regency_id = participants[0].district.regency_id
    assessors[0].save(update_fields=["regency"])
    EditionAssessor.objects.bulk_create(EditionAssessor(edition=edition, user=a) for a in assessors)
    Conflict.objects.create(assessor=assessors[1], participant=participants[1], edition=edition, reason="kerabat")
    now = timezone.now()
    for stage in edition.stages.all():
        StageEntry.objects.bulk_create(StageEntry(stage=stage, participant=p) for p in participants)
        indicators = list(Indicator.objects.filter(aspect__stage=stage))
        for p_index, participant in enumerate(participants):
            template = None
            for a_index, assessor in enumerate(assessors):
                draft = rng.random() < 0.1
                sheet = ScoreSheet.objects.create(
                    stage=stage,
                    assessor=assessor,
                    participant=participant,
                    status=ScoreSheet.Status.DRAFT if draft else ScoreSheet.Status.SUBMITTED,
                    submitted_at=None if draft else now,
                )
                if p_index % 4 == 1 and template is not None:
                    values = template  # a tie within the participant's sheets
                else:
                    values = {i.pk: rng.choice(_levels(i)) for i in indicators}
                    template = values
                if p_index == 5 and a_index == 2:
                    values = dict(list(values.items())[:2])  # partly scored
                Score.objects.bulk_create(Score(sheet=sheet, indicator_id=pk, value=v) for pk, v in values.items())
        # Two participants with identical sheets: a tie between participants.
        home = participants[0].district.regency_id
        twin, copy = [p for p in participants[2:] if p.district.regency_id != home][:2]
        for sheet in ScoreSheet.objects.filter(stage=stage, participant=copy):
            source = ScoreSheet.objects.get(stage=stage, participant=twin, assessor=sheet.assessor)
            sheet.status, sheet.submitted_at = source.status, source.submitted_at
            sheet.save(update_fields=["status", "submitted_at"])
            for score in Score.objects.filter(sheet=source):
                Score.objects.filter(sheet=sheet, indicator_id=score.indicator_id).update(value=score.value)
    return edition


def _levels(indicator):
    if indicator.scale == Indicator.Scale.RUBRIC:
        return [Decimal(v) for v in range(int(indicator.scale_min), int(indicator.scale_max) + 1)]
    return [Decimal(v) for v in (0, 25, 50, "62.5", 75, 100)]


@pytest.mark.parametrize("aggregation", list(Edition.Aggregation))
def test_rankings_from_maintained_totals_equal_the_raw_score_reference(edition, participants, make_user, aggregation):
    edition = _generated_edition(edition, make_user, aggregation, seed=len(aggregation))
    assert_totals_match_raw_scores()
    for stage in edition.stages.all():
        maintained, reference = ranking.stage_ranking(stage), ranking.stage_ranking(stage, from_scores=True)
        assert_same(maintained, reference, _stage_key)
        assert any(r.shared or r.tie_broken for r in maintained)
    for final_score in Edition.FinalScore:
        Edition.objects.filter(pk=edition.pk).update(final_score=final_score)
        edition.refresh_from_db()
        maintained, reference = ranking.final_ranking(edition), ranking.final_ranking(edition, from_scores=True)
        assert_same(maintained, reference, _final_key)


def assert_same(maintained, reference, key):
    """Same participants in the same order, ranks and ties; the same figures (the 4th decimal may differ by
    one where a figure lies on a half: both sum in floating point, in another order)."""
    assert len(maintained) == len(reference)
    assert [r.rank for r in maintained] == [r.rank for r in reference]

    def in_order(rows):  # participants sharing a rank come in no particular order
        return sorted(rows, key=lambda r: (r.rank is None, r.rank or 0, r.participant.pk))

    for mine, theirs in zip(in_order(maintained), in_order(reference), strict=True):
        for a, b in zip(key(mine), key(theirs), strict=True):
            if isinstance(a, Decimal) and isinstance(b, Decimal):
                assert abs(a - b) <= CLOSE, (mine, theirs)
            elif isinstance(a, list):
                assert [s for s, _v in a] == [s for s, _v in b]
                assert all(abs(x - y) <= CLOSE for (_s, x), (_t, y) in zip(a, b, strict=True) if x is not None)
                assert [v is None for _s, v in a] == [v is None for _s, v in b]
            else:
                assert a == b, (mine, theirs)


def _stage_key(row):
    return (
        row.participant.pk,
        row.rank,
        row.score,
        row.n_sheets,
        row.median,
        row.trimmed_mean,
        row.z_mean,
        row.std,
        row.low,
        row.high,
        row.outliers,
        row.aspect_score,
        row.shared,
        row.tie_broken,
    )


def _final_key(row):
    return (row.participant.pk, row.rank, row.score, row.stage_scores, row.aspect_score, row.shared, row.tie_broken)


def test_refresh_totals_restores_what_was_lost(setup, sheet):
    for indicator in Indicator.objects.filter(aspect__stage=setup.stage):
        save(sheet, indicator, "81")
    ScoreSheet.objects.update(weighted_total=0)
    SheetAspectTotal.objects.all().delete()
    totals.refresh_totals()
    assert_totals_match_raw_scores()
    assert ScoreSheet.objects.get(pk=sheet.pk).weighted_total == Decimal(81)
