import io

import pytest
from django.core.management import CommandError, call_command

from lindungi.imports import persons
from lindungi.imports.models import ImportBatch
from lindungi.imports.tests.helpers import EXPECTED_ERRORS, csv_bytes, mixed_rows, row
from lindungi.registry.models import Person


def test_command_imports_and_is_idempotent(tmp_path, admin_user):
    path = tmp_path / "people.csv"
    path.write_bytes(csv_bytes(mixed_rows()))
    report = tmp_path / "errors.csv"
    out, err = io.StringIO(), io.StringIO()
    call_command("import_persons", str(path), user=admin_user.username, chunk=3, errors=str(report),
                 stdout=out, stderr=err)
    assert "imported 4, already registered 0, errors 6" in out.getvalue()
    assert "rows/s" in out.getvalue() and "rows/s" in err.getvalue()
    assert len(report.read_text(encoding="utf-8-sig").splitlines()) == len(EXPECTED_ERRORS) + 1
    batch = ImportBatch.objects.get()
    assert (batch.via, batch.file_path, bool(batch.file)) == ("command", str(path), False)

    out = io.StringIO()
    call_command("import_persons", str(path), user=admin_user.username, stdout=out, stderr=io.StringIO())
    assert "imported 0, already registered 4, errors 6" in out.getvalue()
    assert Person.objects.count() == 4


def test_command_resume(tmp_path, admin_user, monkeypatch):
    path = tmp_path / "people.csv"
    path.write_bytes(csv_bytes([row(n) for n in range(1, 11)]))
    real_write = persons.PersonImporter._write
    calls = {"n": 0}

    def crashing_write(self, chunk):
        calls["n"] += 1
        if calls["n"] == 2:
            raise RuntimeError("power cut")
        return real_write(self, chunk)

    monkeypatch.setattr(persons.PersonImporter, "_write", crashing_write)
    with pytest.raises(CommandError, match="--resume"):
        call_command("import_persons", str(path), user=admin_user.username, chunk=4, stdout=io.StringIO(),
                     stderr=io.StringIO())
    batch = ImportBatch.objects.get()
    assert (batch.status, batch.imported_rows, batch.last_line_done) == ("failed", 4, 5)

    monkeypatch.setattr(persons.PersonImporter, "_write", real_write)
    out = io.StringIO()
    call_command("import_persons", str(path), user=admin_user.username, chunk=4, resume=batch.pk, stdout=out,
                 stderr=io.StringIO())
    assert "imported 10, already registered 0, errors 0" in out.getvalue()
    assert Person.objects.count() == 10 and ImportBatch.objects.count() == 1


def test_command_refuses_bad_input(tmp_path, admin_user):
    with pytest.raises(CommandError, match="Unknown user"):
        call_command("import_persons", str(tmp_path / "x.csv"), user="nobody")
    with pytest.raises(CommandError):
        call_command("import_persons", str(tmp_path / "missing.csv"), user=admin_user.username)
    bad = tmp_path / "bad.csv"
    bad.write_bytes(b"nik,nama\n3201014201900001,Siti\n")
    with pytest.raises(CommandError, match="full_name|birth_date"):
        call_command("import_persons", str(bad), user=admin_user.username)
    assert ImportBatch.objects.count() == 0
