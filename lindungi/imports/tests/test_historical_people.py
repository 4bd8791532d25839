"""Historical people (migration): facts the old system lacks are stored as unknown, never invented;
a regency/city code in force on the day the person was recorded is kept even if retired since; new
registrations still need every fact and a current code."""

import pytest
from django.core.management import call_command
from django.urls import reverse

from lindungi.audit.models import AuditEvent
from lindungi.common.errors import PermissionDenied
from lindungi.imports import services
from lindungi.imports.models import ImportBatch, ImportRowError
from lindungi.imports.tests.helpers import csv_bytes, nik, row, upload
from lindungi.registry.models import UNKNOWN, Person

pytestmark = pytest.mark.django_db

HEADER = ["nik", "full_name", "sex", "birth_date", "birth_place", "address", "regency_code", "education",
          "marital_status", "recorded_on"]


def rows() -> list[dict]:
    return [
        row(1, birth_place="", address="", education="", marital_status="", recorded_on="2019-05-01"),  # 2
        row(2, nik=nik(2, regency_code="9101"), regency_code="9101", recorded_on="2019-05-01"),      # 3 retired
        row(3, nik=nik(3, regency_code="9101"), regency_code="9101", recorded_on="2023-01-01"),      # 4 too late
        row(4, nik=nik(4, regency_code="9101"), regency_code="9101"),                                # 5 no date
        row(5, education="phd", recorded_on="2019-13-01"),                                            # 6 bad
        row(6, full_name=""),                                                                         # 7 name
    ]


def run(actor, content: bytes, *, mode: str = "historical") -> ImportBatch:
    batch = services.import_batch_create(actor=actor, uploaded_file=upload(content), kind="persons", mode=mode)
    return services.import_batch_run(batch_id=batch.pk)


def test_unknowns_and_retired_codes(admin_user):
    batch = run(admin_user, csv_bytes([[r.get(h, "") for h in HEADER] for r in rows()], header=HEADER))
    assert batch.status == "done" and batch.kind_label == "People (historical)"
    assert (batch.imported_rows, batch.error_rows) == (2, 4)
    errors = set(ImportRowError.objects.filter(batch=batch).values_list("line", "field"))
    assert errors == {(4, "regency_code"), (5, "regency_code"), (6, "education"), (6, "recorded_on"),
                      (7, "full_name")}
    unknown = Person.objects.get(nik=nik(1))
    assert (unknown.birth_place, unknown.address, unknown.education, unknown.marital_status) == (
        "", "", UNKNOWN, UNKNOWN)
    assert unknown.get_education_display() == "Unknown"
    papua = Person.objects.get(nik=nik(2, regency_code="9101"))
    assert papua.regency.code == "9101" and papua.regency.province.code == "91"
    assert AuditEvent.objects.filter(action="person.created", object_id=unknown.pk).exists()
    again = run(admin_user, csv_bytes([[r.get(h, "") for h in HEADER] for r in rows()], header=HEADER))
    assert (again.imported_rows, again.existing_rows) == (0, 2)


def test_columns_that_may_be_unknown_may_be_missing(admin_user):
    header = ["nik", "full_name", "sex", "birth_date", "regency_code"]
    batch = run(admin_user, csv_bytes([[nik(9), "Siti Aminah", "F", "1990-01-02", "3201"]], header=header))
    assert batch.imported_rows == 1
    assert Person.objects.get().marital_status == UNKNOWN


def test_new_registrations_still_need_every_fact(admin_user):
    batch = run(admin_user, csv_bytes([[r.get(h, "") for h in HEADER] for r in rows()[:2]], header=HEADER),
                mode="")
    assert batch.imported_rows == 0
    assert set(ImportRowError.objects.filter(batch=batch).values_list("line", "field")) == {
        (2, "birth_place"), (2, "address"), (2, "education"), (2, "marital_status"), (3, "regency_code")}


def test_central_administrators_only(unit_officer, p3mi_user):
    for actor in (unit_officer, p3mi_user):
        with pytest.raises(PermissionDenied):
            run(actor, csv_bytes([row(1)]))
    assert not ImportBatch.objects.exists()


def test_shown_as_unknown(client, admin_user, tmp_path):
    path = tmp_path / "old.csv"
    path.write_bytes(csv_bytes([[r.get(h, "") for h in HEADER] for r in rows()[:1]], header=HEADER))
    call_command("import_persons", str(path), "--user", admin_user.username, "--historical", "--no-progress")
    person = Person.objects.get()
    client.force_login(admin_user)
    page = client.get(reverse("web:person-detail", args=[person.public_id])).content.decode()
    assert page.count("<dd>Tidak diketahui</dd>") == 4
