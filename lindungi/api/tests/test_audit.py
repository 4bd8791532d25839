"""The access log through the API: every response showing a person leaves a row naming them, and the
auditor's search and per-person report, gated by ``audit.view``."""

import pytest

from lindungi.audit import services as audit_services
from lindungi.audit.models import AccessLog
from lindungi.registry.tests.factories import make_person

pytestmark = pytest.mark.django_db


@pytest.fixture
def siti(admin_user):
    return make_person(admin_user, full_name="Siti Aminah", passport={
        "number": "C1234567", "issuing_office": "Jakarta", "issue_date": "2023-01-01", "expiry_date": "2033-01-01"})


@pytest.fixture
def agus(admin_user):
    return make_person(admin_user, full_name="Agus Salim", sex="M", regency="3501")


def _rows(**filters):
    return list(AccessLog.objects.filter(**filters).order_by("seq"))


def test_list_by_nik_names_the_person(api_client_for, analyst, siti):
    client = api_client_for(analyst)
    assert client.post("/api/v1/persons/search", {"nik": siti.nik},
                       content_type="application/json").json()["total"] == 1
    rows = _rows(actor=analyst)
    assert [r.person_id for r in rows] == [siti.pk]
    assert rows[0].route == "/api/v1/persons/search" and rows[0].via == "api"


def test_search_by_nik_in_q_names_the_person(api_client_for, analyst, siti, agus):
    api_client_for(analyst).post("/api/v1/persons/search", {"q": siti.nik}, content_type="application/json")
    assert [r.person_id for r in _rows(actor=analyst)] == [siti.pk]


def test_a_list_page_names_everyone_on_it(api_client_for, analyst, siti, agus):
    api_client_for(analyst).get("/api/v1/persons")
    assert sorted(r.person_id for r in _rows(actor=analyst)) == sorted([siti.pk, agus.pk])


def test_lookup_that_finds_nobody_is_logged(api_client_for, partner_client, siti):
    client = api_client_for(partner_client)
    assert client.post("/api/v1/persons/lookup", {"nik": "3201010101010001"},
                       content_type="application/json").status_code == 404
    (row,) = _rows(actor=partner_client)
    assert row.person_id is None and row.kind == "lookup" and "not found" in row.detail
    assert client.post("/api/v1/persons/lookup", {"passport": "C1234567"},
                       content_type="application/json").status_code == 200
    assert _rows(actor=partner_client)[-1].person_id == siti.pk


def test_placement_detail_names_the_person(api_client_for, admin_user, make_placement):
    placement = make_placement()
    client = api_client_for(admin_user)
    assert client.get(f"/api/v1/placements/{placement.public_id}").status_code == 200
    row = _rows(actor=admin_user, object_type="placement")[-1]
    assert row.person_id == placement.person_id and row.object_id == placement.pk
    assert row.route == "/api/v1/placements/<public_id>"


def test_rows_are_written_before_the_response_without_a_buffer(api_client_for, partner_client, siti):
    """Nothing is held in memory: once the lookup has answered, its row is in the database."""
    assert not hasattr(audit_services, "flush_access_log")
    api_client_for(partner_client).post("/api/v1/persons/lookup", {"nik": siti.nik}, content_type="application/json")
    assert AccessLog.objects.filter(actor=partner_client, person_id=siti.pk).exists()


def test_auditor_searches_by_user_person_day_and_route(api_client_for, analyst, admin_user, partner_client, siti,
                                                       agus):
    api_client_for(partner_client).post("/api/v1/persons/lookup", {"nik": siti.nik}, content_type="application/json")
    api_client_for(admin_user).get(f"/api/v1/persons/{agus.public_id}")
    auditor = api_client_for(analyst)
    body = auditor.get("/api/v1/access-log?user=partner-t").json()
    assert body["total"] == 1
    (item,) = body["items"]
    assert item["person"] == str(siti.public_id) and item["person_name"] == "Siti Aminah"
    assert item["user"] == "partner-t" and item["kind"] == "lookup" and item["route"] == "/api/v1/persons/lookup"
    by_person = auditor.get(f"/api/v1/access-log?person={agus.public_id}").json()
    assert {i["user"] for i in by_person["items"]} == {"admin-t"}
    assert auditor.get(f"/api/v1/access-log?person={siti.nik}&route=/api/v1/persons/lookup").json()["total"] == 1
    assert auditor.get("/api/v1/access-log?since=2000-01-01&until=2000-01-31").json()["total"] == 0
    # the auditor's own reading was logged too
    assert AccessLog.objects.filter(actor=analyst, object_type="access_log").exists()


def test_bad_filters_are_all_reported(api_client_for, analyst):
    response = api_client_for(analyst).get("/api/v1/access-log?user=nobody&person=xyz&since=31-02-2024&kind=peek")
    assert response.status_code == 422
    assert set(response.json()["fields"]) == {"user", "person", "since", "kind"}


@pytest.mark.parametrize("role_fixture", ["p3mi_user", "checkpoint_officer", "partner_client"])
def test_roles_without_audit_view_are_refused(request, api_client_for, role_fixture, siti):
    user = request.getfixturevalue(role_fixture)
    client = api_client_for(user)
    assert client.get("/api/v1/access-log").status_code == 403
    assert client.get(f"/api/v1/access-log/persons/{siti.public_id}").status_code == 403


def test_p3mi_staff_cannot_read_a_persons_history(api_client_for, p3mi_user, agency, admin_user):
    own = make_person(admin_user, full_name="Dewi", agency_public_id=str(agency.public_id))
    assert api_client_for(p3mi_user).get(f"/api/v1/persons/{own.public_id}/history").status_code == 403


def test_unit_officer_sees_only_rows_about_people_in_scope(api_client_for, admin_user, unit_officer, siti, agus):
    client = api_client_for(admin_user)
    client.get(f"/api/v1/persons/{siti.public_id}")
    client.get(f"/api/v1/persons/{agus.public_id}")
    items = api_client_for(unit_officer).get("/api/v1/access-log?user=admin-t").json()["items"]
    assert {i["person"] for i in items} == {str(siti.public_id)}  # Agus lives in Jawa Timur
    assert api_client_for(unit_officer).get(f"/api/v1/access-log/persons/{agus.public_id}").status_code == 404


def test_person_report_lists_every_access(api_client_for, analyst, partner_client, admin_user, siti):
    api_client_for(partner_client).post("/api/v1/persons/lookup", {"nik": siti.nik}, content_type="application/json")
    api_client_for(admin_user).get(f"/api/v1/persons/{siti.public_id}")
    body = api_client_for(analyst).get(f"/api/v1/access-log/persons/{siti.public_id}").json()
    assert body["full_name"] == "Siti Aminah"
    assert {i["user"] for i in body["items"]} >= {"partner-t", "admin-t"}
