from datetime import datetime, timedelta

import pytest
from django.core.management import call_command
from django.utils import timezone

from lindungi.audit.models import AccessLog, AuditEvent
from lindungi.common.errors import NotFound, PermissionDenied, ValidationFailed
from lindungi.exports import selectors, services
from lindungi.exports.models import ExportJob
from lindungi.exports.tests.fixtures import job_bytes, read_csv, read_xlsx

pytestmark = pytest.mark.django_db


def request_and_run(actor, django_capture_on_commit_callbacks, **kwargs) -> ExportJob:
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        job = services.export_request(actor=actor, **kwargs)
    assert len(callbacks) == 1  # queued once, after the commit
    job.refresh_from_db()
    return job


def test_csv_export_job_runs_and_file_reads_back(admin_user, people, django_capture_on_commit_callbacks):
    job = request_and_run(admin_user, django_capture_on_commit_callbacks, kind="persons", fmt="csv",
                          filters={"q": "siti", "province": "32"})
    assert (job.status, job.row_count, job.format, job.via) == ("done", 2, "csv", "web")
    assert job.filters == {"q": "siti", "province": "32"}
    assert job.finished_at and job.expires_at - job.created_at >= timedelta(days=6)
    rows = read_csv(job_bytes(job))
    assert rows[0][:3] == ["NIK", "Full name", "Sex"]
    by_name = {r[1]: r for r in rows[1:]}
    assert sorted(by_name) == ["Siti Aminah", "Siti Rahayu"]
    assert by_name["Siti Aminah"][0] == people["aminah"].nik and by_name["Siti Aminah"][3] == "1995-04-21"
    assert by_name["Siti Rahayu"][5].startswith("'=HYPERLINK")  # formula injection neutralised


def test_xlsx_export_job_opens_with_openpyxl(admin_user, people, django_capture_on_commit_callbacks):
    job = request_and_run(admin_user, django_capture_on_commit_callbacks, fmt="xlsx", filters={"province": "32"})
    assert (job.status, job.row_count) == ("done", 3)
    rows = read_xlsx(job_bytes(job))
    assert rows[0][0] == "NIK"
    by_name = {r[1]: r for r in rows[1:]}
    assert sorted(by_name) == ["Dewi Lestari", "Siti Aminah", "Siti Rahayu"]
    assert by_name["Siti Aminah"][3] == datetime(1995, 4, 21)
    assert by_name["Siti Aminah"][14] == people["aminah"].agency.legal_name
    assert by_name["Siti Rahayu"][5] == '=HYPERLINK("http://evil.example")'  # stored as text, not a formula


def test_access_log_names_every_exported_person_and_audit_events(admin_user, people,
                                                                 django_capture_on_commit_callbacks):
    job = request_and_run(admin_user, django_capture_on_commit_callbacks, filters={"q": "siti"}, via="api")
    logs = list(AccessLog.objects.filter(kind="export").order_by("seq"))
    assert {log.person_id for log in logs} == {people["aminah"].pk, people["rahayu"].pk}
    for log in logs:
        assert (log.actor, log.object_type, log.object_id, log.via) == (admin_user, "exportjob", job.pk, "api")
        assert log.detail == "2 rows: q=siti"
    actions = list(AuditEvent.objects.filter(object_type="exportjob", object_id=job.pk)
                   .order_by("id").values_list("action", flat=True))
    assert actions == ["export.requested", "export.finished"]


def test_scope_is_the_requesters_unit(unit_officer, people, django_capture_on_commit_callbacks):
    job = request_and_run(unit_officer, django_capture_on_commit_callbacks)
    names = sorted(r[1] for r in read_csv(job_bytes(job))[1:])
    assert names == ["Dewi Lestari", "Siti Aminah", "Siti Rahayu"]  # not Agus (Jawa Timur)


def test_p3mi_export_holds_only_its_company(p3mi_exporter, people, django_capture_on_commit_callbacks):
    job = request_and_run(p3mi_exporter, django_capture_on_commit_callbacks, fmt="xlsx")
    names = sorted(r[1] for r in read_xlsx(job_bytes(job))[1:])
    assert names == ["Siti Aminah", "Siti Rahayu"]


def test_scope_is_taken_when_the_job_runs(unit_officer, people, regency):
    job = services.export_request(actor=unit_officer, filters={})  # not yet run: no commit in this test
    assert job.status == "queued"
    from lindungi.reference.models import UnitCoverage

    UnitCoverage.objects.filter(unit=unit_officer.unit).delete()  # the unit no longer covers Jawa Barat
    job = services.export_run(job_id=job.pk)
    assert (job.status, job.row_count) == ("done", 0)


