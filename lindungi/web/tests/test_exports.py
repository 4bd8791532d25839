import pytest
from django.urls import reverse

from lindungi.audit.models import AccessLog
from lindungi.exports import services as export_services
from lindungi.exports.models import ExportJob
from lindungi.exports.tests.fixtures import read_csv, read_xlsx
from lindungi.web.tests.test_registry_helpers import client_for

pytestmark = pytest.mark.django_db


@pytest.fixture
def small_limit(monkeypatch):
    """Lists longer than one row go to the background (the real limit is 10,000)."""
    monkeypatch.setattr(export_services, "DIRECT_MAX_ROWS", 1)


def test_small_list_export_downloads_at_once(admin_user, people):
    resp = client_for(admin_user).get(reverse("web:person-export-csv"), {"q": "siti"})
    assert resp.status_code == 200 and "attachment" in resp["Content-Disposition"]
    assert not ExportJob.objects.exists()
    logs = AccessLog.objects.filter(kind="export")
    assert logs.count() == 2 and {log.detail for log in logs} == {"2 rows: q=siti"}


def test_large_list_export_goes_through_a_job(admin_user, people, small_limit,
                                              django_capture_on_commit_callbacks):
    client = client_for(admin_user)
    with django_capture_on_commit_callbacks(execute=True):
        resp = client.get(reverse("web:person-export-csv"), {"q": "siti", "page": "2"})
    job = ExportJob.objects.get()
    assert resp.status_code == 302
    assert resp["Location"] == reverse("web:export-detail", args=[job.public_id])
    assert (job.status, job.row_count, job.filters, job.via) == ("done", 2, {"q": "siti"}, "web")

    detail = client.get(resp["Location"])
    html = detail.content.decode()
    assert detail.status_code == 200 and 'data-status="done"' in html and "hx-trigger" not in html
    download_url = reverse("web:export-download", args=[job.public_id])
    assert download_url in html

    download = client.get(download_url)
    assert download.status_code == 200 and download["Content-Disposition"].startswith("attachment")
    assert sorted(r[1] for r in read_csv(b"".join(download.streaming_content))[1:]) == ["Siti Aminah",
                                                                                      "Siti Rahayu"]
    assert AccessLog.objects.filter(kind="export").count() == 2  # one row per person in the file
    assert AccessLog.objects.filter(kind="download", object_id=job.pk).count() == 2

    listing = client.get(reverse("web:export-list")).content.decode()
    assert reverse("web:export-detail", args=[job.public_id]) in listing and download_url in listing


def test_large_xlsx_export(unit_officer, people, small_limit, django_capture_on_commit_callbacks):
    client = client_for(unit_officer)
    with django_capture_on_commit_callbacks(execute=True):
        resp = client.get(reverse("web:person-export-xlsx"))
    job = ExportJob.objects.get()
    assert resp.status_code == 302 and job.format == "xlsx"
    download = client.get(reverse("web:export-download", args=[job.public_id]))
    names = sorted(r[1] for r in read_xlsx(b"".join(download.streaming_content))[1:])
    assert names == ["Dewi Lestari", "Siti Aminah", "Siti Rahayu"]


def test_status_partial_polls_until_done(admin_user, people, small_limit):
    client = client_for(admin_user)
    resp = client.get(reverse("web:person-export-csv"))  # no commit in this test: the job stays queued
    job = ExportJob.objects.get()
    url = reverse("web:export-detail", args=[job.public_id])
    assert resp["Location"] == url
    partial = client.get(url, HTTP_HX_REQUEST="true").content.decode()
    assert "<html" not in partial and 'hx-trigger="every 2s"' in partial and f'hx-get="{url}"' in partial
    assert client.get(reverse("web:export-download", args=[job.public_id])).status_code == 409
    from lindungi.exports.services import export_run

    export_run(job_id=job.pk)
    partial = client.get(url, HTTP_HX_REQUEST="true").content.decode()
    assert "hx-trigger" not in partial and 'data-status="done"' in partial
    assert reverse("web:export-download", args=[job.public_id]) in partial


def test_other_user_cannot_see_or_download(analyst, unit_officer, admin_user, people, small_limit,
                                           django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        client_for(analyst).get(reverse("web:person-export-csv"))
    job = ExportJob.objects.get()
    other = client_for(unit_officer)
    assert other.get(reverse("web:export-detail", args=[job.public_id])).status_code == 404
    assert other.get(reverse("web:export-download", args=[job.public_id])).status_code == 404
    assert reverse("web:export-detail", args=[job.public_id]) not in other.get(
        reverse("web:export-list")).content.decode()
    assert client_for(admin_user).get(reverse("web:export-download", args=[job.public_id])).status_code == 200


def test_bad_filter_is_refused_at_request_time(admin_user, people, small_limit):
    client = client_for(admin_user)
    resp = client.get(reverse("web:person-export-csv"), {"q": "!!!"})
    assert resp.status_code == 422 and 'data-testid="export-error"' in resp.content.decode()
    resp = client.get(reverse("web:person-export-xlsx"), {"province": "99"})
    assert resp.status_code == 422
    assert not ExportJob.objects.exists() and not AccessLog.objects.filter(kind="export").exists()


def test_exports_need_the_permission(checkpoint_officer, people):
    client = client_for(checkpoint_officer)
    assert client.get(reverse("web:export-list")).status_code == 403
    assert client.get(reverse("web:person-export-csv")).status_code == 403


def test_nav_shows_exports_to_exporters(admin_user, p3mi_user, checkpoint_officer):
    assert reverse("web:export-list") in client_for(admin_user).get(reverse("web:dashboard")).content.decode()
    assert reverse("web:export-list") in client_for(p3mi_user).get(reverse("web:dashboard")).content.decode()
    dashboard = client_for(checkpoint_officer).get(reverse("web:dashboard")).content.decode()
    assert reverse("web:export-list") not in dashboard


@pytest.mark.django_db(transaction=True)
def test_job_runs_after_the_request_commits(admin_user, people, small_limit):
    """Outside a test transaction the task is queued when the request's writes commit (the immediate
    backend then runs it at once), so the redirect already lands on a finished export."""
    client = client_for(admin_user)
    resp = client.get(reverse("web:person-export-xlsx"), {"province": "32"})
    job = ExportJob.objects.get()
    assert resp.status_code == 302 and job.status == "done" and job.row_count == 3
    assert 'data-status="done"' in client.get(resp["Location"]).content.decode()
