"""Document benchmarks: the decree with a 30-row annex (target < 1 s), 666 certificates in one PDF (< 30 s),
beside WeasyPrint's time for a one-line page (the floor)."""

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


@benchmark("documents")
def documents_rendering(ctx):
    """The decree (30-row annex, target < 1 s) and 666 certificates in one PDF (target < 30 s)."""
    from pypdf import PdfReader
    from weasyprint import HTML

    from assessments.domain import documents, jobs
    from assessments.models import Document
    from districts.domain.regions import load_regions
    from districts.models import District

    if not District.objects.filter(regency__province_id="35").exists():
        load_regions(villages=False)
    codes = list(District.objects.filter(regency__province_id="35").order_by("code").values_list("code", flat=True))

    best, median = _best(lambda: HTML(string="<p>Satu baris.</p>").write_pdf(), 5)
    ctx.report("floor: WeasyPrint one-line page (best / median of 5)", f"{best:.3f} / {median:.3f}", "s")

    edition, admin = _edition("Bench dokumen 30", codes[:30])
    started = time.perf_counter()
    decree = documents.issue_decree(edition, admin)
    ctx.report("decree, 30-row annex: facts + issue + render (first)", time.perf_counter() - started, "s")
    pages = len(PdfReader(decree.file.path).pages)
    best, median = _best(lambda: documents.render_pdf([decree]), 5)
    ctx.report(f"decree, 30-row annex, {pages} pages: render (best / median of 5)", f"{best:.3f} / {median:.3f}", "s")

    edition, admin = _edition("Bench dokumen 666", codes[:666])
    started = time.perf_counter()
    with transaction.atomic():
        pdf = jobs.all_certificates_pdf(edition, admin)
    elapsed = time.perf_counter() - started
    count = Document.objects.filter(edition=edition, kind=Document.Kind.CERTIFICATE).count()
    ctx.report(f"all certificates, {count} winners, one PDF (issue + render, first)", elapsed, "s")
    ctx.report("  PDF size", f"{len(pdf) / 1e6:.1f}", "MB")
    started = time.perf_counter()
    with transaction.atomic():
        jobs.all_certificates_pdf(edition, admin)
    ctx.report(f"all certificates, {count} winners, again (documents unchanged)", time.perf_counter() - started, "s")
