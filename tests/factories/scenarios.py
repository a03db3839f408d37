"""Bigger worlds the tests share, built with the factories (not with the demo data builders).

``final_edition_with_scores``: an edition with the example criteria, scored through its three stages and
FINAL, whose final ranking is the 2022 decree's: Rogojampi, Taman, Tongas, Bumiaji, Pamekasan.
"""

from decimal import Decimal

from django.db import transaction
from django.utils import timezone

from assessments.models import (
    Assignment,
    Edition,
    EditionAssessor,
    EditionTransition,
    Indicator,
    Participant,
    Score,
    ScoreSheet,
    StageAdvance,
    StageEntry,
)
from districts.models import District
from tests.factories.assessments import ConfiguredEditionFactory
from tests.factories.criteria import WINNER_CODES

# The winners' field-visit levels per aspect (Pelayanan publik 40, Inovasi 40, Koordinasi 20), chosen so
# that their totals are 100, 90, 80, 75 and 60: no tie, the decree's order.
WINNER_FIELD_VISIT = {
    "35.10.13": {"Pelayanan publik": 5, "Inovasi (IKI)": 5, "Koordinasi penyelenggaraan pemerintahan": 5},
    "35.15.13": {"Pelayanan publik": 5, "Inovasi (IKI)": 4, "Koordinasi penyelenggaraan pemerintahan": 5},
    "35.13.23": {"Pelayanan publik": 4, "Inovasi (IKI)": 4, "Koordinasi penyelenggaraan pemerintahan": 5},
    "35.79.02": {"Pelayanan publik": 4, "Inovasi (IKI)": 4, "Koordinasi penyelenggaraan pemerintahan": 4},
    "35.28.04": {"Pelayanan publik": 3, "Inovasi (IKI)": 4, "Koordinasi penyelenggaraan pemerintahan": 3},
}
# Their numeric (desk, presentation) scores: the strongest first.
WINNER_NUMERIC = dict(zip(WINNER_CODES, (92, 88, 84, 80, 76), strict=True))


def participant_codes(province_code="35", count=10):
    """The five winners, then the first kecamatan (by code) of other regencies."""
    taken = {code[:5] for code in WINNER_CODES}
    others = []
    for code in (
        District.objects.filter(regency__province_id=province_code).order_by("code").values_list("code", flat=True)
    ):
        if code[:5] not in taken:
            taken.add(code[:5])
            others.append(code)
    return WINNER_CODES + others[: count - len(WINNER_CODES)]


def final_edition_with_scores(province_admin, assessors, name="SP2K Jawa Timur 2022 (contoh)", count=10):
    """A FINAL edition of ``count`` accepted participants scored by ``assessors`` (no one scores a
    kecamatan of their own regency): everyone in the desk and presentation stages, the five winners in
    the field visit. Sheets are submitted; the history has the transitions and stage advances."""
    now = timezone.now()
    with transaction.atomic():
        edition = ConfiguredEditionFactory(province=province_admin.province, name=name, year=2022)
        codes = participant_codes(province_admin.province_id, count)
        participants = Participant.objects.bulk_create(
            Participant(
                edition=edition,
                district_id=code,
                status=Participant.Status.ACCEPTED,
                decided_by=province_admin,
                decided_at=now,
            )
            for code in codes
        )
        EditionAssessor.objects.bulk_create(EditionAssessor(edition=edition, user=a) for a in assessors)
        for participant in participants:
            participant.presented_innovations.set(participant.district.innovations.all())
        others = {p.district_id: 70 - 3 * i for i, p in enumerate(participants[len(WINNER_CODES) :])}
        stages = list(edition.stages.order_by("order"))
        winners = [p for p in participants if p.district_id in WINNER_FIELD_VISIT]
        for stage, stage_participants in zip(stages, [participants, participants, winners], strict=True):
            StageEntry.objects.bulk_create(
                StageEntry(stage=stage, participant=p, advanced_by=province_admin) for p in stage_participants
            )
            indicators = list(Indicator.objects.filter(aspect__stage=stage).select_related("aspect"))
            pairs = [
                (a, p)
                for p in stage_participants
                for a in assessors
                if not (a.regency_id and a.regency_id == p.district_id[:5])
            ]
            Assignment.objects.bulk_create(Assignment(stage=stage, assessor=a, participant=p) for a, p in pairs)
            sheets = ScoreSheet.objects.bulk_create(
                ScoreSheet(stage=stage, assessor=a, participant=p, status=ScoreSheet.Status.SUBMITTED, submitted_at=now)
                for a, p in pairs
            )
            scores = []
            for sheet, (_assessor, participant) in zip(sheets, pairs, strict=True):
                code = participant.district_id
                for indicator in indicators:
                    if indicator.scale == Indicator.Scale.RUBRIC:
                        value = WINNER_FIELD_VISIT[code][indicator.aspect.name]
                    else:
                        value = WINNER_NUMERIC.get(code) or others[code]
                    scores.append(Score(sheet=sheet, indicator=indicator, value=Decimal(value)))
            Score.objects.bulk_create(scores)
        for stage in stages[:-1]:
            StageAdvance.objects.create(from_stage=stage, count=stage.advance_count, by=province_admin)
        moves = [Edition.State.DRAFT, Edition.State.NOMINATION, Edition.State.ASSESSMENT, Edition.State.FINAL]
        EditionTransition.objects.bulk_create(
            EditionTransition(edition=edition, from_state=a, to_state=b, by=province_admin)
            for a, b in zip(moves, moves[1:], strict=False)
        )
        edition.state = Edition.State.FINAL
        edition.save(update_fields=["state"])
    return edition
