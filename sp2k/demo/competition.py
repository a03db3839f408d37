"""Example criteria for demo data and tests (from the domain brief's examples, not a regulation)."""

import datetime
import random
from decimal import ROUND_DOWN, Decimal

from django.db import transaction
from django.utils import timezone

from assessments.domain.assignments import add_assessor, assign_all
from assessments.domain.configuration import create_edition
from assessments.domain.conflicts import is_home_regency_conflict
from assessments.domain.visits import VisitPlan, plan_visits
from assessments.domain.workflow import move_edition
from assessments.models import (
    Assignment,
    Edition,
    EditionAssessor,
    EditionTransition,
    Indicator,
    Participant,
    Score,
    ScoreChange,
    ScoreSheet,
    Stage,
    StageAdvance,
    StageEntry,
)
from districts.models import District
from sp2k.demo import timeline

RUBRIC_LEVELS = [
    {"value": 1, "label": "Sangat kurang", "description": "Belum ada bukti pelaksanaan."},
    {"value": 2, "label": "Kurang", "description": "Ada rencana, pelaksanaan belum berjalan."},
    {"value": 3, "label": "Cukup", "description": "Berjalan sebagian, belum rutin atau belum terukur."},
    {"value": 4, "label": "Baik", "description": "Berjalan rutin dan terukur."},
    {
        "value": 5,
        "label": "Sangat baik",
        "description": "Berjalan rutin, terukur, berdampak dan direplikasi pihak lain.",
    },
]

# aspect name, weight, indicators
PRESENTATION_ASPECTS = [
    (
        "Pelayanan publik",
        "25",
        [
            "Standar PATEN terpenuhi",
            "Layanan digital/daring",
            "Layanan bagi penyandang disabilitas",
            "Penanganan pengaduan",
            "Survei kepuasan masyarakat (IKM)",
        ],
    ),
    (
        "Koordinasi penyelenggaraan pemerintahan",
        "20",
        [
            "Forum koordinasi (mis. Rapat Minggon)",
            "Pembinaan pemerintahan desa",
            "Sinergi dengan instansi di kecamatan",
        ],
    ),
    (
        "Inovasi (IKI)",
        "30",
        ["Inisiatif", "Kolaborasi dengan mitra", "Kebaruan", "Dampak terukur", "Keberlanjutan dan replikasi"],
    ),
    ("Kompetensi SDM", "10", ["Pelatihan aparatur", "Sikap pelayanan"]),
    ("Pengelolaan anggaran", "10", ["Realisasi anggaran", "Laporan pertanggungjawaban"]),
    ("Penguasaan materi oleh camat", "5", ["Kejelasan paparan", "Jawaban atas pertanyaan tim penilai"]),
]

DESK_ASPECTS = [
    ("Kelengkapan administrasi", "40", ["Profil kecamatan", "Dokumen inovasi", "Surat usulan kabupaten/kota"]),
    ("Data dukung kinerja", "60", ["Capaian pelayanan PATEN", "Laporan koordinasi", "Laporan realisasi anggaran"]),
]

FIELD_VISIT_ASPECTS = [
    ("Pelayanan publik", "40", ["Kondisi ruang pelayanan", "Kesesuaian layanan dengan paparan"]),
    ("Inovasi (IKI)", "40", ["Inovasi berjalan di lapangan", "Keterlibatan masyarakat dan mitra"]),
    ("Koordinasi penyelenggaraan pemerintahan", "20", ["Kehadiran dan peran unsur Forkopimcam"]),
]


def _split(total, count):
    """Equal weights that add up to exactly ``total`` (the last takes the rounding)."""

    share = (Decimal(total) / count).quantize(Decimal("0.01"), rounding=ROUND_DOWN)
    return [str(share)] * (count - 1) + [str(Decimal(total) - share * (count - 1))]


