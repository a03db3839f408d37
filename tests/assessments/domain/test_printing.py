"""All certificates or all recaps of an edition rendered in parts by worker processes and merged in order,
with the job's progress, and nothing handed out when a part fails (issue 14)."""

import io
import multiprocessing
import os
import re
import signal
import time

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import override_settings
from pypdf import PdfReader

from assessments.domain import documents, jobs, printing
from assessments.models import Document, DocumentJob
from tests.assessments.domain.test_document_printing import png
from tests.assessments.domain.test_documents import final_edition  # noqa: F401 - fixture

pytestmark = pytest.mark.django_db


def run(edition, kind, by):
    """What the background worker does with a job (jobs.run_document_job)."""
    return jobs.run_job(DocumentJob.objects.create(edition=edition, kind=kind, created_by=by))


def pages_text(data):
    return [re.sub(r"\s+", " ", page.extract_text()) for page in PdfReader(io.BytesIO(data)).pages]


def upload(color):
    return SimpleUploadedFile("lambang.png", png(color), "image/png")


def result_of(job):
    with job.result.open("rb") as handle:
        return handle.read()


@pytest.fixture
def steps(monkeypatch):
    """The progress (done) the job saves, in order."""
    saved, original = [], jobs._progress

    def progress(job, done, total=None):
        saved.append(done)
        original(job, done, total)

    monkeypatch.setattr(jobs, "_progress", progress)
    return saved


def break_part(monkeypatch, failing):
    """Rendering a part with a document whose facts match ``failing`` raises, in whichever process."""
    render = printing.render_part

    def broken(kind, pages, look):
        if any(failing(facts) for facts, _code, _version in pages):
            raise ValueError("the page does not fit")
        return render(kind, pages, look)

    monkeypatch.setattr(printing, "render_part", broken)  # forked workers inherit it


@pytest.mark.postgres_only
def test_two_processes_merge_every_certificate_in_order_and_the_progress_reaches_100(
    final_edition,  # noqa: F811
    province_admin,
    settings,
    steps,
):
    settings.DOCUMENT_PROCESSES = 2
    job = run(final_edition, DocumentJob.Kind.CERTIFICATES, province_admin)
    assert (job.status, job.done, job.total, job.percent) == ("done", 5, 5, 100)
    # Two parts (3 + 2 certificates), one per process: the bar moves as each finishes, never backwards.
    assert steps[0] == 0 and steps[-1] == 5 and steps == sorted(steps) and len(steps) == 3

    pages = pages_text(result_of(job))
    awards = list(documents.confirmed_awards(final_edition))
    assert len(pages) == len(awards) == 5
    for page, award in zip(pages, awards, strict=True):
        assert f"KECAMATAN {award.participant.district.name.upper()}" in page
        assert award.category.name.upper() in page
    assert "JUARA I " in pages[0] + " " and "JUARA HARAPAN II" in pages[-1]
    # Each page carries its own certificate's verification code, as when printed one by one.
    certificates = Document.objects.filter(edition=final_edition, kind="certificate", status="current")
    codes = {d.facts["district"].upper(): d.code for d in certificates}
    for page, award in zip(pages, awards, strict=True):
        assert codes[award.participant.district.name.upper()][:12] in page.replace(" ", "")


@pytest.mark.postgres_only
def test_two_processes_render_the_recaps_and_store_each(final_edition, province_admin, settings):  # noqa: F811
    settings.DOCUMENT_PROCESSES = 2
    job = run(final_edition, DocumentJob.Kind.RECAPS, province_admin)
    assert (job.status, job.done, job.total) == ("done", 3, 3)
    pages = " ".join(pages_text(result_of(job)))
    assert pages.count("BERITA ACARA REKAPITULASI NILAI") == 3
    recaps = Document.objects.filter(edition=final_edition, kind="recap").order_by("stage__order")
    assert all(recap.file for recap in recaps)
    stages = [recap.facts["stage"].upper() for recap in recaps]
    assert [pages.upper().index(stage) for stage in stages] == sorted(pages.upper().index(stage) for stage in stages)


@pytest.mark.postgres_only
def test_a_failing_part_fails_the_whole_job_and_hands_out_nothing(
    final_edition,  # noqa: F811
    province_admin,
    settings,
    monkeypatch,
):
    settings.DOCUMENT_PROCESSES = 2
    break_part(monkeypatch, lambda facts: facts["rank"] == 5)
    job = run(final_edition, DocumentJob.Kind.CERTIFICATES, province_admin)
    job.refresh_from_db()
    assert job.is_failed and not job.result and job.finished_at
    assert "Documents 4–5 could not be rendered (the page does not fit). No file was saved" in job.error


@pytest.mark.postgres_only
def test_a_worker_process_that_dies_fails_the_job(final_edition, province_admin, settings, monkeypatch):  # noqa: F811
    settings.DOCUMENT_PROCESSES = 2

    def dying(kind, pages, look):
        os._exit(9)  # as if killed (out of memory)

    monkeypatch.setattr(printing, "render_part", dying)
    job = run(final_edition, DocumentJob.Kind.CERTIFICATES, province_admin)
    assert job.is_failed and not job.result and "stopped" in job.error


