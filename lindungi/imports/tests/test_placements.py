"""Bulk import of placements: new mode (through the services, every rule applies) and historical
mode (migration in bulk, in the recorded state), idempotence, resume, reports, command, web, API."""

import csv
import datetime as dt
import io

import openpyxl
import pytest
from django.core.management import CommandError, call_command
from django.urls import reverse
from django.utils import translation

from lindungi.audit.models import AuditEvent
from lindungi.common.errors import PermissionDenied, ValidationFailed
from lindungi.imports import placements as placement_rows
from lindungi.imports import services
from lindungi.imports.models import ImportBatch, ImportRowError
from lindungi.imports.tests.helpers import upload
from lindungi.imports.tests.placement_helpers import placements_csv, placements_xlsx
from lindungi.placements import services as placement_services
from lindungi.placements.models import ChecklistItem, Placement, PlacementTransition
from lindungi.placements.tests.fixtures import TODAY, years_ago

UNKNOWN_NIK = "3201014201900099"  # well formed, nobody has it


def run(actor, content: bytes, name: str = "placements.csv", *, mode: str = "new", **kwargs) -> ImportBatch:
    batch = services.import_batch_create(actor=actor, uploaded_file=upload(content, name), kind="placements",
                                         mode=mode, via="web")
    return services.import_batch_run(batch_id=batch.pk, **kwargs)


def error_keys(batch) -> set[tuple[int, str]]:
    return set(ImportRowError.objects.filter(batch=batch).values_list("line", "field"))


def errors_by_key(batch) -> dict[tuple[int, str], ImportRowError]:
    return {(e.line, e.field): e for e in ImportRowError.objects.filter(batch=batch)}


# --- new mode ---------------------------------------------------------------------------------------

@pytest.fixture
def new_mode_file(make_person, make_job_order):
    """Lines 2.. of a new-mode file: one good row and one bad row per rule; see the test."""
    _job_order, sip2mi = make_job_order(quota=5)
    good, young, old, agreement = make_person(), make_person(birth_date=years_ago(16)), \
        make_person(birth_date=years_ago(45)), make_person()
    others = [make_person() for _ in range(6)]
    start, end = (TODAY + dt.timedelta(days=60)).isoformat(), (TODAY + dt.timedelta(days=790)).isoformat()
    base = {"scheme": "p_to_p", "sip2mi": sip2mi.number, "contract_start": start, "contract_end": end}
    rows = [
        {**base, "nik": good.nik, "medical_issued_on": (TODAY - dt.timedelta(days=3)).isoformat(),
         "medical_number": "MCU-1", "passport_number": good.passports.get().number},           # 2 good
        {**base, "nik": young.nik},                                                             # 3 age 16
        {**base, "nik": others[0].nik, "scheme": "p2p"},                                        # 4 unknown scheme
        {"nik": others[1].nik, "scheme": "g_to_g", "country": "XX", "occupation": "5322",
         "contract_start": start, "contract_end": end},                                         # 5 unknown country
        {**base, "nik": others[2].nik, "sip2mi": "SIP2MI/NOPE"},                                # 6 unknown SIP2MI
        {**base, "nik": others[3].nik, "contract_start": "31-02-2026", "contract_end": start},  # 7 bad dates
        {**base, "nik": others[4].nik, "contract_end": start},                                  # 8 end == start
        {**base, "nik": others[5].nik, "state": "working_abroad"},                              # 9 historical only
        {**base, "nik": UNKNOWN_NIK},                                                           # 10 not registered
        {"nik": old.nik, "scheme": "g_to_g_korea", "country": "KR", "occupation": "8121",
         "contract_start": start, "contract_end": end},                                         # 11 age 45 > 39
        {**base, "nik": agreement.nik, "agreement_issued_on": TODAY.isoformat()},               # 12 no witness
    ]
    return rows, {"good": good, "agreement": agreement, "sip2mi": sip2mi}


NEW_MODE_ERRORS = {(3, "nik"), (4, "scheme"), (5, "country"), (6, "sip2mi"), (7, "contract_start"),
                   (8, "contract_end"), (9, "state"), (10, "nik"), (11, "nik"), (12, "agreement_witness")}


