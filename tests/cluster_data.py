"""Data side of the cluster test and benchmark (tests/cluster.py), run as a subprocess on the cluster's own
PostgreSQL (``DATABASE_URL`` and the S3_* settings of the cluster in the environment).

``python -m tests.cluster_data setup OUT.json USERS CERTIFICATES`` builds:

- an edition in assessment with one stage and USERS assessors, each with its own sheet and a session (the
  load client's virtual users, as in tests/benchmarks/load_data.py), and a camat uploading evidence for
  the first participant, whose assessor may download it;
- a final edition with CERTIFICATES confirmed awards and a decree, and its province admin (a session);
- an account with a password and an e-mail address, for the lock-out and the mail throttle.

``job JOB_ID`` prints what the job and its tasks became; ``check IN.json`` is the load benchmark's check of
saves against the history.
"""

import json
import sys

from tests.benchmarks.load_data import _configuration, signed_in_session
from tests.benchmarks.load_data import check as check_saves

PASSWORD = "klaster-sp2k-2026"  # noqa: S105 - throwaway cluster


def setup(out_path, users, certificates):
    from django.db import transaction
    from django.utils import timezone

    from assessments.domain.configuration import create_edition
    from assessments.models import (
        Assignment,
        Award,
        AwardCategory,
        Edition,
        EditionAssessor,
        Indicator,
        Participant,
        ScoreSheet,
        StageEntry,
    )
    from districts.domain.regions import load_regions
    from districts.models import District, Province
    from sp2k.accounts.models import Role, User
    from sp2k.demo.competition import example_configuration
    from sp2k.demo.documents import create_demo_decree

    load_regions(provinces=["35"], villages=False)
    province = Province.objects.get(code="35")
    codes = list(District.objects.filter(regency__province=province).order_by("code").values_list("code", flat=True))
    now = timezone.now()
    with transaction.atomic():
        edition = create_edition(province, "SP2K Jawa Timur 2026 (klaster)", 2026, _configuration())
        Edition.objects.filter(pk=edition.pk).update(state=Edition.State.ASSESSMENT)
        stage = edition.stages.get()
        participants = Participant.objects.bulk_create(
            Participant(edition=edition, district_id=code, status=Participant.Status.ACCEPTED)
            for code in codes[: max(users, 1)]
        )
        StageEntry.objects.bulk_create(StageEntry(stage=stage, participant=p) for p in participants)
        assessors = User.objects.bulk_create(
            User(username=f"penilai-klaster-{i:03d}", full_name=f"Penilai {i}", role=Role.ASSESSOR, province=province)
            for i in range(users)
        )
        EditionAssessor.objects.bulk_create(EditionAssessor(edition=edition, user=a) for a in assessors)
        pairs = [(a, participants[i % len(participants)]) for i, a in enumerate(assessors)]
        Assignment.objects.bulk_create(Assignment(stage=stage, assessor=a, participant=p) for a, p in pairs)
        sheets = ScoreSheet.objects.bulk_create(ScoreSheet(stage=stage, assessor=a, participant=p) for a, p in pairs)
        camat = User.objects.create(
            username="camat-klaster", full_name="Camat Klaster", role=Role.CAMAT, district=participants[0].district
        )

        final = create_edition(province, "SP2K Jawa Timur 2025 (klaster)", 2025, example_configuration())
        Edition.objects.filter(pk=final.pk).update(state=Edition.State.FINAL)
        admin = User.objects.create(
            username="panitia-klaster", full_name="Panitia Klaster", role=Role.PROVINCE_ADMIN, province=province
        )
        winners = Participant.objects.bulk_create(
            Participant(edition=final, district_id=code, status=Participant.Status.ACCEPTED)
            for code in codes[:certificates]
        )
        categories = AwardCategory.objects.bulk_create(
            AwardCategory(edition=final, order=i, name=f"Penghargaan {i}", rank=i) for i in range(1, certificates + 1)
        )
        Award.objects.bulk_create(
            Award(category=c, participant=p, final_score=90 - i * 0.05, confirmed_by=admin, confirmed_at=now)
            for i, (c, p) in enumerate(zip(categories, winners, strict=True))
        )
        create_demo_decree(final)

        person = User.objects.create(
            username="penilai-kunci", full_name="Penilai Kunci", role=Role.ASSESSOR, province=province
        )
        person.email = "penilai.kunci@example.org"
        person.set_password(PASSWORD)
        person.save()
    indicators = list(
        Indicator.objects.filter(aspect__stage=stage)
        .order_by("aspect__order", "order")
        .values("pk", "scale_min", "scale_max")
    )
    data = {
        "edition": edition.pk,
        "stage": stage.pk,
        "indicators": [[i["pk"], str(i["scale_min"]), str(i["scale_max"])] for i in indicators],
        "sheets": [[sheet.pk, signed_in_session(sheet.assessor)] for sheet in sheets],
        "evidence": {
            "session": signed_in_session(camat),
            "participant": participants[0].pk,
            "indicator": indicators[0]["pk"],
            "assessor_session": signed_in_session(assessors[0]) if assessors else None,
        },
        "final_edition": final.pk,
        "certificates": certificates,
        "admin_session": signed_in_session(admin),
        "person": {"username": person.username, "password": PASSWORD, "email": person.email},
    }
    with open(out_path, "w") as handle:
        json.dump(data, handle)


def job(job_id):
    """What the job and the tasks that ran it became, and the certificates of its edition."""
    from django.db.models import Count, Max
    from django_tasks_db.models import DBTaskResult

    from assessments.models import Document, DocumentJob

    found = DocumentJob.objects.get(pk=job_id)
    tasks = [
        {"status": t.status, "worker_ids": t.worker_ids}
        for t in DBTaskResult.objects.filter(task_path__endswith="run_document_job").order_by("enqueued_at")
        if t.args_kwargs.get("args") == [job_id]
    ]
    certificates = Document.objects.filter(edition_id=found.edition_id, kind=Document.Kind.CERTIFICATE)
    per_subject = certificates.values("subject").annotate(n=Count("pk"), last=Max("version"))
    print(
        json.dumps(
            {
                "status": found.status,
                "done": found.done,
                "total": found.total,
                "error": found.error,
                "result": found.result.name or "",
                "tasks": tasks,
                "certificates": certificates.count(),
                "subjects": len(per_subject),
                "highest_version": max((row["last"] for row in per_subject), default=0),
                "current": certificates.filter(status=Document.Status.CURRENT).count(),
            }
        )
    )


def evidence(participant_id):
    """The participant's stored evidence: ``[[token, stored name, size]]``, newest last."""
    from assessments.models import EvidenceFile

    files = EvidenceFile.objects.filter(participant_id=participant_id).order_by("uploaded_at", "pk")
    print(json.dumps([[str(f.token), f.file.name, f.size] for f in files]))


def main(argv):
    import django

    django.setup()
    command, *args = argv
    if command == "setup":
        setup(args[0], int(args[1]), int(args[2]))
    elif command == "job":
        job(int(args[0]))
    elif command == "evidence":
        evidence(int(args[0]))
    elif command == "check":
        check_saves(args[0])
    else:
        raise SystemExit(f"unknown command {command}")


if __name__ == "__main__":
    main(sys.argv[1:])
