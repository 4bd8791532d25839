"""Background work of the exports app (django-tasks; the database backend's worker runs it)."""

from django_tasks import task


@task()
def run_export(job_id: int) -> dict:
    from lindungi.exports.services import export_purge_expired, export_run

    job = export_run(job_id=job_id)
    export_purge_expired()  # housekeeping: old files go while the worker is here anyway
    return {"status": job.status, "rows": job.row_count}