def test_new_mode_goes_through_the_services_and_reports_every_refused_row(admin_user, new_mode_file):
    rows, people = new_mode_file
    with translation.override("en"):
        batch = run(admin_user, placements_csv(rows), chunk_size=4)
    assert batch.status == ImportBatch.Status.DONE, batch.message
    assert (batch.kind, batch.mode) == ("placements", "new")
    assert (batch.imported_rows, batch.existing_rows, batch.error_rows) == (1, 0, 10)
    assert error_keys(batch) == NEW_MODE_ERRORS
    errors = errors_by_key(batch)
    assert "at least 18" in errors[(3, "nik")].message
    assert "p2p" in errors[(4, "scheme")].message and errors[(4, "scheme")].value == "p2p"
    assert "Import the people first" in errors[(10, "nik")].message
    assert "at most 39" in errors[(11, "nik")].message
    assert "Disnaker" in errors[(12, "agreement_witness")].message

    placement = Placement.objects.get()
    assert placement.person == people["good"] and placement.state == "registered" and not placement.migrated
    assert placement.sip2mi == people["sip2mi"] and placement.agency == people["sip2mi"].job_order.agency
    assert set(placement.checklist_items.values_list("kind", flat=True)) == {"medical_fitness", "passport"}
    assert not Placement.objects.filter(person=people["agreement"]).exists()  # the row was rolled back whole
    assert AuditEvent.objects.filter(action="placement.created", via="import").count() == 1
    assert AuditEvent.objects.filter(action="placement.checklist_recorded", via="import").count() == 2

    again = run(admin_user, placements_csv(rows))
    assert (again.imported_rows, again.existing_rows, again.error_rows) == (0, 1, 10)
    assert Placement.objects.count() == 1


def test_new_mode_scope_and_permissions(p3mi_user, unit_officer, analyst, make_person, make_job_order, other_agency):
    _jo, sip2mi = make_job_order()
    _jo2, foreign_sip2mi = make_job_order(agency_obj=other_agency)
    mine = make_person(agency=p3mi_user.agency)
    stranger = make_person()  # registered by nobody's P3MI: P3MI staff cannot see it
    start, end = (TODAY + dt.timedelta(days=60)).isoformat(), (TODAY + dt.timedelta(days=790)).isoformat()
    rows = [{"nik": mine.nik, "scheme": "p_to_p", "sip2mi": sip2mi.number, "contract_start": start,
             "contract_end": end},
            {"nik": stranger.nik, "scheme": "p_to_p", "sip2mi": sip2mi.number, "contract_start": start,
             "contract_end": end},
            {"nik": mine.nik, "scheme": "p_to_p", "sip2mi": foreign_sip2mi.number, "contract_start": end,
             "contract_end": (TODAY + dt.timedelta(days=1500)).isoformat()}]
    batch = run(p3mi_user, placements_csv(rows))
    assert batch.imported_rows == 1 and error_keys(batch) == {(3, "nik"), (4, "sip2mi")}
    assert Placement.objects.get().agency == p3mi_user.agency

    with pytest.raises(PermissionDenied):
        run(unit_officer, placements_csv(rows), mode="historical")
    with pytest.raises(PermissionDenied):
        run(analyst, placements_csv(rows))
    with pytest.raises(ValidationFailed):
        services.import_batch_create(actor=p3mi_user, uploaded_file=upload(placements_csv(rows)), kind="vehicles")


# --- historical mode ----------------------------------------------------------------------------------