@pytest.mark.parametrize("filters,field", [
    ({"q": "!!!"}, "q"),              # the selector's own error
    ({"colour": "red"}, "colour"),    # unknown filter
    ({"sex": 1}, "sex"),              # not text
    ({"include_merged": "yes"}, "include_merged"),
])
def test_bad_filters_fail_at_request_time(admin_user, people, filters, field):
    with pytest.raises(ValidationFailed) as info:
        services.export_request(actor=admin_user, filters=filters)
    assert info.value.status_code == 422 and field in info.value.fields
    assert not ExportJob.objects.exists()


def test_bad_kind_or_format(admin_user):
    with pytest.raises(ValidationFailed) as info:
        services.export_request(actor=admin_user, fmt="pdf")
    assert "format" in info.value.fields
    with pytest.raises(ValidationFailed) as info:
        services.export_request(actor=admin_user, kind="placements")
    assert "kind" in info.value.fields


def test_permission_needed(partner_client, checkpoint_officer, people):
    for user in (partner_client, checkpoint_officer):
        with pytest.raises(PermissionDenied):
            services.export_request(actor=user, filters={"q": people["aminah"].nik})
    assert not ExportJob.objects.exists()


def test_failure_marks_the_job_failed(admin_user, people, monkeypatch):
    job = services.export_request(actor=admin_user, filters={})

    def broken(people, out):
        raise OSError("disk full")

    monkeypatch.setattr(services.person_format, "write_csv", broken)
    job = services.export_run(job_id=job.pk)
    job.refresh_from_db()
    assert job.status == "failed" and "disk full" in job.message and not job.file
    assert not AccessLog.objects.filter(kind="export").exists()
    assert AuditEvent.objects.filter(action="export.failed", object_id=job.pk).exists()
    # A finished or failed job is not run again.
    assert services.export_run(job_id=job.pk).status == "failed"


def test_creator_who_lost_the_permission_gets_no_file(analyst, people, django_capture_on_commit_callbacks):
    job = services.export_request(actor=analyst, filters={})
    analyst.is_active = False
    analyst.save()
    job = services.export_run(job_id=job.pk)
    assert job.status == "failed" and not job.file


def test_rows_are_capped(admin_user, people, monkeypatch, django_capture_on_commit_callbacks):
    monkeypatch.setattr(services, "MAX_ROWS", 2)
    job = request_and_run(admin_user, django_capture_on_commit_callbacks)
    assert job.row_count == 2 and "first 2 of 4" in job.message
    assert len(read_csv(job_bytes(job))) == 3


def test_only_the_creator_or_an_administrator_may_open(analyst, unit_officer, admin_user, people,
                                                       django_capture_on_commit_callbacks):
    job = request_and_run(analyst, django_capture_on_commit_callbacks)
    assert selectors.export_file_for(analyst, job.public_id) == job
    assert selectors.export_file_for(admin_user, job.public_id) == job
    with pytest.raises(NotFound):
        selectors.export_file_for(unit_officer, job.public_id)
    assert [j.pk for j in selectors.export_job_list_for(analyst).items] == [job.pk]
    assert selectors.export_job_list_for(unit_officer).items == []


def test_expired_files_are_purged(admin_user, people, django_capture_on_commit_callbacks):
    job = request_and_run(admin_user, django_capture_on_commit_callbacks)
    assert services.export_purge_expired() == 0
    ExportJob.objects.filter(pk=job.pk).update(expires_at=timezone.now() - timedelta(minutes=1))
    with pytest.raises(NotFound):
        selectors.export_file_for(admin_user, job.public_id)
    assert services.export_purge_expired() == 1
    job.refresh_from_db()
    assert not job.file and job.status == "done"


def test_a_dead_workers_export_is_taken_over_once(admin_user, people, django_capture_on_commit_callbacks):


    job = services.export_request(actor=admin_user, filters={"q": "siti"})  # queued; no commit in this test
    ExportJob.objects.filter(pk=job.pk).update(status=ExportJob.Status.RUNNING, claim="dead-worker",
                                               heartbeat_at=timezone.now() - timedelta(seconds=5))
    call_command("recover_jobs")
    assert ExportJob.objects.get(pk=job.pk).status == ExportJob.Status.RUNNING  # still beating recently
    ExportJob.objects.filter(pk=job.pk).update(heartbeat_at=timezone.now() - timedelta(minutes=1))
    with django_capture_on_commit_callbacks(execute=True):
        call_command("recover_jobs")
    job.refresh_from_db()
    assert job.status == ExportJob.Status.DONE and job.row_count == 2 and job.claim != "dead-worker"
    assert AccessLog.objects.filter(kind="export", object_id=job.pk).count() == 2  # once per person
    assert AuditEvent.objects.filter(action="export.taken_over", object_id=job.pk).count() == 1
