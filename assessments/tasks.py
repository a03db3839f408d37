"""Background tasks (django-tasks; the database backend's worker is ``manage.py db_worker``)."""

from django_tasks import task


@task()
def run_document_job(job_id):
    """Render a DocumentJob's documents (all certificates or all recaps of an edition)."""
    from .documents import run_job
    from .models import DocumentJob

    job = DocumentJob.objects.select_related("edition__province", "created_by").get(pk=job_id)
    run_job(job)
    return job.status
