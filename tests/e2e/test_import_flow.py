"""Bulk import in the browser: upload a CSV with two good rows and one bad row, watch the batch
finish, read the reported error and download the error report.

Test settings run tasks with django-tasks' ImmediateBackend, so the import runs as soon as the upload
commits; the detail page otherwise polls with htmx every 2 s, which the wait below also covers.
"""

import csv
import io
from datetime import date

import pytest

from lindungi.imports.persons import COLUMNS, REQUIRED_COLUMNS
from lindungi.registry.nik import nik_for

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)


def _nik(seq, sex="F", birth_date=date(1994, 5, 6)):
    return nik_for(regency_code="3201", district="01", birth_date=birth_date, sex=sex, sequence=seq)


GOOD_1 = {"nik": _nik(21), "full_name": "Sari Rahayu", "sex": "F", "birth_date": "1994-05-06"}
GOOD_2 = {"nik": _nik(22, sex="M", birth_date=date(1991, 12, 1)), "full_name": "Agus Prasetyo", "sex": "M",
          "birth_date": "1991-12-01"}
BAD_NIK = _nik(23)[:15]  # 15 digits
BAD = {"nik": BAD_NIK, "full_name": "Lina Marlina", "sex": "F", "birth_date": "1994-05-06"}


def _csv_text(rows) -> str:
    header = [c.name for c in COLUMNS]  # the template's columns, in its order
    assert set(REQUIRED_COLUMNS) <= set(header)
    common = {"birth_place": "Bogor", "address": "Jl. Raya Cibinong No. 1", "regency_code": "3201",
              "education": "sma", "marital_status": "single", "religion": "islam", "phone": "081234567890"}
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=header, restval="", lineterminator="\r\n")
    writer.writeheader()
    for row in rows:
        writer.writerow(common | row)
    return out.getvalue()


def test_upload_csv_see_errors_and_download_report(page, login, admin_user):
    from lindungi.imports.models import ImportBatch
    from lindungi.registry.models import Person

    login("admin-t")
    page.goto("/imports/")
    upload = page.locator("main form[data-testid=import-upload]")
    upload.locator("input[type=file][name=file]").set_input_files(files=[{
        "name": "pekerja-mei.csv", "mimeType": "text/csv",
        "buffer": _csv_text([GOOD_1, BAD, GOOD_2]).encode("utf-8"),  # the bad row is line 3
    }])
    upload.locator("button[type=submit]").click()
    page.wait_for_url("**/imports/*-*-*-*-*/")
    batch = ImportBatch.objects.get()
    assert page.url.endswith(f"/imports/{batch.public_id}/")

    progress = page.locator("[data-testid=import-progress][data-status=done]")
    progress.wait_for(timeout=15_000)  # at once here; htmx polling every 2 s otherwise
    assert page.inner_text("[data-testid=count-total]") == "3"
    assert page.inner_text("[data-testid=count-imported]") == "2"
    assert page.inner_text("[data-testid=count-errors]") == "1"
    assert set(Person.objects.values_list("nik", flat=True)) == {GOOD_1["nik"], GOOD_2["nik"]}

    # The bad line is listed with its line number, column and value.
    errors = page.locator("[data-testid=import-errors] tbody tr")
    assert errors.count() >= 1
    cells = errors.first.locator("td").all_inner_texts()
    assert cells[0] == "3" and cells[1] == "nik" and cells[3] == BAD_NIK and cells[2].strip()
    assert {row.locator("td").first.inner_text() for row in errors.all()} == {"3"}

    # The full report downloads as CSV and holds the same line.
    with page.expect_download() as info:
        page.click("[data-testid=errors-csv]")
    download = info.value
    assert download.suggested_filename == f"import-{batch.public_id}-errors.csv"
    text = open(download.path(), encoding="utf-8-sig").read()
    report = list(csv.reader(io.StringIO(text)))
    assert len(report) >= 2  # header + the bad line
    data = report[1:]
    assert {r[0] for r in data} == {"3"}
    assert any(r[1] == "nik" and r[3] == BAD_NIK for r in data)

    # The list of imports shows the finished batch.
    page.goto("/imports/")
    listed = page.locator("[data-testid=import-list] tbody tr").filter(has_text="pekerja-mei.csv")
    assert listed.count() == 1
    assert "badge-ok" in listed.locator("span.badge").get_attribute("class").split()
