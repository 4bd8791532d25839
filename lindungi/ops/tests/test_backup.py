"""The backup and restore drill on whichever database the suite runs on (SQLite, then PostgreSQL in
CI). Transactional: pg_dump reads what is committed."""

import json
import sqlite3
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command
from django.db import connection, connections
from django.utils.connection import ConnectionDoesNotExist

from lindungi.audit.models import AuditEvent
from lindungi.ops import backup as ops_backup
from lindungi.registry.models import Person
from lindungi.registry.tests.factories import make_person

pytestmark = pytest.mark.django_db(transaction=True, databases="__all__")


@pytest.fixture
def data(admin_user, regency):
    make_person(admin_user)
    return admin_user


def _backup(tmp_path) -> tuple[Path, Path]:
    call_command("backup", "--output", str(tmp_path / "out"))
    (dump,) = [p for p in (tmp_path / "out").iterdir() if not p.name.endswith(".manifest.json")]
    return dump, dump.with_name(dump.name + ".manifest.json")


def test_backup_and_drill_pass(tmp_path, data, capsys):
    dump, manifest_path = _backup(tmp_path)
    manifest = json.loads(manifest_path.read_text())
    assert manifest["vendor"] == connection.vendor
    assert manifest["tables"][Person._meta.db_table] == 1
    assert manifest["tables"][AuditEvent._meta.db_table] >= 1
    assert manifest["chain_heads"]["audit"][0] >= 1
    call_command("restore_drill", "--from", str(dump))
    assert "Restore drill passed" in capsys.readouterr().out
    assert ops_backup.DRILL_ALIAS not in connections.databases
    with pytest.raises(ConnectionDoesNotExist):
        connections[ops_backup.DRILL_ALIAS]
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT count(*) FROM pg_database WHERE datname LIKE 'lindungi_drill_%'")
            assert cursor.fetchone()[0] == 0


def test_drill_fails_when_the_backup_differs_from_its_manifest(tmp_path, data):
    dump, manifest_path = _backup(tmp_path)
    manifest = json.loads(manifest_path.read_text())
    manifest["tables"][Person._meta.db_table] = 2
    manifest["checksums"][AuditEvent._meta.db_table] = "0" * 64
    manifest_path.write_text(json.dumps(manifest))
    result = ops_backup.restore_drill(dump)
    assert not result.ok
    assert any("2 rows in the backup's manifest, 1 restored" in p for p in result.problems)
    assert any("checksum differs" in p for p in result.problems)
    with pytest.raises(CommandError):
        call_command("restore_drill", "--from", str(dump))


def test_drill_finds_a_tampered_audit_trail(tmp_path, data):
    if connection.vendor == "sqlite":
        dump, manifest_path = _backup(tmp_path)
        db = sqlite3.connect(dump)
        db.execute(f"UPDATE {AuditEvent._meta.db_table} SET reason = 'changed'")
        db.commit()
        db.close()
        manifest = json.loads(manifest_path.read_text())
        manifest["sha256"] = ops_backup._file_sha256(dump)
        manifest_path.write_text(json.dumps(manifest))
    else:  # tamper in the live database, back it up, then drill: the copy's chain must fail
        AuditEvent.objects.update(reason="changed")
        dump, manifest_path = _backup(tmp_path)
    result = ops_backup.restore_drill(dump)
    assert any(p.startswith("audit chain:") and "edited" in p for p in result.problems)


def test_the_password_is_never_on_the_command_line(monkeypatch, tmp_path):
    seen = {}

    class Done:
        returncode = 0
        stderr = ""

    def fake_run(args, env, **kwargs):
        seen["args"], seen["env"] = args, env
        return Done()

    monkeypatch.setattr(ops_backup.subprocess, "run", fake_run)
    ops_backup._run(["pg_dump", "--dbname=x"], {"HOST": "db", "PORT": 5432, "USER": "u", "PASSWORD": "rahasia"})
    assert "rahasia" not in " ".join(seen["args"])
    assert seen["env"]["PGPASSWORD"] == "rahasia" and seen["env"]["PGHOST"] == "db"
