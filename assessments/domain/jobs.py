"""Many documents at once: all certificates or all recaps of an edition, run by the background worker.

django-tasks' database backend stores each task in the request's transaction; the worker
(``manage.py db_worker``) picks it up after commit and saves its progress as it goes.
"""

import io

from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.db import connection, transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _
from django_tasks import task
from pypdf import PdfWriter

from assessments.domain import printing, signing
from assessments.domain.documents import (
    _decree_of,
    _final_states,
    certificate_facts,
    confirmed_awards,
    content_hash,
    edition_facts,
    issue_recap,
    look_of,
    new_code,
    pdf_of,
    store_pdf,
)
from assessments.models import Document, DocumentJob, Stage


@task()
def run_document_job(job_id):
    """Render a DocumentJob's documents (all certificates or all recaps of an edition)."""
    job = DocumentJob.objects.select_related("edition__province", "created_by").get(pk=job_id)
    run_job(job)
    return job.status


def start_job(edition, kind, by):
    """Record a job and hand it to the background worker (django-tasks); returns the job."""
    if kind == DocumentJob.Kind.CERTIFICATES:
        _final_states(edition)
        _decree_of(edition)
        if not confirmed_awards(edition).exists():
            raise ValidationError(_("There are no confirmed awards yet."))
    job = DocumentJob.objects.create(edition=edition, kind=kind, created_by=by)
    # The database backend stores the task in this same transaction: the worker sees both at commit.
    run_document_job.enqueue(job.pk)
    return job


# A running job's worker holds this PostgreSQL advisory lock (with the job's id) on its connection; the
# database drops it when the worker's process dies, however it dies (killed, machine lost).
RUNNING_LOCK = 16_001


def _lock(function, job_id):
    if connection.vendor != "postgresql":  # SQLite: one machine, `make run`; nothing to watch
        return True
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT {function}(%s, %s)", [RUNNING_LOCK, job_id])
        return cursor.fetchone()[0]


def fail_if_abandoned(job):
    """A job marked running whose worker is gone (its lock is free) becomes failed, with a message that says
    so: nothing was handed out, and starting the job again reuses the documents it issued (none is issued
    twice). Asked by the page that shows the job; returns the job."""
    if connection.vendor != "postgresql":  # no lock to ask: a job runs until its worker says otherwise
        return job
    if job.status != DocumentJob.Status.RUNNING or not _lock("pg_try_advisory_lock", job.pk):
        return job
    _lock("pg_advisory_unlock", job.pk)
    changed = DocumentJob.objects.filter(pk=job.pk, status=DocumentJob.Status.RUNNING).update(
        status=DocumentJob.Status.FAILED,
        error=_("The worker running this job stopped before it finished; nothing was handed out. Start it again."),
        finished_at=timezone.now(),
    )
    if changed:
        job.refresh_from_db()
    return job


def run_job(job):
    """Do the job's work, saving its progress as it goes (called by the worker)."""
    _lock("pg_advisory_lock", job.pk)  # before it shows as running: see fail_if_abandoned
    try:
        return _run_job(job)
    finally:
        _lock("pg_advisory_unlock", job.pk)


def _run_job(job):
    job.status = DocumentJob.Status.RUNNING
    job.save(update_fields=["status"])
    try:
        if job.kind == DocumentJob.Kind.CERTIFICATES:
            pdf = _all_certificates(job)
        else:
            pdf = _all_recaps(job)
        # The bundle is one document handed out as a whole: signed once, right before it is stored.
        job.result.save("result.pdf", ContentFile(signing.sign(pdf)), save=False)
        job.status = DocumentJob.Status.DONE
        job.done = job.total
    except Exception as error:  # noqa: BLE001 - the page shows the failure; the worker goes on
        job.status = DocumentJob.Status.FAILED
        job.error = str(error)
    job.finished_at = timezone.now()
    job.save(update_fields=["status", "result", "done", "error", "finished_at"])
    return job


def _progress(job, done, total=None):
    job.done = done
    fields = ["done"]
    if total is not None:
        job.total = total
        fields.append("total")
    job.save(update_fields=fields)


def all_certificates_pdf(edition, by, progress=None):
    """One PDF with every confirmed award's certificate (each its own verifiable document), rendered in
    parts on every core and merged (printing)."""
    _final_states(edition)
    with transaction.atomic():
        documents = _issue_certificates(edition, by)
    look = look_of(edition.pk)
    if progress:
        progress(0, len(documents))
    # Rendering happens outside any transaction so that each progress step is seen by the polling page.
    return printing.render_merged(printing.parts_of(documents), look, progress)


def _issue_certificates(edition, by):
    """``issue_certificate`` for every confirmed award at once, in a fixed number of queries."""
    decree = _decree_of(edition)
    awards = list(confirmed_awards(edition))
    kind = Document.Kind.CERTIFICATE
    current = {
        d.subject: d
        for d in Document.objects.select_for_update().filter(edition=edition, kind=kind, status=Document.Status.CURRENT)
    }
    last = dict(
        Document.objects.filter(edition=edition, kind=kind)
        .values("subject")
        .annotate(v=Max("version"))
        .values_list("subject", "v")
    )
    result, new, superseded = [], [], []
    of_edition = edition_facts(edition)
    for award in awards:
        subject = f"certificate:{award.category_id}"
        facts = certificate_facts(award, decree, edition, of_edition)
        digest = content_hash(facts)
        existing = current.get(subject)
        if existing is not None and existing.content_hash == digest:
            result.append(existing)
            continue
        if existing is not None:
            superseded.append(existing.pk)
        document = Document(
            edition=edition,
            kind=kind,
            subject=subject,
            participant=award.participant,
            version=last.get(subject, 0) + 1,
            code=new_code(),
            content_hash=digest,
            facts=facts,
            created_by=by,
        )
        new.append(document)
        result.append(document)
    Document.objects.filter(pk__in=superseded).update(status=Document.Status.SUPERSEDED, superseded_at=timezone.now())
    Document.objects.bulk_create(new)
    return result


def _all_certificates(job):
    return all_certificates_pdf(job.edition, job.created_by, progress=lambda d, t=None: _progress(job, d, t))


def _all_recaps(job):
    stages = list(Stage.objects.filter(edition=job.edition).select_related("edition").order_by("order"))
    _progress(job, 0, len(stages))
    recaps = []
    for stage in stages:
        with transaction.atomic():
            recaps.append(issue_recap(stage, job.created_by, render=False))
    # Recaps whose facts are unchanged have their file already; the others are rendered on every core
    # and stored only once all of them rendered (a failure stores none).
    pending = [document for document in recaps if not document.file]
    ready = len(recaps) - len(pending)
    _progress(job, ready)
    if pending:
        parts = printing.parts_of(pending)
        rendered = printing.render_parts(parts, look_of(job.edition_id), lambda done: _progress(job, ready + done))
        for document, pdf in zip(pending, rendered, strict=True):
            store_pdf(document, pdf)
    writer = PdfWriter()
    for document in recaps:
        writer.append(io.BytesIO(pdf_of(document)))
    signing.strip_signatures(writer)
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()
