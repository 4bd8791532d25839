import csv
import io

import pytest

from lindungi.registry.tests.factories import make_person


@pytest.fixture
def people(admin_user, agency, other_agency):
    """Two people of ``agency`` in Jawa Barat, one of ``other_agency`` in Jawa Barat, one without a
    P3MI in Jawa Timur (outside the test unit's coverage)."""
    return {
        "aminah": make_person(admin_user, full_name="Siti Aminah", agency_public_id=str(agency.public_id)),
        "rahayu": make_person(admin_user, full_name="Siti Rahayu", agency_public_id=str(agency.public_id),
                              address="=HYPERLINK(\"http://evil.example\")"),
        "dewi": make_person(admin_user, full_name="Dewi Lestari", agency_public_id=str(other_agency.public_id)),
        "agus": make_person(admin_user, full_name="Agus Salim", sex="M", regency="3501"),
    }


@pytest.fixture
def p3mi_exporter(p3mi_user):
    """P3MI staff export their own company's people only."""
    return p3mi_user


def read_csv(content: bytes) -> list[list[str]]:
    assert content.startswith(b"\xef\xbb\xbf")  # BOM for spreadsheet programs
    return list(csv.reader(io.StringIO(content.decode("utf-8-sig"))))


def read_xlsx(content: bytes) -> list[tuple]:
    import openpyxl

    workbook = openpyxl.load_workbook(io.BytesIO(content))
    return list(workbook.active.iter_rows(values_only=True))


def job_bytes(job) -> bytes:
    job.file.open("rb")
    try:
        return job.file.read()
    finally:
        job.file.close()