@pytest.fixture
def history(make_person, make_employer, agency):
    employer = make_employer("TW")
    people = {name: make_person(birth_date=dt.date(1990, 5, 6)) for name in
              ("returnee", "korea", "open", "dup", "young")}
    people["young"].birth_date = dt.date(2010, 1, 1)
    people["young"].save()
    base = {"scheme": "p_to_p", "p3mi": agency.sip3mi_number, "employer": employer.name, "country": "TW",
            "occupation": "5322", "contract_start": "2019-03-01", "contract_end": "2021-02-28"}
    rows = [
        {**base, "nik": people["returnee"].nik, "legacy_id": "SISKO-1", "state": "returnee",
         "state_date": "2021-04-10", "departed_on": "25-02-2019", "returned_on": "2021-03-01",
         "medical_issued_on": "2019-01-10", "passport_number": "B1234567", "passport_issued_on": "2018-12-01",
         "passport_valid_until": "2023-12-01", "epmi_number": "EPMI-9", "epmi_issued_on": "2019-02-20"},  # 2
        {"nik": people["korea"].nik, "scheme": "g_to_g_korea", "country": "KR", "occupation": "8121",
         "contract_start": "2025-01-06", "contract_end": "2027-01-05", "state": "working_abroad",
         "state_date": "2025-01-10", "departed_on": "2025-01-05"},                                    # 3
        {**base, "nik": people["dup"].nik, "state": "flying", "state_date": "2021-01-01"},           # 4
        {**base, "nik": people["dup"].nik, "state": "departed", "state_date": "2019-02-25",
         "returned_on": "2021-03-01"},                                                               # 5
        {**base, "nik": people["dup"].nik, "state": "working_abroad", "state_date": "2019-02-20",
         "departed_on": "2019-02-25"},                                                               # 6
        {**base, "nik": people["dup"].nik, "p3mi": "", "state": "withdrawn", "state_date": "2019-01-01"},  # 7
        {**base, "nik": people["dup"].nik, "occupation": "9999", "state": "withdrawn",
         "state_date": "2019-01-01"},                                                                # 8
        {**base, "nik": people["dup"].nik, "legacy_id": "SISKO-1", "state": "returnee",
         "state_date": "2021-04-10"},                                                                # 9
        {**base, "nik": people["open"].nik, "legacy_id": "SISKO-3", "state": "selected",
         "state_date": "2025-11-01", "contract_start": "", "contract_end": ""},                      # 10
        {**base, "nik": people["young"].nik, "state": "withdrawn", "state_date": "2009-06-01"},     # 11
        {**base, "nik": "123", "state": "withdrawn", "state_date": "2019-01-01"},                   # 12
        {**base, "nik": people["dup"].nik, "state": "withdrawn", "state_date": (TODAY + dt.timedelta(days=2))
         .isoformat()},                                                                              # 13
        {**base, "nik": UNKNOWN_NIK, "state": "withdrawn", "state_date": "2019-01-01"},             # 14
    ]
    return rows, people


HISTORICAL_ERRORS = {(4, "state"), (5, "returned_on"), (6, "state_date"), (7, "p3mi"), (8, "occupation"),
                     (9, "legacy_id"), (11, "state_date"), (12, "nik"), (13, "state_date"), (14, "nik")}


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_historical_lands_in_the_recorded_state(admin_user, agency, history, fmt):
    rows, people = history
    content = placements_csv(rows) if fmt == "csv" else placements_xlsx(rows)
    with translation.override("en"):
        batch = run(admin_user, content, f"sisko.{fmt}", mode="historical", chunk_size=5)
    assert batch.status == ImportBatch.Status.DONE, batch.message
    assert (batch.imported_rows, batch.existing_rows, batch.error_rows) == (3, 0, 10)
    assert error_keys(batch) == HISTORICAL_ERRORS
    errors = errors_by_key(batch)
    assert "line 2" in errors[(9, "legacy_id")].message
    assert "date of birth" in errors[(11, "state_date")].message
    assert "16 digits" in errors[(12, "nik")].message

    returnee = Placement.objects.get(legacy_id="SISKO-1")
    assert (returnee.person, returnee.state, returnee.migrated, returnee.agency) == (
        people["returnee"], "returnee", True, agency)
    assert returnee.sector == "informal" and returnee.quota_held is False and returnee.version == 4
    assert returnee.employer.name == "Employer TW legal_entity"
    assert returnee.state_changed_at.astimezone().date() == dt.date(2021, 4, 10)
    timeline = [(t.from_state, t.to_state, t.at.astimezone().date(), t.actor_id, t.via, t.version)
                for t in returnee.transitions.order_by("version")]
    assert timeline == [
        ("registered", "departed", dt.date(2019, 2, 25), admin_user.pk, "migration", 2),
        ("departed", "returned", dt.date(2021, 3, 1), admin_user.pk, "migration", 3),
        ("returned", "returnee", dt.date(2021, 4, 10), admin_user.pk, "migration", 4),
    ]
    assert "SISKO-1" in returnee.transitions.first().reason
    items = {i.kind: i for i in returnee.checklist_items.all()}
    assert set(items) == {"medical_fitness", "passport", "epmi_card"}
    assert items["medical_fitness"].valid_until == dt.date(2019, 4, 9)  # 3 months by default
    assert items["passport"].reference_number == "B1234567" and items["passport"].details["migrated"] is True

    korea = Placement.objects.get(person=people["korea"])
    assert (korea.state, korea.agency, korea.sector) == ("working_abroad", None, "formal")
    assert [(t.from_state, t.to_state) for t in korea.transitions.all()] == [
        ("registered", "departed"), ("departed", "working_abroad")]

    # Migrated in progress: not stranded. It can go on through the normal transitions, and the same
    # person can be registered anew in the new system beside it.
    open_one = Placement.objects.get(legacy_id="SISKO-3")
    assert (open_one.state, open_one.migrated) == ("selected", True)
    moved = placement_services.placement_transition(actor=admin_user, public_id=open_one.public_id,
                                                    to_state="withdrawn", reason="Migrated case closed").placement
    assert moved.state == "withdrawn" and moved.version == 3
    assert PlacementTransition.objects.filter(placement=open_one).count() == 2

    again = run(admin_user, content, f"sisko.{fmt}", mode="historical")
    assert (again.imported_rows, again.existing_rows, again.error_rows) == (0, 3, 10)
    assert Placement.objects.count() == 3
    assert PlacementTransition.objects.count() == 3 + 2 + 2
    assert ChecklistItem.objects.count() == 3


