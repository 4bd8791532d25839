import csv
import io

import openpyxl

from lindungi.imports import services
from lindungi.imports.models import ImportBatch
from lindungi.imports.tests.helpers import EXPECTED_ERRORS, HEADER, csv_bytes, mixed_rows, row, upload, xlsx_bytes
from lindungi.registry.models import Person

URL = "/api/v1/imports"


def test_upload_with_bearer_token(api_client_for, p3mi_user, agency, django_capture_on_commit_callbacks):
    api = api_client_for(p3mi_user)
    with django_capture_on_commit_callbacks(execute=True):
        response = api.post(URL, {"file": upload(xlsx_bytes(mixed_rows()), "people.xlsx")})
    assert response.status_code == 202, response.content
    body = response.json()
    assert body["status"] == "queued" and body["filename"] == "people.xlsx" and body["via"] == "api"

    detail = api.get(f"{URL}/{body['id']}").json()
    assert (detail["status"], detail["imported_rows"], detail["error_rows"], detail["existing_rows"]) == (
        "done", 4, 6, 0)
    assert detail["progress_percent"] == 100
    assert set(Person.objects.values_list("agency_id", flat=True)) == {agency.pk}

    page = api.get(f"{URL}/{body['id']}/errors", {"page_size": 4}).json()
    assert page["total"] == len(EXPECTED_ERRORS) and len(page["items"]) == 4
    rest = api.get(f"{URL}/{body['id']}/errors", {"page_size": 4, "page": 2}).json()
    assert {(e["line"], e["field"]) for e in page["items"] + rest["items"]} == EXPECTED_ERRORS

    listing = api.get(URL).json()
    assert listing["total"] == 1 and listing["items"][0]["id"] == body["id"]


def test_error_report_files(api_client_for, admin_user):
    batch = services.import_batch_create(actor=admin_user, uploaded_file=upload(csv_bytes(mixed_rows())))
    services.import_batch_run(batch_id=batch.pk)
    api = api_client_for(admin_user)
    response = api.get(f"{URL}/{batch.public_id}/errors/report")
    assert response.status_code == 200
    rows = list(csv.reader(io.StringIO(b"".join(response.streaming_content).decode("utf-8-sig"))))
    assert {(int(r[0]), r[1]) for r in rows[1:]} == EXPECTED_ERRORS
    response = api.get(f"{URL}/{batch.public_id}/errors/report", {"format": "xlsx"})
    workbook = openpyxl.load_workbook(io.BytesIO(b"".join(response.streaming_content)), read_only=True)
    assert {(r[0], r[1]) for r in list(workbook.worksheets[0].iter_rows(values_only=True))[1:]} == EXPECTED_ERRORS


def test_refused_uploads(api_client_for, admin_user, analyst):
    api = api_client_for(admin_user)
    header = [h for h in HEADER if h != "full_name"]
    response = api.post(URL, {"file": upload(csv_bytes([[row(1)[h] for h in header]], header=header))})
    assert response.status_code == 422
    assert response.json()["code"] == "validation_error" and "full_name" in response.json()["fields"]["file"][0]
    assert api.post(URL, {}).status_code == 422
    assert api_client_for(analyst).post(URL, {"file": upload(csv_bytes([row(1)]))}).status_code == 403
    assert ImportBatch.objects.count() == 0


def test_scoping_and_auth(client, api_client_for, admin_user, p3mi_user, analyst):
    batch = services.import_batch_create(actor=admin_user, uploaded_file=upload(csv_bytes([row(1)])))
    assert client.get(URL).status_code == 401
    assert api_client_for(p3mi_user).get(f"{URL}/{batch.public_id}").status_code == 404
    assert api_client_for(p3mi_user).get(f"{URL}/{batch.public_id}/errors").status_code == 404
    assert api_client_for(p3mi_user).get(URL).json()["total"] == 0
    assert api_client_for(analyst).get(f"{URL}/{batch.public_id}").status_code == 200