def _aspects(spec, scale="numeric", evidence=False):
    aspects = []
    for name, weight, indicators in spec:
        weights = _split(100, len(indicators))
        aspects.append(
            {
                "name": name,
                "weight": weight,
                "indicators": [
                    {
                        "name": indicator,
                        "description": "",
                        "weight": w,
                        "scale": scale,
                        "scale_min": "1" if scale == "rubric" else "0",
                        "scale_max": "5" if scale == "rubric" else "100",
                        "requires_evidence": evidence,
                        "levels": RUBRIC_LEVELS if scale == "rubric" else [],
                    }
                    for indicator, w in zip(indicators, weights, strict=True)
                ],
            }
        )
    return aspects


def example_configuration():
    """SP2K Jawa Timur 2022 as an example: desk (all) → presentation (30 → 5) → field visit (5)."""
    return {
        "format": "sp2k-edition/1",
        "aggregation": "mean",
        "final_score": "last_stage",
        "tie_break_aspect": "Inovasi (IKI)",
        "nomination_quota": 1,
        "evidence_max_mb": 20,
        "reminder_days": 3,
        "stages": [
            {
                "order": 1,
                "kind": "desk",
                "name": "Penilaian administrasi (desk)",
                "starts_on": "2022-10-03",
                "ends_on": "2022-10-21",
                "weight": "20",
                "advance_count": 30,
                "aspects": _aspects(DESK_ASPECTS, evidence=True),
            },
            {
                "order": 2,
                "kind": "presentation",
                "name": "Presentasi dan wawancara",
                "starts_on": "2022-11-02",
                "ends_on": "2022-11-04",
                "weight": "30",
                "advance_count": 5,
                "aspects": _aspects(PRESENTATION_ASPECTS),
            },
            {
                "order": 3,
                "kind": "field_visit",
                "name": "Verifikasi dan tinjau lapang",
                "starts_on": "2022-11-16",
                "ends_on": "2022-11-25",
                "weight": "50",
                "advance_count": None,
                "aspects": _aspects(FIELD_VISIT_ASPECTS, scale="rubric"),
            },
        ],
    }


# Jawa Timur 2022's winners first (domain brief), then other regencies' rank-1 kecamatan (example).
EXAMPLE_PARTICIPANT_CODES = ["35.10.13", "35.15.13", "35.13.23", "35.79.02", "35.28.04"]


# Field-visit strength of the 2022 winners, in the order of the governor's decree (domain brief).
WINNER_LEVELS = {"35.10.13": 4.7, "35.15.13": 4.3, "35.13.23": 3.9, "35.79.02": 3.5, "35.28.04": 3.05}
DEMO_EDITION_NAME = "SP2K Jawa Timur 2022 (contoh)"

# One presentation sheet that disagrees with the rest of the panel, so the ranking shows its outlier flag:
# this assessor scored the weakest kecamatan well above the other assessors did (far from the shortlist,
# so the disagreement changes no one's place in it).
OUTLIER_ASSESSOR = "penilai-jpip"
OUTLIER_POINTS_ABOVE = 24
# The field-visit team (the panel led by the Biro Pemerintahan, domain brief), conflicts left out.
VISIT_TEAM = ["penilai-pemerintahan", "penilai-bappeda", "penilai-unair", "penilai-jpip"]


def demo_participant_codes(province_code="35", count=30):
    """The winners plus the first kecamatan (by code) of other regencies: rank 1 of each, as an example."""

    winners = list(WINNER_LEVELS)
    taken = {code[:5] for code in winners}
    others = []
    for district in District.objects.filter(regency__province_id=province_code).order_by("code"):
        if district.code[:5] not in taken:
            taken.add(district.code[:5])
            others.append(district.code)
    return winners + others[: count - len(winners)]


def _plan_example_visits(stage, participants, assessors, province_admin):
    """The five field visits of 16–25 November 2022 (Tongas first), through the domain's planning."""
    team = [a for a in assessors if a.username in VISIT_TEAM] or assessors
    plans = [
        VisitPlan(
            participant=p,
            date=timeline.VISIT_DAYS[p.district_id],
            starts_at=timeline.VISIT_START,
            ends_at=timeline.VISIT_END,
            assessors=[a for a in team if not is_home_regency_conflict(a, p)],
            meeting_place=f"Kantor Kecamatan {p.district.name}",
        )
        for p in participants
        if p.district_id in timeline.VISIT_DAYS
    ]
    plans = [plan for plan in plans if plan.assessors]
    if plans:
        plan_visits(stage, plans, province_admin)


