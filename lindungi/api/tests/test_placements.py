"""The JSON API over the same services: placements, transitions (200/409/422 with every unmet
condition), checklist, job orders, SIP2MI and the public list."""

import datetime as dt

import pytest

from lindungi.placements.checklist import ChecklistKind
from lindungi.placements.states import PlacementState as S
from lindungi.placements.tests.fixtures import TODAY, advance, complete_items, years_ago

pytestmark = pytest.mark.django_db


def post(client, url, data):
    return client.post(url, data=data, content_type="application/json")


def test_create_list_and_detail(api_client_for, admin_user, make_person, make_job_order):
    client = api_client_for(admin_user)
    jo, permit = make_job_order()
    person = make_person(birth_date=years_ago(17))
    response = post(client, "/api/v1/placements", {
        "person": str(person.public_id), "scheme": "p_to_p", "job_order": str(jo.public_id),
        "sip2mi": str(permit.public_id), "contract_start": str(TODAY + dt.timedelta(days=30)),
        "contract_end": str(TODAY + dt.timedelta(days=760))})
    assert response.status_code == 201, response.json()
    body = response.json()
    assert body["placement"]["state"] == "registered" and body["placement"]["country"] == "TW"
    assert body["placement"]["sip2mi"] == permit.number
    assert [w["code"] for w in body["warnings"]] == ["age_below_minimum"]
    assert body["warnings"][0]["message_id"] and body["warnings"][0]["message_en"]
    pid = body["placement"]["id"]

    listing = client.get("/api/v1/placements", {"country": "TW", "state": "registered"}).json()
    assert listing["total"] == 1 and listing["items"][0]["id"] == pid
    assert client.get("/api/v1/placements", {"country": "HK"}).json()["total"] == 0

    detail = client.get(f"/api/v1/placements/{pid}").json()
    assert detail["placement"]["version"] == 1
    kinds = {row["kind"]: row for row in detail["checklist"]}
    assert kinds["medical_fitness"]["status"] == "missing" and kinds["medical_fitness"]["required"]
    steps = {s["to_state"]: s for s in detail["next_steps"]}
    assert steps["verified"]["unmet"][0]["code"] == "age_below_minimum"
    assert steps["withdrawn"]["needs_reason"] and steps["withdrawn"]["ready"]


def test_transition_200_422_409(api_client_for, admin_user, make_placement):
    client = api_client_for(admin_user)
    placement = make_placement()
    url = f"/api/v1/placements/{placement.public_id}/transitions"

    ok = post(client, url, {"to_state": "verified", "expected_version": 1})
    assert ok.status_code == 200, ok.json()
    assert ok.json()["placement"]["state"] == "verified" and ok.json()["placement"]["version"] == 2
    assert [t["to_state"] for t in ok.json()["timeline"]] == ["verified"]

    stale = post(client, url, {"to_state": "selected", "expected_version": 1})
    assert stale.status_code == 409 and stale.json()["code"] == "stale_version"

    not_allowed = post(client, url, {"to_state": "departed"})
    assert not_allowed.status_code == 409 and not_allowed.json()["code"] == "transition_not_allowed"

    post(client, url, {"to_state": "selected"})
    refused = post(client, url, {"to_state": "agreement_signed"})
    assert refused.status_code == 422
    body = refused.json()
    assert body["code"] == "transition_refused"
    assert [u["code"] for u in body["unmet"]] == ["placement_agreement_missing"]
    assert body["unmet"][0]["message_id"] and body["unmet"][0]["message_en"]
    assert body["fields"]["conditions"][0].startswith("placement_agreement_missing: ")
    assert body["fields"]["to_state"] == [body["unmet"][0]["message"]]

    no_reason = post(client, url, {"to_state": "withdrawn"})
    assert no_reason.status_code == 422 and "reason" in no_reason.json()["fields"]


def test_transition_refused_lists_every_condition(api_client_for, admin_user, make_placement):
    client = api_client_for(admin_user)
    placement = advance(make_placement(), S.AGREEMENT_SIGNED, officer=admin_user)
    response = post(client, f"/api/v1/placements/{placement.public_id}/transitions", {"to_state": "documents_verified"})
    assert response.status_code == 422
    assert [u["code"] for u in response.json()["unmet"]] == [
        "medical_fitness_missing", "passport_missing", "competency_certificate_missing", "bpjs_membership_missing",
        "work_visa_missing", "employment_contract_missing"]


