"""A killed worker's import is taken over within a minute (heartbeat), nothing lost or doubled; a
worker that was taken over can write nothing more."""

from datetime import timedelta

import pytest
from django.core.management import call_command
from django.utils import timezone

from lindungi.audit.models import AuditEvent
from lindungi.imports import services
from lindungi.imports.models import ImportBatch
from lindungi.imports.tests.helpers import csv_bytes, row, upload
from lindungi.registry.models import Person

pytestmark = pytest.mark.django_db


class Killed(BaseException):
    """SIGKILL: nothing after it runs in the dying worker."""


def kill_after_first_chunk(admin_user, monkeypatch, rows=25):
    batch = services.import_batch_create(actor=admin_user, uploaded_file=upload(csv_bytes(
        [row(n) for n in range(1, rows + 1)])), via="web")
    monkeypatch.setattr(services, "_finish", lambda *a, **k: None)  # a killed worker records nothing

    def die(progress):
        raise Killed

    with pytest.raises(Killed):
        services.import_batch_run(batch_id=batch.pk, chunk_size=10, on_progress=die)
    monkeypatch.undo()
    batch.refresh_from_db()
    assert (batch.status, batch.last_line_done, Person.objects.count()) == (ImportBatch.Status.RUNNING, 11, 10)
    return batch


def test_stale_heartbeat_is_taken_over_and_finishes_exactly_once(admin_user, monkeypatch,
                                                                 django_capture_on_commit_callbacks):
    batch = kill_after_first_chunk(admin_user, monkeypatch)
    call_command("recover_jobs")  # heartbeat still fresh: the worker might be alive
    assert ImportBatch.objects.get(pk=batch.pk).status == ImportBatch.Status.RUNNING
    ImportBatch.objects.filter(pk=batch.pk).update(heartbeat_at=timezone.now() - timedelta(seconds=45))
    with django_capture_on_commit_callbacks(execute=True):
        call_command("recover_jobs")
    batch.refresh_from_db()
    assert batch.status == ImportBatch.Status.DONE
    assert (batch.imported_rows, batch.total_rows, batch.last_line_done) == (25, 25, 26)
    assert Person.objects.count() == 25 and Person.objects.values("nik").distinct().count() == 25
    assert AuditEvent.objects.filter(action="import.taken_over", object_id=batch.pk).count() == 1
    lines = [e.changes["lines"] for e in AuditEvent.objects.filter(action="import.chunk_committed",
                                                                   object_id=batch.pk).order_by("seq")]
    assert lines == [[2, 11], [12, 26]]  # the take-over continues after the last commit: no line twice


def test_a_taken_over_worker_cannot_commit(admin_user, monkeypatch):
    """The slow worker wakes up after the take-over: its next chunk is rolled back, its end not recorded."""
    batch = services.import_batch_create(actor=admin_user, uploaded_file=upload(csv_bytes(
        [row(n) for n in range(1, 26)])), via="web")

    def taken_over(progress):
        if progress.last_line_done == 11:  # after the first chunk another worker claims the batch
            ImportBatch.objects.filter(pk=progress.pk).update(claim="someone-else")

    result = services.import_batch_run(batch_id=batch.pk, chunk_size=10, on_progress=taken_over)
    batch.refresh_from_db()
    assert Person.objects.count() == 10 and batch.last_line_done == 11
    assert batch.status == ImportBatch.Status.RUNNING and batch.claim == "someone-else"
    assert result.pk == batch.pk
    assert not AuditEvent.objects.filter(action__in=["import.finished", "import.failed"], object_id=batch.pk).exists()
