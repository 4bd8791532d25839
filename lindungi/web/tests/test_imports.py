import csv
import io

import openpyxl
import pytest
from django.urls import reverse
from django.utils import translation

from lindungi.audit.models import AccessLog
from lindungi.imports import persons, services
from lindungi.imports.models import ImportBatch
from lindungi.imports.tests.helpers import EXPECTED_ERRORS, HEADER, csv_bytes, mixed_rows, row, upload
from lindungi.registry.models import Person


@pytest.fixture
def finished_batch(admin_user):
    batch = services.import_batch_create(actor=admin_user, uploaded_file=upload(csv_bytes(mixed_rows())))
    return services.import_batch_run(batch_id=batch.pk)


def test_upload_flow(client, unit_officer, django_capture_on_commit_callbacks):
    client.force_login(unit_officer)
    page = client.get(reverse("web:import-list"))
    assert page.status_code == 200 and b'enctype="multipart/form-data"' in page.content

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("web:import-list"), {"file": upload(csv_bytes(mixed_rows()))})
    batch = ImportBatch.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("web:import-detail", args=[batch.public_id])
    assert (batch.status, batch.via, batch.imported_rows, batch.error_rows) == ("done", "web", 4, 6)
    assert Person.objects.count() == 4

    detail = client.get(response["Location"])
    assert detail.status_code == 200
    html = detail.content.decode()
    assert 'data-status="done"' in html and "hx-trigger" not in html  # finished: no more polling
    assert reverse("web:import-errors-csv", args=[batch.public_id]) in html
    assert reverse("web:import-errors-xlsx", args=[batch.public_id]) in html
    assert html.count("<tr><td") >= len(EXPECTED_ERRORS)

    listing = client.get(reverse("web:import-list")).content.decode()
    assert batch.filename in listing and reverse("web:import-detail", args=[batch.public_id]) in listing


def test_progress_partial_polls_while_running(client, admin_user):
    batch = services.import_batch_create(actor=admin_user, uploaded_file=upload(csv_bytes([row(1)])))
    client.force_login(admin_user)
    url = reverse("web:import-detail", args=[batch.public_id])
    partial = client.get(url, HTTP_HX_REQUEST="true")
    html = partial.content.decode()
    assert partial.status_code == 200 and "<html" not in html
    assert 'hx-trigger="every 2s"' in html and f'hx-get="{url}"' in html
    services.import_batch_run(batch_id=batch.pk)
    html = client.get(url, HTTP_HX_REQUEST="true").content.decode()
    assert "hx-trigger" not in html and 'data-status="done"' in html


