"""The JSON API of cases and the public complaint desk, over the same services."""

import pytest
from django.test import Client

from lindungi.cases.tests.fixtures import COMPLAINT

pytestmark = pytest.mark.django_db


def post(client, url, data, **extra):
    return client.post(url, data=data, content_type="application/json", **extra)


def test_complaint_through_the_api_to_resolution(api_client_for, unit_officer, p3mi_user, agency):
    officer = api_client_for(unit_officer)
    response = post(officer, "/api/v1/cases", {**COMPLAINT, "channel": "hotline", "agency": str(agency.public_id)})
    assert response.status_code == 201, response.json()
    body = response.json()
    case_id, secret = body["case"]["id"], body["secret"]
    assert body["case"]["state"] == "registered" and body["case"]["unit"] == "TEST-JABAR"

    def act(client, to_state, **data):
        return post(client, f"/api/v1/cases/{case_id}/actions", {"to_state": to_state, **data})

    assert act(officer, "verifying").status_code == 200
    refused = act(officer, "clarification", question="Mohon penjelasan")
    assert refused.status_code == 422
    assert [u["code"] for u in refused.json()["unmet"]] == ["documents_incomplete"]
    patched = officer.patch(f"/api/v1/cases/{case_id}", data={"documents_complete": True},
                            content_type="application/json")
    assert patched.status_code == 200 and patched.json()["case"]["deadline_on"] is None
    detail = act(officer, "clarification", question="Mohon penjelasan").json()
    assert detail["rounds"][0]["due_on"] and detail["deadlines"][0]["code"] == "no_clarification"

    company = api_client_for(p3mi_user)
    assert [row["id"] for row in company.get("/api/v1/cases").json()["items"]] == [case_id]
    answer = post(company, f"/api/v1/cases/{case_id}/answer", {"answer": "Gaji akan dibayar"})
    assert answer.status_code == 200 and answer.json()["answered_on"]
    assert company.get(f"/api/v1/cases/{case_id}").json()["timeline"] == []

    assert act(officer, "mediation").status_code == 200
    stale = act(officer, "resolved", expected_version=1, mediation_outcome="x", berita_acara_number="BA/1")
    assert stale.status_code == 409 and stale.json()["code"] == "stale_version"
    done = act(officer, "resolved", mediation_outcome="Dibayar penuh", berita_acara_number="BA/7/2026",
               amount_settled="15000000")
    assert done.status_code == 200 and done.json()["case"]["state"] == "resolved"

    public = Client().get(f"/api/v1/public/complaints/{body['tracking_code']}", HTTP_X_COMPLAINT_SECRET=secret)
    assert public.status_code == 200 and public.json()["state"] == "resolved"


def test_skipped_step_is_409_and_bad_input_422(api_client_for, unit_officer, make_case):
    client = api_client_for(unit_officer)
    case = make_case()
    response = post(client, f"/api/v1/cases/{case.public_id}/actions", {"to_state": "resolved"})
    assert response.status_code == 409 and response.json()["code"] == "transition_not_allowed"
    response = post(client, f"/api/v1/cases/{case.public_id}/actions", {"to_state": "closed_admin"})
    assert response.status_code == 422 and set(response.json()["fields"]) == {"reason", "closure_code"}
    response = post(client, "/api/v1/cases", {"channel": "walk_in", "complainant_name": "", "summary": "",
                                              "categories": []})
    assert response.status_code == 422 and "categories" in response.json()["fields"]


def test_scoping_through_the_api(api_client_for, make_case, checkpoint_officer, p3mi_user):
    case = make_case()
    assert api_client_for(p3mi_user).get(f"/api/v1/cases/{case.public_id}").status_code == 404
    assert api_client_for(checkpoint_officer).get("/api/v1/cases").status_code == 403


def test_dispatch_through_the_api(api_client_for, unit_officer, make_case):
    case = make_case()
    response = post(api_client_for(unit_officer), f"/api/v1/cases/{case.public_id}/dispatches", {
        "team": "TRC 2", "place": "Pelabuhan Tanjung Pinang", "dispatched_at": "2026-01-05T22:00:00+07:00",
        "partner_agencies": "Polri, TNI AL"})
    assert response.status_code == 201, response.json()


def test_public_desk_submit_status_wrong_secret_and_limits():
    client = Client()
    response = post(client, "/api/v1/public/complaints", {**COMPLAINT})
    assert response.status_code == 201, response.json()
    body = response.json()
    assert body["status"]["state"] == "registered" and "Ani" not in str(body["status"])
    code, secret = body["tracking_code"], body["secret"]
    ok = post(client, f"/api/v1/public/complaints/{code}/status", {"secret": secret})
    assert ok.status_code == 200 and ok.json()["tracking_code"] == code
    wrong = client.get(f"/api/v1/public/complaints/{code}", HTTP_X_COMPLAINT_SECRET="AAAA-BBBB")
    unknown = client.get("/api/v1/public/complaints/ADU-XXXX-XXXX", HTTP_X_COMPLAINT_SECRET="AAAA-BBBB")
    assert wrong.status_code == unknown.status_code == 404 and wrong.json() == unknown.json()
    for _ in range(8):
        client.get(f"/api/v1/public/complaints/{code}", HTTP_X_COMPLAINT_SECRET="nope")
    limited = client.get(f"/api/v1/public/complaints/{code}", HTTP_X_COMPLAINT_SECRET=secret)
    assert limited.status_code == 429 and limited.json()["code"] == "rate_limited"


def test_public_honeypot_and_categories():
    client = Client()
    assert post(client, "/api/v1/public/complaints", {**COMPLAINT, "website": "x"}).status_code == 429
    categories = client.get("/api/v1/public/complaint-categories").json()
    assert {"gaji_tidak_dibayar", "perdagangan_orang"} <= {c["code"] for c in categories}


def test_dispatch_for_an_interception_without_a_case(api_client_for, unit_officer, make_placement,
                                                     checkpoint_officer):
    from lindungi.placements import services as placement_services

    placement = make_placement()
    client = api_client_for(unit_officer)
    body = {"placement": str(placement.public_id), "team": "TRC Soetta", "place": "Terminal 3",
            "dispatched_at": "2026-01-05T22:00:00+07:00", "partner_agencies": "Imigrasi, Polresta Bandara"}
    refused = post(client, "/api/v1/cases/dispatches", body)
    assert refused.status_code == 422 and "placement" in refused.json()["fields"]
    placement_services.placement_transition(actor=checkpoint_officer, public_id=placement.public_id,
                                            to_state="intercepted_nonprocedural", reason="Tujuan tidak sesuai",
                                            identifier={"nik": placement.person.nik})
    response = post(client, "/api/v1/cases/dispatches", body)
    assert response.status_code == 201, response.json()
