"""Background work of the imports app (django-tasks; the database backend's worker runs it)."""

from django_tasks import task


@task()
def run_import(batch_id: int) -> dict:
    from lindungi.imports.services import import_batch_run

    batch = import_batch_run(batch_id=batch_id)
    return {"status": batch.status, "imported": batch.imported_rows, "existing": batch.existing_rows,
            "errors": batch.error_rows}