def _render_with_sleeping_workers(pids, ready):
    """In a forked job process: workers that note their pid and sleep instead of rendering."""

    def sleeping(kind, pages, look):
        with open(pids, "a") as handle:
            handle.write(f"{os.getpid()}\n")
        ready.set()
        time.sleep(60)

    printing.render_part = sleeping
    with override_settings(DOCUMENT_PROCESSES=2):
        part = printing.Part(kind=Document.Kind.RECAP, pages=(({}, "c", 1),), first=1, size=1)
        printing.render_parts([part, part], look={})


def test_the_workers_die_with_the_job_process(tmp_path):
    """A job's process killed mid-job (machine trouble, a restart) leaves no worker rendering on, holding
    its database connection and so the job's lock."""
    pids = tmp_path / "pids"
    context = multiprocessing.get_context("fork")
    ready = context.Event()
    job = context.Process(target=_render_with_sleeping_workers, args=(str(pids), ready))
    job.start()
    assert ready.wait(30)
    time.sleep(0.5)
    workers = [int(pid) for pid in pids.read_text().split()]
    assert workers
    os.kill(job.pid, signal.SIGKILL)
    job.join(10)
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline and any(_alive(pid) for pid in workers):
        time.sleep(0.1)
    assert not any(_alive(pid) for pid in workers)


def _alive(pid):
    try:
        os.waitpid(pid, os.WNOHANG)  # not our child: raises; a zombie of ours would be reaped
    except ChildProcessError:
        pass
    try:
        with open(f"/proc/{pid}/status") as handle:
            return "State:\tZ" not in handle.read()
    except FileNotFoundError:
        return False


def test_a_failing_part_in_one_process_fails_the_job_too(final_edition, province_admin, settings, monkeypatch):  # noqa: F811
    settings.DOCUMENT_PROCESSES = 1
    break_part(monkeypatch, lambda facts: facts["rank"] == 5)
    job = run(final_edition, DocumentJob.Kind.CERTIFICATES, province_admin)
    assert job.is_failed and not job.result
    assert "Documents 1–5 could not be rendered" in job.error


@pytest.mark.postgres_only
def test_a_failing_recap_stores_none_of_them(final_edition, province_admin, settings, monkeypatch):  # noqa: F811
    settings.DOCUMENT_PROCESSES = 2
    break_part(monkeypatch, lambda facts: facts["stage_order"] == 2)
    job = run(final_edition, DocumentJob.Kind.RECAPS, province_admin)
    assert job.is_failed and not job.result and "could not be rendered" in job.error
    recaps = Document.objects.filter(edition=final_edition, kind="recap")
    assert recaps.count() == 3 and not any(recap.file for recap in recaps)


@pytest.mark.postgres_only
def test_worker_processes_never_query_the_database(final_edition, province_admin, settings, monkeypatch):  # noqa: F811
    settings.DOCUMENT_PROCESSES = 2

    def querying(kind, pages, look):
        return str(Document.objects.count()).encode()

    monkeypatch.setattr(printing, "render_part", querying)
    job = run(final_edition, DocumentJob.Kind.CERTIFICATES, province_admin)
    assert job.is_failed and "never query the database" in job.error
    # The parent's own session went on (its transaction, the job's lock): it saved the failure.
    assert DocumentJob.objects.get(pk=job.pk).is_failed


def test_the_emblem_is_read_from_storage_once_until_it_changes(final_edition, province_admin):  # noqa: F811
    province = final_edition.province
    documents.save_letterhead(province, province_admin, emblem=upload("red"))
    documents._stored_image_uri.cache_clear()
    first = documents.look_of(final_edition.pk)["emblem"]
    assert documents.look_of(final_edition.pk)["emblem"] == first
    assert documents._stored_image_uri.cache_info().misses == 1
    # A new emblem has another digest: the documents show it at once.
    documents.save_letterhead(province, province_admin, emblem=upload("blue"))
    assert documents.look_of(final_edition.pk)["emblem"] != first


def test_the_fonts_are_loaded_once_per_process(final_edition, province_admin):  # noqa: F811
    decree = documents.issue_decree(final_edition, province_admin)
    fonts = documents.font_config()
    again = documents.render_pdf([decree])
    assert documents.font_config() is fonts
    assert pages_text(again) == pages_text(documents.pdf_of(decree))


def test_certificates_are_split_evenly_over_the_processes(settings):
    certificates = [Document(kind=Document.Kind.CERTIFICATE, facts={}, code=str(i), version=1) for i in range(666)]
    settings.DOCUMENT_PROCESSES = 2
    parts = printing.parts_of(certificates)
    assert len(parts) == 14 and {part.size for part in parts[:-1]} == {48} and sum(p.size for p in parts) == 666
    assert [part.first for part in parts[:2]] == [1, 49]
    settings.DOCUMENT_PROCESSES = 1
    assert len(printing.parts_of(certificates[:30])) == 1
