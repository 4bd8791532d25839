import pytest

from lindungi.audit.models import AccessLog
from lindungi.exports.models import ExportJob
from lindungi.exports.tests.fixtures import read_csv, read_xlsx

pytestmark = pytest.mark.django_db

URL = "/api/v1/exports"


def test_api_export_flow(api_client_for, unit_officer, people, django_capture_on_commit_callbacks):
    client = api_client_for(unit_officer)
    with django_capture_on_commit_callbacks(execute=True):
        resp = client.post(URL, {"kind": "persons", "format": "csv", "filters": {"q": "siti"}},
                           content_type="application/json")
    assert resp.status_code == 202, resp.content
    body = resp.json()
    job = ExportJob.objects.get()
    # The test's transaction runs the task after the response; the worker would too.
    assert body["id"] == str(job.public_id) and body["status"] == "queued"
    assert body["filters"] == {"q": "siti"} and body["created_by"] == unit_officer.username

    status = client.get(f"{URL}/{job.public_id}")
    assert status.status_code == 200
    assert status.json()["status"] == "done" and status.json()["row_count"] == 2
    assert status.json()["download_url"] == f"{URL}/{job.public_id}/download"

    download = client.get(f"{URL}/{job.public_id}/download")
    assert download.status_code == 200 and "attachment" in download["Content-Disposition"]
    rows = read_csv(b"".join(download.streaming_content))
    assert sorted(r[1] for r in rows[1:]) == ["Siti Aminah", "Siti Rahayu"]
    made = AccessLog.objects.filter(kind="export")  # at generation, one row per person in the file
    assert made.count() == 2 and {log.detail for log in made} == {"2 rows: q=siti"}
    downloaded = AccessLog.objects.filter(kind="download")  # and again for the download
    assert sorted(downloaded.values_list("person_id", flat=True)) == sorted(made.values_list("person_id", flat=True))
    assert {(log.via, log.route) for log in downloaded} == {("api", "/api/v1/exports/<public_id>/download")}

    listing = client.get(URL).json()
    assert [item["id"] for item in listing["items"]] == [str(job.public_id)]


def test_api_xlsx(api_client_for, admin_user, people, django_capture_on_commit_callbacks):
    client = api_client_for(admin_user)
    with django_capture_on_commit_callbacks(execute=True):
        resp = client.post(URL, {"format": "xlsx", "filters": {"sex": "M"}}, content_type="application/json")
    assert resp.status_code == 202
    download = client.get(f"{URL}/{resp.json()['id']}/download")
    rows = read_xlsx(b"".join(download.streaming_content))
    assert [r[1] for r in rows[1:]] == ["Agus Salim"]


def test_api_bad_filter_is_422_at_request_time(api_client_for, admin_user, people):
    client = api_client_for(admin_user)
    resp = client.post(URL, {"filters": {"q": "!!!"}}, content_type="application/json")
    assert resp.status_code == 422 and "q" in resp.json()["fields"]
    resp = client.post(URL, {"filters": {"colour": "red"}}, content_type="application/json")
    assert resp.status_code == 422 and "colour" in resp.json()["fields"]
    resp = client.post(URL, {"format": "pdf"}, content_type="application/json")
    assert resp.status_code == 422 and "format" in resp.json()["fields"]
    assert not ExportJob.objects.exists()


def test_api_other_user_gets_404(api_client_for, analyst, unit_officer, people, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        resp = api_client_for(analyst).post(URL, {}, content_type="application/json")
    job_id = resp.json()["id"]
    other = api_client_for(unit_officer)
    assert other.get(f"{URL}/{job_id}").status_code == 404
    assert other.get(f"{URL}/{job_id}/download").status_code == 404
    assert other.get(f"{URL}/00000000-0000-0000-0000-000000000000").status_code == 404


def test_api_permission_and_not_ready(api_client_for, partner_client, admin_user, people):
    assert api_client_for(partner_client).post(URL, {}, content_type="application/json").status_code == 403
    client = api_client_for(admin_user)
    resp = client.post(URL, {}, content_type="application/json")  # no commit here: stays queued
    assert resp.status_code == 202 and resp.json()["status"] == "queued" and resp.json()["download_url"] is None
    assert client.get(f"{URL}/{resp.json()['id']}/download").status_code == 409
