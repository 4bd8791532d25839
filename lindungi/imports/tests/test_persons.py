from datetime import date, datetime

import pytest
from django.utils import translation

from lindungi.audit.models import AuditEvent
from lindungi.common.errors import PermissionDenied, ValidationFailed
from lindungi.imports import persons, services
from lindungi.imports.models import ImportBatch, ImportRowError
from lindungi.imports.tests.helpers import (
    EXPECTED_ERRORS,
    EXPECTED_IMPORTED_NIKS,
    HEADER,
    csv_bytes,
    mixed_rows,
    nik,
    row,
    upload,
    with_passport,
    xlsx_bytes,
)
from lindungi.registry.models import Passport, Person, PersonNameToken


def run(actor, content: bytes, name: str = "people.csv", **kwargs) -> ImportBatch:
    batch = services.import_batch_create(actor=actor, uploaded_file=upload(content, name), via="web")
    return services.import_batch_run(batch_id=batch.pk, **kwargs)


def error_keys(batch) -> set[tuple[int, str]]:
    return set(ImportRowError.objects.filter(batch=batch).values_list("line", "field"))


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_good_rows_imported_bad_rows_reported(admin_user, fmt):
    content = csv_bytes(mixed_rows()) if fmt == "csv" else xlsx_bytes(mixed_rows())
    with translation.override("en"):
        batch = run(admin_user, content, f"people.{fmt}", chunk_size=4)

    assert batch.status == ImportBatch.Status.DONE, batch.message
    assert (batch.imported_rows, batch.existing_rows, batch.error_rows, batch.total_rows) == (4, 0, 6, 10)
    assert batch.last_line_done == 12
    assert error_keys(batch) == EXPECTED_ERRORS
    assert set(Person.objects.values_list("nik", flat=True)) == EXPECTED_IMPORTED_NIKS

    errors = {(e.line, e.field): e for e in ImportRowError.objects.filter(batch=batch)}
    assert "16 digits" in errors[(3, "nik")].message and errors[(3, "nik")].value == nik(2)[:15]
    assert "digits only" in errors[(4, "nik")].message
    assert "9999" in errors[(5, "regency_code")].message and errors[(5, "regency_code")].value == "9999"
    assert errors[(6, "birth_date")].value == "31-02-1990"
    assert "line 2" in errors[(8, "nik")].message
    assert "line 9" in errors[(10, "passport_number")].message

    woman = Person.objects.get(nik=nik(1))
    assert woman.nik_warnings == []  # day of birth + 40 matches the stated sex and date
    assert woman.import_batch_id == batch.pk and woman.created_by == admin_user and woman.agency is None
    assert woman.name_key and set(PersonNameToken.objects.filter(person=woman).values_list("token", flat=True)) == {
        "siti", "aminah"}
    indonesian = Person.objects.get(nik=nik(10))
    assert (indonesian.sex, indonesian.education, indonesian.marital_status, indonesian.birth_date) == (
        "F", "sma", "single", date(1990, 1, 2))
    assert Passport.objects.get(number="C1234567").person.nik == nik(8)

    chunks = AuditEvent.objects.filter(action="import.chunk_committed", object_id=batch.pk).order_by("id")
    assert [c.changes["lines"] for c in chunks] == [[2, 5], [6, 9], [10, 12]]
    assert sum(c.changes["imported"] for c in chunks) == 4
    assert AuditEvent.objects.filter(action="import.started", object_id=batch.pk).count() == 1
    assert AuditEvent.objects.filter(action="import.finished", object_id=batch.pk).count() == 1


def test_rerun_imports_nothing_new(admin_user):
    content = csv_bytes(mixed_rows())
    first = run(admin_user, content)
    second = run(admin_user, content)
    assert (first.imported_rows, first.existing_rows) == (4, 0)
    assert (second.imported_rows, second.existing_rows, second.error_rows) == (0, 4, 6)
    assert Person.objects.count() == 4 and Passport.objects.count() == 1
    # The same rows are refused for the same reasons (the repeated NIK still points at line 2).
    assert error_keys(second) == EXPECTED_ERRORS


def test_nik_warning_kept_when_sex_disagrees(admin_user):
    batch = run(admin_user, csv_bytes([row(1, sex="M")]))
    assert batch.imported_rows == 1
    assert len(Person.objects.get().nik_warnings) == 1