def build_example_edition(province_admin, assessors, regency_admins=None):
    """The example "SP2K Jawa Timur 2022": 30 participants, three stages, scores, results final.

    Scores are generated (seeded, so the same every time) so that the final ranking follows the real
    2022 decree: Rogojampi, Taman, Tongas, Bumiaji, Pamekasan. Each kecamatan is nominated by its
    regency's admin (``regency_admins``: {regency code: user}); sheets are submitted on the days of
    their stage in 2022, and the field visits are planned for 16–25 November 2022. One presentation
    sheet disagrees with the panel (the outlier flag). Returns the edition, or None if it exists.
    """

    province = province_admin.province
    if Edition.objects.filter(province=province, name=DEMO_EDITION_NAME).exists():
        return None
    regency_admins = regency_admins or {}
    rng = random.Random(2022)  # noqa: S311 - demo data, not security
    with transaction.atomic():
        edition = create_edition(province, DEMO_EDITION_NAME, 2022, example_configuration())
        edition.is_demo = True
        edition.save(update_fields=["is_demo"])
        codes = demo_participant_codes(province.code)
        participants = Participant.objects.bulk_create(
            Participant(
                edition=edition,
                district_id=code,
                status=Participant.Status.ACCEPTED,
                nominated_by=regency_admins.get(code[:5]),
                decided_by=province_admin,
                decided_at=timeline.DECIDED,
            )
            for code in codes
        )
        EditionAssessor.objects.bulk_create(EditionAssessor(edition=edition, user=a) for a in assessors)
        for participant in participants:
            # Each entry presents the kecamatan's registered innovations (the demo has some for the winners).
            participant.presented_innovations.set(participant.district.innovations.all())
        stages = list(edition.stages.order_by("order"))
        strength = {p.pk: WINNER_LEVELS.get(p.district_id) for p in participants}
        for p in participants:
            if strength[p.pk] is None:
                strength[p.pk] = rng.uniform(2.0, 3.0)
        # Desk and presentation: everyone; field visit: the five strongest.
        in_stage = [participants, participants, sorted(participants, key=lambda p: -strength[p.pk])[:5]]
        index = {p.pk: number for number, p in enumerate(participants)}
        outlier = min((p for p in participants if p.district_id not in WINNER_LEVELS), key=lambda p: strength[p.pk])
        for stage, stage_participants in zip(stages, in_stage, strict=True):
            StageEntry.objects.bulk_create(
                StageEntry(stage=stage, participant=p, advanced_by=province_admin) for p in stage_participants
            )
            indicators = list(Indicator.objects.filter(aspect__stage=stage))
            pairs = [(a, p) for p in stage_participants for a in assessors if not is_home_regency_conflict(a, p)]
            Assignment.objects.bulk_create(Assignment(stage=stage, assessor=a, participant=p) for a, p in pairs)
            sheets = ScoreSheet.objects.bulk_create(
                ScoreSheet(
                    stage=stage,
                    assessor=a,
                    participant=p,
                    status=ScoreSheet.Status.SUBMITTED,
                    submitted_at=timeline.sheet_moment(
                        stage.order, index[p.pk], assessors.index(a), timeline.VISIT_DAYS.get(p.district_id)
                    ),
                )
                for a, p in pairs
            )
            scores, changes = [], []
            for sheet, (assessor, participant) in zip(sheets, pairs, strict=True):
                level = strength[participant.pk]
                disagrees = (
                    stage.kind == Stage.Kind.PRESENTATION
                    and participant.pk == outlier.pk
                    and assessor.username == OUTLIER_ASSESSOR
                )
                above = OUTLIER_POINTS_ABOVE if disagrees else 0
                for indicator in indicators:
                    if indicator.scale == Indicator.Scale.RUBRIC:
                        value = Decimal(min(5, max(1, round(level + rng.uniform(-0.6, 0.6)))))
                    else:
                        value = Decimal(min(100, max(0, round(level * 18 + rng.uniform(-6, 6)) + above)))
                    scores.append(Score(sheet=sheet, indicator=indicator, value=value, updated_at=sheet.submitted_at))
                    changes.append(
                        ScoreChange(
                            sheet=sheet,
                            indicator=indicator,
                            new_value=value,
                            by=assessor,
                            source=ScoreChange.Source.IMPORT,
                            at=sheet.submitted_at,
                        )
                    )
            with timeline.given_moments(Score._meta.get_field("updated_at"), ScoreChange._meta.get_field("at")):
                Score.objects.bulk_create(scores)
                ScoreChange.objects.bulk_create(changes)
        for stage in stages[:-1]:
            StageAdvance.objects.create(from_stage=stage, count=stage.advance_count, by=province_admin)
        _plan_example_visits(stages[-1], in_stage[-1], assessors, province_admin)
        moves = [Edition.State.DRAFT, Edition.State.NOMINATION, Edition.State.ASSESSMENT, Edition.State.FINAL]
        EditionTransition.objects.bulk_create(
            EditionTransition(edition=edition, from_state=a, to_state=b, by=province_admin)
            for a, b in zip(moves, moves[1:], strict=False)
        )
        edition.state = Edition.State.FINAL
        edition.save(update_fields=["state"])
    return edition


