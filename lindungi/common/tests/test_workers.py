import time
from datetime import timedelta

import pytest
from django.utils import timezone

from lindungi.common.workers import Heartbeat, stale_running
from lindungi.imports.models import ImportBatch


@pytest.mark.django_db(transaction=True)
def test_heartbeat_beats_while_the_work_runs(admin_user, settings):
    settings.WORKER_HEARTBEAT_SECONDS = 0.2
    old = timezone.now() - timedelta(minutes=5)
    batch = ImportBatch.objects.create(kind="persons", filename="x.csv", sha256="0" * 64, created_by=admin_user,
                                       status=ImportBatch.Status.RUNNING, claim="mine", heartbeat_at=old)
    other = ImportBatch.objects.create(kind="persons", filename="y.csv", sha256="1" * 64, created_by=admin_user,
                                       status=ImportBatch.Status.RUNNING, claim="theirs", heartbeat_at=old)
    with Heartbeat(ImportBatch, batch.pk, "mine"):
        time.sleep(1)
    batch.refresh_from_db()
    other.refresh_from_db()
    assert batch.heartbeat_at > old and other.heartbeat_at == old
    assert list(ImportBatch.objects.filter(stale_running()).values_list("pk", flat=True)) == [other.pk]