def test_resume_after_crash_loses_nothing_and_counts_nothing_twice(admin_user, monkeypatch):
    rows = [row(n) for n in range(1, 26)]       # lines 2..26
    rows[18] = row(99, nik=nik(4))              # line 20 repeats the NIK of line 5 (across the crash)
    content = csv_bytes(rows)
    batch = services.import_batch_create(actor=admin_user, uploaded_file=upload(content), via="web")

    real_write = persons.PersonImporter._write
    calls = {"n": 0}

    def crashing_write(self, chunk):
        calls["n"] += 1
        if calls["n"] == 2:
            raise RuntimeError("disk on fire")
        return real_write(self, chunk)

    monkeypatch.setattr(persons.PersonImporter, "_write", crashing_write)
    batch = services.import_batch_run(batch_id=batch.pk, chunk_size=10)
    batch.refresh_from_db()
    assert batch.status == ImportBatch.Status.FAILED
    assert "disk on fire" in batch.message
    assert (batch.imported_rows, batch.last_line_done) == (10, 11)
    assert Person.objects.count() == 10  # what was reported as imported is there

    monkeypatch.setattr(persons.PersonImporter, "_write", real_write)
    batch = services.import_batch_run(batch_id=batch.pk, chunk_size=10)
    batch.refresh_from_db()
    assert batch.status == ImportBatch.Status.DONE
    assert (batch.imported_rows, batch.existing_rows, batch.error_rows, batch.total_rows) == (24, 0, 1, 25)
    assert Person.objects.count() == 24
    assert Person.objects.values("nik").distinct().count() == 24
    (error,) = ImportRowError.objects.filter(batch=batch)
    assert (error.line, error.field) == (20, "nik") and "5" in error.message
    chunks = AuditEvent.objects.filter(action="import.chunk_committed", object_id=batch.pk).order_by("id")
    assert [c.changes["lines"] for c in chunks] == [[2, 11], [12, 21], [22, 26]]
    assert AuditEvent.objects.filter(action="import.failed", object_id=batch.pk).count() == 1

    # A finished batch is left alone when run again.
    again = services.import_batch_run(batch_id=batch.pk)
    assert again.imported_rows == 24 and Person.objects.count() == 24


def test_missing_required_header_refuses_file_before_anything(admin_user):
    header = [h for h in HEADER if h != "birth_date"]
    content = csv_bytes([[r[h] for h in header] for r in [row(1)]], header=header)
    with pytest.raises(ValidationFailed) as exc:
        services.import_batch_create(actor=admin_user, uploaded_file=upload(content), via="web")
    assert "birth_date" in exc.value.fields["file"][0]
    assert ImportBatch.objects.count() == 0 and Person.objects.count() == 0


@pytest.mark.parametrize("content,name,needle", [
    (b"", "people.csv", "empty"),
    (b"nik,full_name\n", "people.txt", ".csv"),
    (b"not a zip file", "people.xlsx", "XLSX"),
    (",".join(HEADER).encode() + b"\n", "people.csv", "no data"),
])
def test_unusable_files_refused(admin_user, content, name, needle):
    with translation.override("en"), pytest.raises(ValidationFailed) as exc:
        services.import_batch_create(actor=admin_user, uploaded_file=upload(content, name), via="web")
    assert needle in exc.value.fields["file"][0]


def test_indonesian_headers_semicolons_and_bom(admin_user):
    header = ["NIK", "Nama", "Jenis Kelamin", "Tanggal Lahir", "Tempat Lahir", "Alamat", "Kode Kabupaten",
              "Pendidikan", "Status Perkawinan", "Nomor Paspor", "Kantor Imigrasi", "Tanggal Terbit Paspor",
              "Tanggal Habis Paspor"]
    content = b"\xef\xbb\xbf" + csv_bytes([row(1, sex="P", regency_code="32.01")], header=header, delimiter=";")
    batch = run(admin_user, content)
    assert batch.imported_rows == 1, list(ImportRowError.objects.values_list("field", "message"))
    assert batch.expected_rows == 1


def test_windows_1252_file_is_read(admin_user):
    content = csv_bytes([row(1, address="Jl. Café No. 1")], encoding="cp1252")
    batch = run(admin_user, content)
    assert batch.imported_rows == 1
    assert Person.objects.get().address == "Jl. Café No. 1"


def test_xlsx_number_and_date_cells(admin_user):
    rows = [row(1, nik=int(nik(1)), birth_date=datetime(1990, 1, 2), regency_code=3201),
            with_passport(row(2, nik=float(nik(2))), "B7654321")]
    rows[1]["passport_issue_date"] = datetime(2024, 1, 10)
    batch = run(admin_user, xlsx_bytes(rows), "people.xlsx")
    assert batch.imported_rows == 2, list(ImportRowError.objects.values_list("field", "message"))
    assert batch.expected_rows == 2
    assert Passport.objects.get().issue_date == date(2024, 1, 10)


def test_passport_already_on_record_is_a_row_error(admin_user):
    run(admin_user, csv_bytes([with_passport(row(1), "C1234567")]))
    batch = run(admin_user, csv_bytes([with_passport(row(1), "C1234567"), with_passport(row(2), "C1234567")]))
    assert (batch.imported_rows, batch.existing_rows, batch.error_rows) == (0, 1, 1)
    assert error_keys(batch) == {(3, "passport_number")}


def test_p3mi_staff_imports_for_their_company(p3mi_user, agency):
    batch = run(p3mi_user, csv_bytes([row(1), row(2, regency_code="3501", nik=nik(2, regency_code="3501"))]))
    assert batch.imported_rows == 2
    assert set(Person.objects.values_list("agency_id", flat=True)) == {agency.pk}


def test_unit_officer_rows_outside_coverage_refused(unit_officer):
    outside = row(2, regency_code="3501", nik=nik(2, regency_code="3501"))
    batch = run(unit_officer, csv_bytes([row(1), outside]))
    assert (batch.imported_rows, batch.error_rows) == (1, 1)
    assert error_keys(batch) == {(3, "regency_code")}
    assert Person.objects.get().nik == nik(1)