@pytest.mark.parametrize("content,name,status,needle", [
    (csv_bytes([row(1)]), "people.txt", 422, ".csv"),
    (b"", "people.csv", 400, None),
    (csv_bytes([[row(1)[h] for h in HEADER if h != "nik"]], header=[h for h in HEADER if h != "nik"]),
     "people.csv", 422, "nik"),
])
def test_upload_errors_shown_on_form(client, admin_user, content, name, status, needle):
    client.force_login(admin_user)
    with translation.override("en"):
        response = client.post(reverse("web:import-list"), {"file": upload(content, name)}, HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == status
    assert response.context["form"].errors
    if needle:
        assert needle in " ".join(response.context["form"].errors["file"])
    assert ImportBatch.objects.count() == 0


def test_roles_without_permission(client, analyst, checkpoint_officer, finished_batch):
    client.force_login(checkpoint_officer)
    assert client.post(reverse("web:import-list"), {"file": upload(csv_bytes([row(1)]))}).status_code == 403
    assert client.get(reverse("web:import-detail", args=[finished_batch.public_id])).status_code == 404
    client.force_login(analyst)  # central roles may look at every import but not start one
    page = client.get(reverse("web:import-list"))
    assert page.status_code == 200 and b"multipart/form-data" not in page.content
    assert client.get(reverse("web:import-detail", args=[finished_batch.public_id])).status_code == 200


def test_other_users_batches_are_not_found(client, p3mi_user, finished_batch):
    client.force_login(p3mi_user)
    assert client.get(reverse("web:import-detail", args=[finished_batch.public_id])).status_code == 404
    assert client.get(reverse("web:import-errors-csv", args=[finished_batch.public_id])).status_code == 404
    assert finished_batch.filename not in client.get(reverse("web:import-list")).content.decode()


def test_error_report_csv_opens_back(client, admin_user, finished_batch):
    client.force_login(admin_user)
    response = client.get(reverse("web:import-errors-csv", args=[finished_batch.public_id]))
    assert response.status_code == 200 and response["Content-Type"].startswith("text/csv")
    text = b"".join(response.streaming_content).decode("utf-8-sig")
    rows = list(csv.reader(io.StringIO(text)))
    assert len(rows[0]) == 4
    assert {(int(r[0]), r[1]) for r in rows[1:]} == EXPECTED_ERRORS
    assert all(r[2] for r in rows[1:])
    assert AccessLog.objects.filter(kind="export", object_type="importbatch", object_id=finished_batch.pk).exists()


def test_error_report_xlsx_opens_back(client, admin_user, finished_batch):
    client.force_login(admin_user)
    response = client.get(reverse("web:import-errors-xlsx", args=[finished_batch.public_id]))
    assert response.status_code == 200
    workbook = openpyxl.load_workbook(io.BytesIO(b"".join(response.streaming_content)), read_only=True)
    rows = list(workbook.worksheets[0].iter_rows(values_only=True))
    assert len(rows[0]) == 4
    assert {(r[0], r[1]) for r in rows[1:]} == EXPECTED_ERRORS
    assert ("3201014201900001" in {r[3] for r in rows[1:]})  # the repeated NIK, kept as text


def test_template_download(client, unit_officer):
    client.force_login(unit_officer)
    response = client.get(reverse("web:import-template"))
    assert response.status_code == 200
    workbook = openpyxl.load_workbook(io.BytesIO(response.content), read_only=True)
    header, example = list(workbook.worksheets[0].iter_rows(values_only=True))[:2]
    assert list(header) == list(persons.COLUMN_NAMES)
    assert example[0] == "3201014201900001"


def test_login_required(client, finished_batch):
    for name, args in [("web:import-list", []), ("web:import-detail", [finished_batch.public_id]),
                       ("web:import-errors-csv", [finished_batch.public_id]), ("web:import-template", [])]:
        assert client.get(reverse(name, args=args)).status_code == 302


def test_failed_import_resumed_from_the_page(client, admin_user, monkeypatch, django_capture_on_commit_callbacks):
    batch = services.import_batch_create(actor=admin_user, uploaded_file=upload(csv_bytes([row(n) for n in
                                                                                            range(1, 8)])))
    real_write = persons.PersonImporter._write
    calls = {"n": 0}

    def crashing_write(self, chunk):
        calls["n"] += 1
        if calls["n"] == 2:
            raise RuntimeError("worker killed")
        return real_write(self, chunk)

    monkeypatch.setattr(persons.PersonImporter, "_write", crashing_write)
    services.import_batch_run(batch_id=batch.pk, chunk_size=3)
    monkeypatch.setattr(persons.PersonImporter, "_write", real_write)

    client.force_login(admin_user)
    url = reverse("web:import-detail", args=[batch.public_id])
    html = client.get(url).content.decode()
    resume_url = reverse("web:import-resume", args=[batch.public_id])
    assert 'data-status="failed"' in html and resume_url in html
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(resume_url)
    assert response.status_code == 302
    batch.refresh_from_db()
    assert (batch.status, batch.imported_rows, batch.total_rows) == ("done", 7, 7)
    assert Person.objects.count() == 7
    assert client.post(resume_url).status_code == 302  # nothing to resume: a message, no error page
