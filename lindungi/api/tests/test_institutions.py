import json

import pytest

from lindungi.audit.models import AuditEvent
from lindungi.institutions.models import Certificate, Institution
from lindungi.institutions.tests.fixtures import days

pytestmark = pytest.mark.django_db

BASE = "/api/v1/institutions"


def post(client, url, data):
    return client.post(url, json.dumps(data, default=str), content_type="application/json")


def error(response, status, *fields):
    assert response.status_code == status, response.content
    body = response.json()
    assert set(body) == {"code", "message", "fields"}
    for field in fields:
        assert field in body["fields"], body
    return body


NEW = {"name": "LSP Perawat Indonesia", "kind": "certification_body", "registration_number": "BNSP-LSP-123",
       "regency": "3201", "valid_from": "2024-01-01", "accreditation_grade": "A", "accreditation_body": "BNSP"}


def test_create_list_get_and_standing(admin_user, api_client_for):
    client = api_client_for(admin_user)
    response = post(client, BASE, NEW)
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["in_good_standing"] is True and body["status_history"] == []
    public_id = body["public_id"]
    listed = client.get(BASE, {"kind": "certification_body", "q": "perawat"}).json()
    assert listed["total"] == 1 and listed["items"][0]["public_id"] == public_id
    response = post(client, f"{BASE}/{public_id}/suspend", {"suspended_from": days(-1).isoformat(),
                                                            "decree_number": "KEP/1", "reason": "Audit"})
    assert response.status_code == 200
    body = client.get(f"{BASE}/{public_id}").json()
    assert body["status"] == "suspended" and body["in_good_standing"] is False
    assert body["standing_code"] == "suspended" and len(body["status_history"]) == 1
    error(post(client, f"{BASE}/{public_id}/suspend", {"suspended_from": days(0).isoformat(),
                                                       "decree_number": "KEP/2", "reason": "x"}), 409)
    assert post(client, f"{BASE}/{public_id}/reinstate", {"reason": "Fixed"}).json()["in_good_standing"] is True
    response = client.patch(f"{BASE}/{public_id}", json.dumps({"accreditation_grade": "B", "reason": "re-accredited"}),
                            content_type="application/json")
    assert response.json()["accreditation_grade"] == "B"
    assert AuditEvent.objects.filter(action="institution.updated", via="api").exists()


def test_bad_input_answers_every_field_and_writes_nothing(admin_user, api_client_for):
    client = api_client_for(admin_user)
    body = error(post(client, BASE, {**NEW, "kind": "spa", "regency": "9999", "valid_until": "2023-01-01",
                                     "name": ""}), 422, "kind")
    assert not Institution.objects.exists()
    body = error(post(client, BASE, {**NEW, "regency": "9999", "valid_until": "2023-01-01", "name": ""}), 422,
                 "regency", "valid_until", "name")
    assert body["code"] == "validation_error"
    error(client.get(BASE, {"status": "gone"}), 422, "status")
    assert post(client, BASE, NEW).status_code == 201
    assert error(post(client, BASE, NEW), 409, "registration_number")["code"] == "institution_number_taken"


def test_roles(api_client_for, analyst, p3mi_user, checkpoint_officer, make_institution):
    institution = make_institution()
    assert api_client_for(analyst).get(f"{BASE}/{institution.public_id}").status_code == 200
    assert api_client_for(p3mi_user).get(BASE).status_code == 200
    error(post(api_client_for(analyst), BASE, NEW), 403)
    error(api_client_for(checkpoint_officer).get(BASE), 403)
    error(api_client_for(analyst).get(f"{BASE}/not-an-id"), 404)


def test_person_records(admin_user, api_client_for, make_institution, make_person):
    client = api_client_for(admin_user)
    person = make_person()
    lsp = make_institution("certification_body")
    clinic = make_institution("medical_centre")
    blk = make_institution("training_centre")
    url = f"/api/v1/persons/{person.public_id}"
    response = post(client, f"{url}/certificates", {
        "institution": str(lsp.public_id), "kind": "competency", "number": "C-1", "occupation": "5322",
        "issued_on": days(-3).isoformat(), "level": "II"})
    assert response.status_code == 201, response.content
    assert response.json()["issuer_in_good_standing_on_issue"] is True
    assert post(client, f"{url}/medical-results", {"institution": str(clinic.public_id),
                                                   "examined_on": days(-2).isoformat(),
                                                   "result": "fit"}).status_code == 201
    assert post(client, f"{url}/trainings", {"institution": str(blk.public_id), "programme": "Bahasa Mandarin",
                                             "start_on": days(-50).isoformat()}).status_code == 201
    assert [c["number"] for c in client.get(f"{url}/certificates").json()] == ["C-1"]
    assert client.get(f"{url}/medical-results").json()[0]["valid_until"] is not None
    assert client.get(f"{url}/trainings").json()[0]["result"] == "enrolled"


def test_person_record_refused_when_the_issuer_was_suspended(admin_user, api_client_for, make_institution,
                                                             make_person):
    client = api_client_for(admin_user)
    person = make_person()
    lsp = make_institution("certification_body")
    post(client, f"{BASE}/{lsp.public_id}/suspend", {"suspended_from": days(-10).isoformat(),
                                                    "decree_number": "KEP/4", "reason": "Audit"})
    body = error(post(client, f"/api/v1/persons/{person.public_id}/certificates", {
        "institution": str(lsp.public_id), "kind": "competency", "number": "C-2", "occupation": "5322",
        "issued_on": days(-3).isoformat()}), 422, "institution")
    assert "not in good standing" in body["fields"]["institution"][0]
    assert not Certificate.objects.exists()


def test_person_records_out_of_scope_are_404(api_client_for, p3mi_user, other_agency, make_institution, make_person):
    theirs = make_person(agency=other_agency)
    client = api_client_for(p3mi_user)
    error(client.get(f"/api/v1/persons/{theirs.public_id}/certificates"), 404)
    error(post(client, f"/api/v1/persons/{theirs.public_id}/medical-results", {
        "institution": str(make_institution().public_id), "examined_on": days(-1).isoformat(),
        "result": "fit"}), 404)


def test_checklist_item_via_api_names_its_institution(admin_user, api_client_for, make_institution, make_placement):
    client = api_client_for(admin_user)
    placement = make_placement()
    clinic = make_institution("medical_centre")
    post(client, f"{BASE}/{clinic.public_id}/suspend", {"suspended_from": days(-10).isoformat(),
                                                       "decree_number": "KEP/4", "reason": "Audit"})
    body = error(post(client, f"/api/v1/placements/{placement.public_id}/checklist", {
        "kind": "medical_fitness", "issued_on": days(-3).isoformat(),
        "details": {"institution": str(clinic.public_id)}}), 422, "details.institution")
    assert body["code"] == "validation_error"
