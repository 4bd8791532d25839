from datetime import timedelta
from unittest import mock

import pytest
from django.db.utils import OperationalError
from django.utils import timezone

from lindungi.imports.models import ImportBatch


def test_healthz_answers_without_the_database(client):
    response = client.get("/healthz")  # no django_db mark: any query would raise
    assert response.status_code == 200
    assert response.json() == {"status": "ok"}
    assert "no-store" in response["Cache-Control"]


@pytest.mark.django_db
def test_readyz_ok(client, settings):
    settings.READYZ_MIN_FREE_DISK_MB = 1
    response = client.get("/readyz")
    assert response.status_code == 200, response.json()
    body = response.json()
    assert body["status"] == "ok"
    assert {name: check["ok"] for name, check in body["checks"].items()} == {
        "database": True, "worker": True, "disk": True}
    assert body["checks"]["worker"]["queued"] == {"imports": 0, "exports": 0}
    assert "no-store" in response["Cache-Control"]


@pytest.mark.django_db
def test_readyz_503_when_the_database_is_unreachable(client, settings):
    settings.READYZ_MIN_FREE_DISK_MB = 1
    with mock.patch("lindungi.ops.health.connection.cursor", side_effect=OperationalError("down")):
        response = client.get("/readyz")
    assert response.status_code == 503
    body = response.json()
    assert body["status"] == "unavailable"
    assert body["checks"]["database"] == {"ok": False, "error": "OperationalError"}
    assert body["checks"]["worker"]["ok"] is False
    assert "no-store" in response["Cache-Control"]


@pytest.mark.django_db
def test_readyz_503_when_a_worker_heartbeat_is_stale(client, settings, admin_user):
    settings.READYZ_MIN_FREE_DISK_MB = 1
    settings.WORKER_STALE_SECONDS = 40
    batch = ImportBatch.objects.create(kind="persons", filename="x.csv", sha256="0" * 64, created_by=admin_user,
                                       status=ImportBatch.Status.RUNNING, claim="c",
                                       heartbeat_at=timezone.now())
    assert client.get("/readyz").status_code == 200
    ImportBatch.objects.filter(pk=batch.pk).update(heartbeat_at=timezone.now() - timedelta(minutes=5))
    response = client.get("/readyz")
    assert response.status_code == 503
    worker = response.json()["checks"]["worker"]
    assert worker["ok"] is False and worker["stale_running"] == {"imports": 1, "exports": 0}
    assert "x.csv" not in response.content.decode() and admin_user.username not in response.content.decode()


@pytest.mark.django_db
def test_readyz_503_when_the_disk_is_nearly_full(client, settings):
    settings.READYZ_MIN_FREE_DISK_MB = 10**12
    response = client.get("/readyz")
    assert response.status_code == 503
    disk = response.json()["checks"]["disk"]
    assert disk["ok"] is False and disk["min_free_mb"] == 10**12


@pytest.mark.django_db
def test_readyz_503_when_the_disk_path_is_missing(client, settings, tmp_path):
    settings.READYZ_DISK_PATH = str(tmp_path / "gone")
    response = client.get("/readyz")
    assert response.status_code == 503
    assert response.json()["checks"]["disk"] == {"ok": False, "error": "FileNotFoundError"}


def test_probes_refuse_writes(client):
    assert client.post("/healthz").status_code == 405