def test_historical_resume_after_a_crash(admin_user, make_person, agency, monkeypatch):
    people = [make_person() for _ in range(7)]
    rows = [{"nik": p.nik, "scheme": "g_to_g", "country": "HK", "occupation": "9111", "state": "working_abroad",
             "state_date": "2024-02-01", "departed_on": "2024-01-20", "legacy_id": f"L-{n}"}
            for n, p in enumerate(people)]
    rows.insert(3, {**rows[0]})  # line 5 repeats line 2, in a later chunk
    real_write = placement_rows.PlacementImporter._write
    calls = {"n": 0}

    def crashing_write(self, chunk):
        calls["n"] += 1
        if calls["n"] == 2:
            raise RuntimeError("power cut")
        return real_write(self, chunk)

    monkeypatch.setattr(placement_rows.PlacementImporter, "_write", crashing_write)
    batch = services.import_batch_create(actor=admin_user, uploaded_file=upload(placements_csv(rows)),
                                         kind="placements", mode="historical")
    batch = services.import_batch_run(batch_id=batch.pk, chunk_size=3)
    assert (batch.status, batch.imported_rows, batch.last_line_done) == ("failed", 3, 4)
    assert "line 4" in batch.message

    monkeypatch.setattr(placement_rows.PlacementImporter, "_write", real_write)
    out = io.StringIO()
    call_command("import_placements", "-", user=admin_user.username, resume=batch.pk, chunk=3, stdout=out,
                 stderr=io.StringIO())
    assert "imported 7, already imported 0, errors 1" in out.getvalue()
    batch.refresh_from_db()
    assert batch.status == "done", batch.message
    assert (batch.imported_rows, batch.existing_rows, batch.error_rows) == (7, 0, 1)
    assert error_keys(batch) == {(5, "legacy_id")}
    assert Placement.objects.count() == 7 and PlacementTransition.objects.count() == 14


# --- command, reports, web, API --------------------------------------------------------------------

def test_command_historical_idempotent_with_error_report(tmp_path, admin_user, history):
    rows, _people = history
    path = tmp_path / "sisko-2021.csv"
    path.write_bytes(placements_csv(rows))
    report = tmp_path / "errors.csv"
    out, err = io.StringIO(), io.StringIO()
    call_command("import_placements", str(path), user=admin_user.username, mode="historical", chunk=4,
                 errors=str(report), stdout=out, stderr=err)
    assert "imported 3, already imported 0, errors 10" in out.getvalue()
    assert "rows/s" in err.getvalue()
    lines = list(csv.reader(io.StringIO(report.read_text(encoding="utf-8-sig"))))
    assert {(int(r[0]), r[1]) for r in lines[1:]} == HISTORICAL_ERRORS
    batch = ImportBatch.objects.get()
    assert (batch.kind, batch.mode, batch.via) == ("placements", "historical", "command")

    out = io.StringIO()
    call_command("import_placements", str(path), user=admin_user.username, mode="historical", stdout=out,
                 stderr=io.StringIO())
    assert "imported 0, already imported 3, errors 10" in out.getvalue()
    with pytest.raises(CommandError, match="not a persons import"):
        call_command("import_persons", str(path), user=admin_user.username, resume=batch.pk, stdout=io.StringIO(),
                     stderr=io.StringIO())


