"""Document benchmarks: the decree with a 30-row annex (target ≤ 0.3 s once the process has rendered a document),
all certificates of an edition in one PDF at 30, 666 and 7,285 winners, in one process and on every core
(target: 666 ≤ 12 s on 2 cores), beside WeasyPrint's time for a one-line page (the floor).

``BENCH_DOCUMENTS_SIZES`` (e.g. ``30,666``) limits the sizes; 7,285 runs on every core only (in one
process it would take about 11 × the 666 figure).
"""

import functools
import io
import os
import statistics
import time

from django.db import transaction
from django.utils import timezone

from tests.benchmarks import benchmark


def _edition(name, codes):
    """A FINAL edition of Jawa Timur with one confirmed award per kecamatan in ``codes`` and a decree."""
    from assessments.domain.configuration import create_edition
    from assessments.models import Award, AwardCategory, Edition, Participant
    from districts.models import Province
    from sp2k.accounts.models import Role, User
    from sp2k.demo.competition import example_configuration
    from sp2k.demo.documents import create_demo_decree

    province = Province.objects.get(code="35")
    admin, _ = User.objects.get_or_create(
        username="bench-documents-admin", defaults={"role": Role.PROVINCE_ADMIN, "province": province}
    )
    now = timezone.now()
    with transaction.atomic():
        edition = create_edition(province, name, 2022, example_configuration())
        Edition.objects.filter(pk=edition.pk).update(state=Edition.State.FINAL)
        edition.refresh_from_db()
        participants = Participant.objects.bulk_create(
            Participant(edition=edition, district_id=code, status=Participant.Status.ACCEPTED) for code in codes
        )
        categories = AwardCategory.objects.bulk_create(
            AwardCategory(edition=edition, order=i, name=f"Penghargaan {i}", rank=i) for i in range(1, len(codes) + 1)
        )
        Award.objects.bulk_create(
            Award(category=c, participant=p, final_score=90 - i * 0.05, confirmed_by=admin, confirmed_at=now)
            for i, (c, p) in enumerate(zip(categories, participants, strict=True))
        )
        create_demo_decree(edition)
    return edition, admin


def _best(function, runs):
    times = []
    for _ in range(runs):
        started = time.perf_counter()
        function()
        times.append(time.perf_counter() - started)
    return min(times), statistics.median(times)


def _step(steps, done, total=None):
    steps.append((time.perf_counter(), done))


@benchmark("documents")
def documents_rendering(ctx):
    """The decree (30-row annex, target ≤ 0.3 s warm) and every certificate in one PDF (666: ≤ 12 s on 2 cores)."""
    from django.test import override_settings
    from pypdf import PdfReader
    from weasyprint import HTML

    from assessments.domain import documents, jobs, printing
    from assessments.models import Decree, Edition
    from districts.domain.regions import load_regions
    from districts.models import District

    if not District.objects.filter(regency__province_id="35").exists():
        load_regions(villages=False)
    codes = list(District.objects.filter(regency__province_id="35").order_by("code").values_list("code", flat=True))
    cores = os.cpu_count() or 1
    ctx.report("machine: cores / load average (1 min) at start", f"{cores} / {os.getloadavg()[0]:.2f}")

    best, median = _best(lambda: HTML(string="<p>Satu baris.</p>").write_pdf(), 5)
    ctx.report("floor: WeasyPrint one-line page (best / median of 5)", f"{best:.3f} / {median:.3f}", "s")

    edition, admin = _edition("Bench dokumen 30", codes[:30])
    started = time.perf_counter()
    decree = documents.issue_decree(edition, admin)
    ctx.report("decree, 30-row annex: facts + issue + render (first)", time.perf_counter() - started, "s")
    with decree.file.open("rb") as stored:  # through the storage: S3 has no local path
        pages = len(PdfReader(stored).pages)
    # The same in a process that has rendered before (fonts, templates and images loaded): a new version.
    Decree.objects.filter(edition=edition).update(number="188/967/KPTS/013/2022")
    edition = Edition.objects.get(pk=edition.pk)
    started = time.perf_counter()
    documents.issue_decree(edition, admin)
    ctx.report("decree, 30-row annex: facts + issue + render (a new version)", time.perf_counter() - started, "s")
    best, median = _best(lambda: documents.render_pdf([decree]), 5)
    ctx.report(f"decree, 30-row annex, {pages} pages: render (best / median of 5)", f"{best:.3f} / {median:.3f}", "s")
    cpu = []
    for _ in range(5):
        started = time.process_time()
        documents.render_pdf([decree])
        cpu.append(time.process_time() - started)
    ctx.report(
        "  the same, CPU time of the process (best / median of 5)",
        f"{min(cpu):.3f} / {statistics.median(cpu):.3f}",
        "s",
    )

    sizes = [int(n) for n in os.environ.get("BENCH_DOCUMENTS_SIZES", "30,666,7285").split(",")]
    everyone = list(District.objects.order_by("code").values_list("code", flat=True))
    for size in sizes:
        chosen = codes[:size] if size <= len(codes) else everyone[:size]
        runs = [cores] if size > 1000 else [1, cores]
        for count in runs:
            edition, admin = _edition(f"Bench dokumen {size} x{count}", chosen)
            steps = []
            with override_settings(DOCUMENT_PROCESSES=count):
                before = os.times()
                started = time.perf_counter()
                pdf = jobs.all_certificates_pdf(edition, admin, progress=functools.partial(_step, steps))
                ended = time.perf_counter()
                after = os.times()
            issued, rendered = steps[0][0], steps[-1][0]
            pages = len(PdfReader(io.BytesIO(pdf)).pages)
            where = "one process" if count == 1 else f"{count} processes"
            ctx.report(
                f"all certificates, {size} winners, {where} (issue + render + merge, first)", ended - started, "s"
            )
            ctx.report(
                "  of which issue / render / merge",
                f"{issued - started:.2f} / {rendered - issued:.2f} / {ended - rendered:.2f}",
                "s",
            )
            ctx.report(
                "  CPU time: this process / the worker processes",
                f"{after.user + after.system - before.user - before.system:.2f} / "
                f"{after.children_user + after.children_system - before.children_user - before.children_system:.2f}",
                "s",
            )
            ctx.report(
                "  pages, progress steps, PDF size",
                f"{pages} pages ({'all' if pages == size else 'MISSING'}), {len(steps) - 1} steps to "
                f"{steps[-1][1]}/{size}, {len(pdf) / 1e6:.1f} MB",
            )
        if size == 666 and cores > 1:  # the last edition, on every core
            started = time.perf_counter()
            jobs.all_certificates_pdf(edition, admin)
            ctx.report(
                f"all certificates, 666 winners, {cores} processes, again (documents unchanged)",
                time.perf_counter() - started,
                "s",
            )
    ctx.report(
        "  certificates per part / processes (DOCUMENT_PROCESSES)", f"≤ {printing.CHUNK} / {printing.processes()}"
    )
