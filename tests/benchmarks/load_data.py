"""Data side of the load benchmark, run as a subprocess against the benchmark's own PostgreSQL cluster.

``python -m tests.benchmarks.load_data setup OUT.json`` builds an edition in assessment with one stage,
the Jawa Timur kecamatan as participants, the assessors (one sheet each), an assessor with a large
Excel workbook to upload and a camat who uploads evidence, and a signed-in session for each of them;
``check IN.json`` compares what the load client was told was saved with the scores and their history;
``snapshot`` counts what an interrupted upload must not change.

A subprocess, because the benchmark runner's own Django is connected to another database (the
runner's scratch database), while these data live in a cluster the benchmark stops and starts.
"""

import json
import random
import sys
from decimal import Decimal

EXCEL_COMMENT_WORDS = 30
EXCEL_PHOTO_SIZE = (2000, 1500)  # a site photo pasted into the workbook: about 3 MB, the size of a real one


def _configuration():
    from sp2k.demo.competition import PRESENTATION_ASPECTS, _aspects, example_configuration

    data = example_configuration()
    stage = dict(data["stages"][1])  # presentation: 18 numeric indicators, 0–100
    stage.update(order=1, weight="100", advance_count=None, aspects=_aspects(PRESENTATION_ASPECTS, evidence=True))
    data["stages"] = [stage]
    return data


def signed_in_session(user):
    """The key of a stored session signed in as ``user`` (as after the login form), in the portal's own
    session store and authentication backend."""
    from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY

    from sp2k.accounts.backends import AccountBackend
    from sp2k.accounts.sessions import SessionStore

    session = SessionStore()
    session[SESSION_KEY] = str(user.pk)
    session[BACKEND_SESSION_KEY] = f"{AccountBackend.__module__}.{AccountBackend.__qualname__}"
    session[HASH_SESSION_KEY] = user.get_session_auth_hash()
    session.create()
    return session.session_key


def _filled_workbook(stage, assessor, rng):
    """The assessor's workbook as downloaded, with every score and a long comment filled in."""
    from io import BytesIO

    from openpyxl import load_workbook
    from openpyxl.drawing.image import Image as XLImage
    from PIL import Image as PILImage

    from assessments.domain.spreadsheets import COL_COMMENT, COL_VALUE, SCORES_SHEET, build_workbook

    words = [
        "pelayanan",
        "kecamatan",
        "inovasi",
        "dokumen",
        "lengkap",
        "sesuai",
        "target",
        "desa",
        "warga",
        "laporan",
        "realisasi",
        "anggaran",
        "koordinasi",
        "rapat",
        "camat",
        "bukti",
        "foto",
        "kegiatan",
        "belum",
        "sudah",
        "perlu",
        "ditingkatkan",
        "baik",
        "cukup",
        "kurang",
        "data",
        "tahun",
        "persen",
    ]
    workbook = load_workbook(BytesIO(build_workbook(stage, assessor)))
    sheet = workbook[SCORES_SHEET]
    for row in range(2, sheet.max_row + 1):
        sheet.cell(row, COL_VALUE).value = rng.randint(0, 100)
        # Figures in the text (dates, percentages, letter numbers) as real comments have; they also keep
        # the workbook from compressing to almost nothing.
        text = [
            f"{rng.randint(1, 99999)}" if rng.random() < 0.3 else rng.choice(words) for _ in range(EXCEL_COMMENT_WORDS)
        ]
        sheet.cell(row, COL_COMMENT).value = " ".join(text)
    # Assessors at field visits paste photos into the workbook: that is what makes a real upload large
    # (large enough to be spooled to a temporary file, which the interrupted-upload check is about).
    photo = BytesIO()
    PILImage.frombytes("RGB", EXCEL_PHOTO_SIZE, rng.randbytes(EXCEL_PHOTO_SIZE[0] * EXCEL_PHOTO_SIZE[1] * 3)).save(
        photo, "JPEG", quality=90
    )
    sheet.add_image(XLImage(photo), "M2")
    output = BytesIO()
    workbook.save(output)
    return output.getvalue(), sheet.max_row - 1