def set_nominators(edition, regency_admins):
    """Each participant without a nominating account is recorded as nominated by its regency's admin."""
    for regency_code, user in regency_admins.items():
        Participant.objects.filter(
            edition=edition, nominated_by__isnull=True, district__regency_id=regency_code
        ).update(nominated_by=user)


def build_open_edition(province_admin, assessors, today=None, regency_admins=None):
    """An example edition in progress, so that each demo role has something to do.

    "SP2K Jawa Timur <this year> (contoh)": same criteria and participants as 2022, in the assessment state,
    the desk stage open from a week ago to two weeks ahead, every assessor assigned (conflicts
    excepted), evidence deadline in a month; no score yet; each kecamatan nominated by its regency's admin
    (``regency_admins``: {regency code: user}). Moved through the real workflow, so its
    history reads like a real one. Returns the edition, or None if it exists.
    """

    province = province_admin.province
    regency_admins = regency_admins or {}
    today = today or timezone.localdate()
    if Edition.objects.filter(province=province, year=today.year, is_demo=True).exists():
        return None
    data = example_configuration()
    # Stage dates around today, so the deadlines in the demo are always ahead.
    spans = [(-7, 14), (30, 32), (45, 55)]
    for stage, (start, end) in zip(data["stages"], spans, strict=True):
        stage["starts_on"] = (today + datetime.timedelta(days=start)).isoformat()
        stage["ends_on"] = (today + datetime.timedelta(days=end)).isoformat()
    with transaction.atomic():
        edition = create_edition(province, f"SP2K Jawa Timur {today.year} (contoh)", today.year, data)
        edition.is_demo = True
        # The evidence deadline: the end of the day a month ahead.
        edition.evidence_deadline = datetime.datetime.combine(
            today + datetime.timedelta(days=30), datetime.time(23, 59), timeline.WIB
        )
        edition.save(update_fields=["is_demo", "evidence_deadline"])
        move_edition(edition, Edition.State.NOMINATION, province_admin)
        Participant.objects.bulk_create(
            Participant(
                edition=edition,
                district_id=code,
                status=Participant.Status.ACCEPTED,
                nominated_by=regency_admins.get(code[:5]),
                decided_by=province_admin,
                decided_at=timezone.now(),
            )
            for code in demo_participant_codes(province.code)
        )
        for assessor in assessors:
            add_assessor(edition, assessor)
        move_edition(edition, Edition.State.ASSESSMENT, province_admin)
        assign_all(edition.stages.order_by("order").first())
    # Its history as if it had run for five weeks (the domain stamped everything "now").
    timeline.date_open_edition(edition, today)
    return edition
