"""A document job whose worker died (killed, machine lost) does not show as running for ever: the page that
shows it finds the worker's lock gone and says the job failed, and starting it again issues no document
twice (issue 16; the same on the cluster in tests/test_cluster.py)."""

import threading

import pytest
from django.db import connection
from django.urls import reverse

from assessments.domain import jobs
from assessments.models import DocumentJob
from tests.assessments.domain.test_document_printing import edition  # noqa: F401 - fixture

pytestmark = [pytest.mark.django_db, pytest.mark.postgres_only]


def hold_the_lock_elsewhere(job, holding, release):
    """Another database session (a live worker) holds the job's lock until ``release`` is set."""

    def worker():
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_lock(%s, %s)", [jobs.RUNNING_LOCK, job.pk])
            holding.set()
            release.wait(10)
            cursor.execute("SELECT pg_advisory_unlock(%s, %s)", [jobs.RUNNING_LOCK, job.pk])
        connection.close()

    thread = threading.Thread(target=worker)
    thread.start()
    holding.wait(10)
    return thread


def test_a_running_job_whose_worker_is_alive_stays_running(edition, province_admin):  # noqa: F811
    job = DocumentJob.objects.create(edition=edition, kind=DocumentJob.Kind.RECAPS, status=DocumentJob.Status.RUNNING)
    holding, release = threading.Event(), threading.Event()
    thread = hold_the_lock_elsewhere(job, holding, release)
    try:
        assert jobs.fail_if_abandoned(job).status == DocumentJob.Status.RUNNING
    finally:
        release.set()
        thread.join()


def test_a_running_job_whose_worker_is_gone_is_failed_with_a_clear_message(client, edition, province_admin):  # noqa: F811
    job = DocumentJob.objects.create(
        edition=edition, kind=DocumentJob.Kind.RECAPS, status=DocumentJob.Status.RUNNING, total=3, done=1
    )
    client.force_login(province_admin)
    page = client.get(reverse("documents:job", args=[job.pk])).content.decode()
    job.refresh_from_db()
    assert job.is_failed and job.finished_at and not job.result
    assert "stopped before it finished" in page and "Start it again" in page
    assert "hx-trigger" not in page  # the page stops polling


def test_queued_and_finished_jobs_are_left_alone(edition):  # noqa: F811
    for status in (DocumentJob.Status.QUEUED, DocumentJob.Status.DONE, DocumentJob.Status.FAILED):
        job = DocumentJob.objects.create(edition=edition, kind=DocumentJob.Kind.RECAPS, status=status)
        assert jobs.fail_if_abandoned(job).status == status