def setup(out_path, users, excel_participants):
    from django.db import transaction

    from assessments.domain.configuration import create_edition
    from assessments.models import Assignment, Edition, EditionAssessor, Indicator, Participant, ScoreSheet, StageEntry
    from districts.domain.regions import load_regions
    from districts.models import District, Province
    from sp2k.accounts.models import Role, User

    rng = random.Random(2022)  # noqa: S311 - benchmark data
    load_regions(provinces=["35"], villages=False)
    province = Province.objects.get(code="35")
    codes = list(District.objects.filter(regency__province=province).order_by("code").values_list("code", flat=True))
    with transaction.atomic():
        edition = create_edition(province, "SP2K Jawa Timur 2022 (beban)", 2022, _configuration())
        Edition.objects.filter(pk=edition.pk).update(state=Edition.State.ASSESSMENT)
        stage = edition.stages.get()
        participants = Participant.objects.bulk_create(
            Participant(edition=edition, district_id=code, status=Participant.Status.ACCEPTED) for code in codes
        )
        StageEntry.objects.bulk_create(StageEntry(stage=stage, participant=p) for p in participants)
        # "!" is an unusable password: these accounts only ever use the sessions made below.
        assessors = User.objects.bulk_create(
            User(
                username=f"penilai-beban-{i:03d}",
                full_name=f"Penilai {i}",
                role=Role.ASSESSOR,
                province=province,
                password="!",
            )
            for i in range(users + 1)
        )
        load_assessors, excel_assessor = assessors[:users], assessors[users]
        EditionAssessor.objects.bulk_create(EditionAssessor(edition=edition, user=a) for a in assessors)
        # Each load assessor scores one participant (its own sheet, so its saves never wait on another's).
        pairs = [(a, participants[i % len(participants)]) for i, a in enumerate(load_assessors)]
        Assignment.objects.bulk_create(Assignment(stage=stage, assessor=a, participant=p) for a, p in pairs)
        sheets = ScoreSheet.objects.bulk_create(ScoreSheet(stage=stage, assessor=a, participant=p) for a, p in pairs)
        excel_set = participants[-excel_participants:]
        Assignment.objects.bulk_create(
            Assignment(stage=stage, assessor=excel_assessor, participant=p) for p in excel_set
        )
        camat_participant = participants[0]
        camat = User.objects.create(
            username="camat-beban",
            full_name="Camat Beban",
            role=Role.CAMAT,
            district=camat_participant.district,
            password="!",
        )
    indicators = list(
        Indicator.objects.filter(aspect__stage=stage)
        .order_by("aspect__order", "order")
        .values("pk", "scale_min", "scale_max")
    )
    workbook, rows = _filled_workbook(stage, excel_assessor, rng)
    data = {
        "edition": edition.pk,
        "stage": stage.pk,
        "indicators": [[i["pk"], str(i["scale_min"]), str(i["scale_max"])] for i in indicators],
        "sheets": [[sheet.pk, signed_in_session(sheet.assessor)] for sheet in sheets],
        "excel": {
            "session": signed_in_session(excel_assessor),
            "rows": rows,
            "workbook_hex": workbook.hex(),
            "assessor": excel_assessor.pk,
        },
        "evidence": {
            "session": signed_in_session(camat),
            "participant": camat_participant.pk,
            "indicator": indicators[0]["pk"],
        },
    }
    with open(out_path, "w") as handle:
        json.dump(data, handle)


