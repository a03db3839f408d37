from decimal import Decimal

import pytest

from assessments.domain.ranking import with_totals
from assessments.models import Indicator, Score, ScoreSheet


@pytest.mark.django_db
def test_sheet_total_is_weighted_by_aspect_and_indicator_and_normalised(edition, participants, assessor):
    stage = edition.stages.get(order=3)  # field visit: rubric 1–5
    sheet = ScoreSheet.objects.create(stage=stage, assessor=assessor, participant=participants[0])
    indicators = list(Indicator.objects.filter(aspect__stage=stage).select_related("aspect"))
    for indicator in indicators:
        Score.objects.create(sheet=sheet, indicator=indicator, value=5)
    assert with_totals(ScoreSheet.objects.filter(pk=sheet.pk)).get().total == Decimal(100)
    # Level 3 on every indicator: (3 - 1) / (5 - 1) = 50 %.
    Score.objects.filter(sheet=sheet).update(value=3)
    assert with_totals(ScoreSheet.objects.filter(pk=sheet.pk)).get().total == Decimal(50)
    # One aspect (weight 20, one indicator) left empty counts as 0.
    Score.objects.filter(sheet=sheet, indicator__aspect__weight=20).update(value=None)
    assert with_totals(ScoreSheet.objects.filter(pk=sheet.pk)).get().total == Decimal(40)