def test_messages_follow_the_language(api_client_for, admin_user, make_placement):
    client = api_client_for(admin_user)
    placement = advance(make_placement(), S.SELECTED, officer=admin_user)
    url = f"/api/v1/placements/{placement.public_id}/transitions"
    en = client.post(url, data={"to_state": "agreement_signed"}, content_type="application/json",
                     HTTP_ACCEPT_LANGUAGE="en")
    assert en.json()["unmet"][0]["message"] == en.json()["unmet"][0]["message_en"]


def test_permission_and_scope_over_api(api_client_for, p3mi_user, unit_officer, make_placement, make_person,
                                       other_regency, agency, admin_user):
    placement = make_placement(person=make_person(agency=agency))
    p3mi = api_client_for(p3mi_user)
    refused = post(p3mi, f"/api/v1/placements/{placement.public_id}/transitions", {"to_state": "verified"})
    assert refused.status_code == 403
    outside = make_placement(person=make_person(regency_obj=other_regency))
    officer = api_client_for(unit_officer)
    assert officer.get(f"/api/v1/placements/{outside.public_id}").status_code == 404
    assert post(officer, f"/api/v1/placements/{placement.public_id}/transitions",
                {"to_state": "verified"}).status_code == 200


def test_checklist_record_and_void(api_client_for, admin_user, make_placement):
    client = api_client_for(admin_user)
    placement = make_placement()
    url = f"/api/v1/placements/{placement.public_id}/checklist"
    created = post(client, url, {"kind": "medical_fitness", "reference_number": "MCU-1",
                                 "issued_on": "2025-01-10", "details": {"sarkes": "RS Bogor"}})
    assert created.status_code == 201, created.json()
    assert created.json()["valid_until"] == "2025-04-09"
    bad = post(client, url, {"kind": "placement_agreement", "issued_on": str(TODAY)})
    assert bad.status_code == 422 and "details.witnessed_by" in bad.json()["fields"]
    passport = post(client, url, {"kind": "passport"})
    assert passport.status_code == 201 and passport.json()["reference_number"].startswith("C")
    voided = post(client, f"{url}/{created.json()['id']}/void", {"reason": "Hamil"})
    assert voided.status_code == 200 and voided.json()["voided_on"] == str(TODAY)


def test_patch_placement(api_client_for, admin_user, make_placement):
    client = api_client_for(admin_user)
    placement = make_placement()
    response = client.patch(f"/api/v1/placements/{placement.public_id}",
                            data={"contract_end": str(TODAY + dt.timedelta(days=900)), "expected_version": 1},
                            content_type="application/json")
    assert response.status_code == 200, response.json()
    assert response.json()["version"] == 2


def test_checkpoint_flow_over_api(api_client_for, make_user, admin_user, make_placement):
    from lindungi.accounts.roles import Role

    checkpoint = make_user(Role.CHECKPOINT, username="cp-api")
    placement = advance(make_placement(), S.READY_TO_DEPART, officer=admin_user)
    client = api_client_for(checkpoint)
    assert client.get("/api/v1/placements").status_code == 403
    found = post(client, "/api/v1/placements/search", {"nik": placement.person.nik}).json()
    assert found["total"] == 1
    url = f"/api/v1/placements/{found['items'][0]['id']}"
    # By id alone the placement does not exist for a checkpoint officer: no browsing by id.
    assert client.get(url).status_code == 404
    assert post(client, f"{url}/transitions", {"to_state": "departed"}).status_code == 404
    response = post(client, f"{url}/transitions", {"to_state": "departed", "nik": placement.person.nik})
    assert response.status_code == 200 and response.json()["placement"]["state"] == "departed"


def test_schemes_public(client):
    response = client.get("/api/v1/placements/schemes")
    assert response.status_code == 200
    korea = next(s for s in response.json() if s["code"] == "g_to_g_korea")
    assert korea["max_age"] == 39 and korea["min_education"] == "smp"


def test_unauthenticated_refused(client, make_placement):
    assert client.get("/api/v1/placements").status_code == 401


# --- job orders ----------------------------------------------------------------------------------