def test_command_refuses_historical_for_non_admins(tmp_path, unit_officer, history):
    rows, _people = history
    path = tmp_path / "sisko.csv"
    path.write_bytes(placements_csv(rows))
    with pytest.raises(CommandError, match="central administrators"):
        call_command("import_placements", str(path), user=unit_officer.username, mode="historical")
    assert ImportBatch.objects.count() == 0


def test_web_upload_with_kind(client, admin_user, unit_officer, history, django_capture_on_commit_callbacks):
    rows, _people = history
    client.force_login(admin_user)
    page = client.get(reverse("web:import-list")).content.decode()
    assert 'value="placements_historical"' in page and 'value="placements_new"' in page
    assert reverse("web:import-template") + "?kind=placements" in page
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("web:import-list"), {"file": upload(placements_csv(rows), "sisko.csv"),
                                                            "kind": "placements_historical"})
    batch = ImportBatch.objects.get()
    assert response.status_code == 302, response.content
    assert (batch.kind, batch.mode, batch.status, batch.imported_rows, batch.error_rows) == (
        "placements", "historical", "done", 3, 10)
    detail = client.get(response["Location"]).content.decode()
    assert "Placements (historical)" in detail or "Penempatan" in detail
    report = client.get(reverse("web:import-errors-csv", args=[batch.public_id]))
    lines = list(csv.reader(io.StringIO(b"".join(report.streaming_content).decode("utf-8-sig"))))
    assert {(int(r[0]), r[1]) for r in lines[1:]} == HISTORICAL_ERRORS

    template = client.get(reverse("web:import-template") + "?kind=placements")
    sheet = openpyxl.load_workbook(io.BytesIO(template.content), read_only=True).worksheets[0]
    header = next(sheet.iter_rows(values_only=True))
    assert {"nik", "scheme", "sip2mi", "state", "state_date", "medical_issued_on", "opp_issued_on"} <= set(header)

    client.force_login(unit_officer)
    page = client.get(reverse("web:import-list")).content.decode()
    assert 'value="placements_new"' in page and 'value="placements_historical"' not in page
    response = client.post(reverse("web:import-list"), {"file": upload(placements_csv(rows), "sisko.csv"),
                                                        "kind": "placements_historical"})
    assert response.status_code == 400 and ImportBatch.objects.count() == 1


def test_api_upload_with_kind(api_client_for, admin_user, unit_officer, history,
                              django_capture_on_commit_callbacks):
    rows, _people = history
    api = api_client_for(admin_user)
    with django_capture_on_commit_callbacks(execute=True):
        response = api.post("/api/v1/imports", {"file": upload(placements_csv(rows), "sisko.csv"),
                                                "kind": "placements", "mode": "historical"})
    assert response.status_code == 202, response.content
    body = response.json()
    assert (body["kind"], body["mode"], body["status"]) == ("placements", "historical", "queued")
    detail = api.get(f"/api/v1/imports/{body['id']}").json()
    assert (detail["status"], detail["imported_rows"], detail["error_rows"]) == ("done", 3, 10)
    report = api.get(f"/api/v1/imports/{body['id']}/errors/report", {"format": "xlsx"})
    sheet = openpyxl.load_workbook(io.BytesIO(b"".join(report.streaming_content)), read_only=True).worksheets[0]
    assert {(r[0], r[1]) for r in list(sheet.iter_rows(values_only=True))[1:]} == HISTORICAL_ERRORS

    refused = api_client_for(unit_officer).post(
        "/api/v1/imports", {"file": upload(placements_csv(rows)), "kind": "placements_historical"})
    assert refused.status_code == 403
    bad = api.post("/api/v1/imports", {"file": upload(placements_csv(rows)), "kind": "vehicles"})
    assert bad.status_code == 422 and "kind" in bad.json()["fields"]
    people_file = api.post("/api/v1/imports", {"file": upload(placements_csv(rows))})  # default: people
    assert people_file.status_code == 422 and "full_name" in people_file.json()["fields"]["file"][0]