def test_roles_without_import_permission_refused(analyst, checkpoint_officer):
    for user in (analyst, checkpoint_officer):
        with pytest.raises(PermissionDenied):
            services.import_batch_create(actor=user, uploaded_file=upload(csv_bytes([row(1)])), via="web")


def test_import_batch_run_fails_cleanly_when_user_lost_permission(admin_user):
    batch = services.import_batch_create(actor=admin_user, uploaded_file=upload(csv_bytes([row(1)])), via="web")
    admin_user.is_active = False
    admin_user.save()
    batch = services.import_batch_run(batch_id=batch.pk)
    assert batch.status == ImportBatch.Status.FAILED and Person.objects.count() == 0


def test_enqueue_runs_the_task_after_commit(admin_user, django_capture_on_commit_callbacks):
    batch = services.import_batch_create(actor=admin_user, uploaded_file=upload(csv_bytes([row(1)])), via="api")
    with django_capture_on_commit_callbacks(execute=True):
        services.import_batch_enqueue(batch=batch)
    batch.refresh_from_db()
    assert batch.status == ImportBatch.Status.DONE and batch.imported_rows == 1


def test_template_file_imports_cleanly(admin_user):
    from lindungi.imports.reports import template_xlsx

    batch = run(admin_user, template_xlsx(), "template.xlsx")
    assert batch.imported_rows == 1, list(ImportRowError.objects.values_list("field", "message"))
    assert Passport.objects.count() == 1


def test_rows_written_like_the_orm_would(admin_user):
    batch = run(admin_user, csv_bytes([row(1), row(2, full_name="Hj. Nur  Aini")]))
    assert batch.imported_rows == 2
    people = list(Person.objects.order_by("nik"))
    assert all(p.created_at and p.updated_at and p.public_id for p in people)
    assert len({p.public_id for p in people}) == 2
    assert people[1].full_name == "Hj. Nur Aini" and people[1].name_key == "nuraini"
    assert people[1].religion == "" and people[1].village is None and people[1].merged_into is None
    assert set(PersonNameToken.objects.filter(person=people[1]).values_list("token", flat=True)) == {"nur", "aini"}


def test_messages_in_the_uploaders_language(admin_user):
    with translation.override("en"):
        batch = services.import_batch_create(actor=admin_user, uploaded_file=upload(csv_bytes([row(1, sex="X")])))
    assert batch.language == "en"
    with translation.override("id"):
        services.import_batch_run(batch_id=batch.pk)
    assert ImportRowError.objects.get().message == "Sex must be M (male) or F (female)."


def test_running_batch_is_not_started_twice(admin_user):
    batch = services.import_batch_create(actor=admin_user, uploaded_file=upload(csv_bytes([row(1)])))
    ImportBatch.objects.filter(pk=batch.pk).update(status=ImportBatch.Status.RUNNING)
    assert services.import_batch_run(batch_id=batch.pk).imported_rows == 0  # someone else runs it
    assert Person.objects.count() == 0
    assert services.import_batch_run(batch_id=batch.pk, takeover=True).imported_rows == 1


def test_resume_refused_unless_failed_or_stale(admin_user, django_capture_on_commit_callbacks):
    from datetime import timedelta

    from django.utils import timezone

    from lindungi.common.errors import Conflict

    batch = run(admin_user, csv_bytes([row(1)]))
    with pytest.raises(Conflict):
        services.import_batch_resume(actor=admin_user, batch=batch)
    ImportBatch.objects.filter(pk=batch.pk).update(status=ImportBatch.Status.RUNNING, updated_at=timezone.now(),
                                                   heartbeat_at=timezone.now() - timedelta(seconds=10))
    with pytest.raises(Conflict):  # its worker is alive (heartbeat 10 s ago)
        services.import_batch_resume(actor=admin_user, batch=batch)
    # no heartbeat for a minute: the worker died; resuming is allowed at once (not after 10 minutes)
    ImportBatch.objects.filter(pk=batch.pk).update(heartbeat_at=timezone.now() - timedelta(seconds=61))
    with django_capture_on_commit_callbacks(execute=True):
        services.import_batch_resume(actor=admin_user, batch=batch)
    batch.refresh_from_db()
    assert batch.status == ImportBatch.Status.DONE and batch.imported_rows == 1 and Person.objects.count() == 1
    assert AuditEvent.objects.filter(action="import.resumed", object_id=batch.pk).exists()


def test_every_imported_person_has_its_created_audit_event(admin_user):
    batch = run(admin_user, csv_bytes(mixed_rows()))
    imported = dict(Person.objects.values_list("id", "nik"))
    events = AuditEvent.objects.filter(action="person.created")
    assert sorted(imported[e.object_id] for e in events) == sorted(EXPECTED_IMPORTED_NIKS)
    assert {(e.via, e.actor_id, e.object_type) for e in events} == {("import", admin_user.pk, "person")}
    assert batch.imported_rows == len(EXPECTED_IMPORTED_NIKS)