def test_job_order_lifecycle_over_api(api_client_for, admin_user, p3mi_user, make_employer):
    employer = make_employer("TW")
    p3mi = api_client_for(p3mi_user)
    created = post(p3mi, "/api/v1/job-orders", {
        "employer": str(employer.public_id), "country": "TW", "position_title": "Operator pabrik",
        "occupation": "8160", "headcount_male": 3, "headcount_female": 2, "salary_amount": "27470",
        "salary_currency": "TWD", "contract_months": 36})
    assert created.status_code == 201, created.json()
    jid = created.json()["id"]
    assert created.json()["status"] == "draft" and created.json()["permits"] == []
    assert post(p3mi, f"/api/v1/job-orders/{jid}/verify", {"verified_on": str(TODAY),
                                                           "verification_reference": "X"}).status_code == 403
    admin = api_client_for(admin_user)
    early = post(admin, f"/api/v1/job-orders/{jid}/permits", {
        "number": "SIP2MI/API/1", "quota": 5, "valid_from": str(TODAY),
        "valid_until": str(TODAY + dt.timedelta(days=90))})
    assert early.status_code == 422
    verified = post(admin, f"/api/v1/job-orders/{jid}/verify", {"verified_on": str(TODAY),
                                                                "verification_reference": "KDEI/TPE/77"})
    assert verified.status_code == 200 and verified.json()["status"] == "verified"
    permit = post(admin, f"/api/v1/job-orders/{jid}/permits", {
        "number": "SIP2MI/API/1", "quota": 5, "valid_from": str(TODAY),
        "valid_until": str(TODAY + dt.timedelta(days=90))})
    assert permit.status_code == 201 and permit.json()["remaining"] == 5
    too_many = post(admin, f"/api/v1/job-orders/{jid}/permits", {
        "number": "SIP2MI/API/2", "quota": 1, "valid_from": str(TODAY),
        "valid_until": str(TODAY + dt.timedelta(days=90))})
    assert too_many.status_code == 422
    detail = p3mi.get(f"/api/v1/job-orders/{jid}").json()
    assert detail["permits"][0]["number"] == "SIP2MI/API/1"
    assert p3mi.get("/api/v1/job-orders").json()["total"] == 1

    public = api_client_for(admin_user).get("/api/v1/public/job-orders").json()
    assert public["total"] == 1 and public["items"][0]["openings"] == 5

    revoked = post(admin, f"/api/v1/job-orders/permits/{permit.json()['id']}/revoke", {"reason": "Sanksi"})
    assert revoked.status_code == 200 and revoked.json()["status"] == "revoked"


def test_public_job_orders_need_no_login(client, make_job_order):
    make_job_order(quota=3)
    make_job_order(verify=False)
    response = client.get("/api/v1/public/job-orders", {"country": "TW"})
    assert response.status_code == 200
    body = response.json()
    assert body["total"] == 1
    assert set(body["items"][0]) >= {"position_title", "country", "occupation", "openings", "salary_amount",
                                     "agency_name", "employer_name"}
    assert client.get("/api/v1/public/job-orders", {"country": "HK"}).json()["total"] == 0


def test_public_router_is_mountable():
    from ninja import NinjaAPI

    from lindungi.api.routers.job_orders import public_router

    api = NinjaAPI(urls_namespace="test_public_mount")
    api.add_router("/public/job-orders", public_router)
    assert any("public/job-orders" in str(p.pattern) for p in api.urls[0])


def test_moratorium_job_order_refused_over_api(api_client_for, admin_user, agency, make_employer):
    employer = make_employer("SA", "individual")
    response = post(api_client_for(admin_user), "/api/v1/job-orders", {
        "agency": str(agency.public_id), "employer": str(employer.public_id), "country": "SA",
        "position_title": "Penata laksana rumah tangga", "occupation": "9111", "headcount_female": 10,
        "salary_amount": "1500", "salary_currency": "SAR", "contract_months": 24})
    assert response.status_code == 422
    assert "260" in response.json()["fields"]["country"][0]


def test_checklist_kinds_documented_in_schema():
    from lindungi.api.routers.placements import ChecklistItemIn

    assert ChecklistItemIn.model_json_schema()["properties"]["kind"]["enum"] == ChecklistKind.values


def test_complete_journey_over_api(api_client_for, admin_user, make_placement):
    client = api_client_for(admin_user)
    placement = make_placement()
    complete_items(admin_user, placement, S.READY_TO_DEPART)
    url = f"/api/v1/placements/{placement.public_id}/transitions"
    for to in ["verified", "selected", "agreement_signed", "documents_verified", "orientation_done",
               "ready_to_depart", "departed", "working_abroad", "returned", "returnee"]:
        response = post(client, url, {"to_state": to})
        assert response.status_code == 200, (to, response.json())
    assert response.json()["next_steps"] == []
