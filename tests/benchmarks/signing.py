"""Signing benchmarks: the PAdES signature (pyHanko, B-B, a P-256 demo signer) on the decree, one
certificate, a recap and the bundle of 666 certificates, and what verifying them costs."""

import statistics
import tempfile
import time

from django.db import transaction

from tests.benchmarks import benchmark


def _timed(function, runs):
    times, result = [], None
    for _ in range(runs):
        started = time.perf_counter()
        result = function()
        times.append(time.perf_counter() - started)
    return min(times), statistics.median(times), result


@benchmark("signing")
def signing_documents(ctx):
    """Signing time per document (decree, certificate, recap) and for 666 certificates; verification time."""
    from django.conf import settings

    from assessments.domain import documents, jobs, signing
    from districts.domain.regions import load_regions
    from districts.models import District
    from sp2k.demo import signer as demo_signer
    from tests.benchmarks.documents import _edition

    folder = tempfile.mkdtemp(prefix="sp2k-bench-signer-")
    settings.SIGNING_PKCS12_PATH = str(demo_signer.write(folder))
    settings.SIGNING_PKCS12_PASSPHRASE = demo_signer.DEMO_PASSPHRASE
    started = time.perf_counter()
    assert signing.state().ready
    ctx.report("loading the PKCS#12 signer (once per process)", time.perf_counter() - started, "s")

    if not District.objects.filter(regency__province_id="35").exists():
        load_regions(villages=False)
    codes = list(District.objects.filter(regency__province_id="35").order_by("code").values_list("code", flat=True))
    edition, admin = _edition("Bench tanda tangan 666", codes[:666])
    decree = documents.issue_decree(edition, admin)
    award = documents.confirmed_awards(edition).first()
    certificate = documents.issue_certificate(award, admin, render=False)
    recap = documents.issue_recap(edition.stages.order_by("order").first(), admin)
    for label, document in (("decree, 666-row annex", decree), ("one certificate", certificate), ("recap", recap)):
        unsigned = documents.render_pdf([document])
        best, median, signed = _timed(lambda pdf=unsigned: signing.sign(pdf), 7)
        ctx.report(f"sign: {label} (best / median of 7)", f"{best:.3f} / {median:.3f}", "s")
        ctx.report(f"  size unsigned → signed ({label})", f"{len(unsigned) / 1e3:.0f} → {len(signed) / 1e3:.0f}", "kB")
        best, median, result = _timed(lambda pdf=signed: signing.check(pdf), 5)
        assert result.sound
        ctx.report(f"verify: {label} (best / median of 5)", f"{best:.3f} / {median:.3f}", "s")

    with transaction.atomic():
        bundle = jobs.all_certificates_pdf(edition, admin)
    started = time.perf_counter()
    signed = signing.sign(bundle)
    ctx.report("sign: bundle of 666 certificates, one signature", time.perf_counter() - started, "s")
    ctx.report("  bundle size unsigned → signed", f"{len(bundle) / 1e6:.2f} → {len(signed) / 1e6:.2f}", "MB")
    started = time.perf_counter()
    assert signing.check(signed).sound
    ctx.report("verify: bundle of 666 certificates", time.perf_counter() - started, "s")

    one = documents.render_pdf([certificate])
    started = time.perf_counter()
    for _ in range(666):
        signing.sign(one)
    elapsed = time.perf_counter() - started
    ctx.report("sign: 666 certificates each signed separately (signing only)", elapsed, "s")
    ctx.report("  per certificate", elapsed / 666 * 1000, "ms")