def check(in_path):
    """Compare the client's accepted saves with the database; print a JSON verdict."""
    from django.db import connection

    from assessments.models import Score, ScoreChange

    with open(in_path) as handle:
        # {"sheet:indicator": [saves answered 200, last value answered 200, requests that got no answer]}
        client = json.load(handle)
    sheets = sorted({int(key.split(":")[0]) for key in client})
    changes = {}
    for row in ScoreChange.objects.filter(sheet_id__in=sheets).values("sheet_id", "indicator_id", "new_value"):
        changes.setdefault(f"{row['sheet_id']}:{row['indicator_id']}", []).append(row["new_value"])
    scores = {
        f"{s['sheet_id']}:{s['indicator_id']}": s
        for s in Score.objects.filter(sheet_id__in=sheets).values("sheet_id", "indicator_id", "value", "version")
    }
    lost = doubled = wrong_value = saved_unanswered = 0
    examples = []
    for key, (accepted, last, unanswered) in client.items():
        stored = len(changes.get(key, []))
        # A request that got no answer may have been saved: that is one history row more, not a double.
        extra_unanswered = min(max(stored - accepted, 0), unanswered)
        saved_unanswered += extra_unanswered
        if stored < accepted:
            lost += accepted - stored
            examples.append(f"{key}: {accepted} accepted, {stored} in the history")
        elif stored - extra_unanswered > accepted:
            doubled += stored - extra_unanswered - accepted
            examples.append(f"{key}: {accepted} accepted ({unanswered} unanswered), {stored} in the history")
        score = scores.get(key)
        # (After a request saved without an answer, the last value the client knows may not be the last.)
        if accepted and not extra_unanswered and (score is None or score["value"] != Decimal(last)):
            wrong_value += 1
            examples.append(f"{key}: last accepted {last}, stored {score and score['value']}")
    unexpected = sum(len(v) for k, v in changes.items() if k not in client)
    # Every score must match its history: version = number of changes, value = the last change's new
    # value, and each change starts from the previous one's value (no half-written save in between).
    in_sheets = f"IN ({', '.join(['%s'] * len(sheets))})"  # ANY(array) is PostgreSQL's only; SQLite too
    with connection.cursor() as cursor:
        cursor.execute(
            f"""
            WITH h AS (
                SELECT sheet_id, indicator_id, old_value, new_value, id,
                       LAG(new_value) OVER (PARTITION BY sheet_id, indicator_id ORDER BY id) AS previous,
                       ROW_NUMBER() OVER (PARTITION BY sheet_id, indicator_id ORDER BY id DESC) AS from_last,
                       COUNT(*) OVER (PARTITION BY sheet_id, indicator_id) AS n
                FROM assessments_scorechange WHERE sheet_id {in_sheets}
            )
            SELECT
              (SELECT COUNT(*) FROM h WHERE previous IS NOT NULL AND old_value IS DISTINCT FROM previous),
              (SELECT COUNT(*) FROM assessments_score s
                 LEFT JOIN h ON h.sheet_id = s.sheet_id AND h.indicator_id = s.indicator_id AND h.from_last = 1
                 WHERE s.sheet_id {in_sheets}
                   AND (COALESCE(h.n, 0) <> s.version OR h.new_value IS DISTINCT FROM s.value)),
              (SELECT COUNT(*) FROM h WHERE from_last = 1 AND NOT EXISTS (
                 SELECT 1 FROM assessments_score s WHERE s.sheet_id = h.sheet_id AND s.indicator_id = h.indicator_id))
            """,  # noqa: S608 - only placeholders are formatted in
            [*sheets, *sheets],
        )
        broken_chain, score_vs_history, history_without_score = cursor.fetchone()
    result = {
        "accepted": sum(item[0] for item in client.values()),
        "unanswered": sum(item[2] for item in client.values()),
        "saved_unanswered": saved_unanswered,
        "history_rows": sum(len(v) for v in changes.values()),
        "scores": len(scores),
        "lost": lost,
        "doubled": doubled,
        "unexpected_rows": unexpected,
        "wrong_final_value": wrong_value,
        "broken_history_chain": broken_chain,
        "score_not_matching_history": score_vs_history,
        "history_without_score": history_without_score,
        "examples": examples[:5],
    }
    print(json.dumps(result))


def snapshot():
    from assessments.models import EvidenceFile, Score, ScoreChange, ScoreSheet

    print(
        json.dumps(
            {
                "scores": Score.objects.count(),
                "score_changes": ScoreChange.objects.count(),
                "excel_changes": ScoreChange.objects.filter(source=ScoreChange.Source.EXCEL).count(),
                "sheets": ScoreSheet.objects.count(),
                "evidence_files": EvidenceFile.objects.count(),
            }
        )
    )


def main(argv):
    import django

    django.setup()
    command, *args = argv
    if command == "setup":
        setup(args[0], int(args[1]), int(args[2]))
    elif command == "check":
        check(args[0])
    elif command == "snapshot":
        snapshot()
    else:
        raise SystemExit(f"unknown command {command}")


if __name__ == "__main__":
    main(sys.argv[1:])
