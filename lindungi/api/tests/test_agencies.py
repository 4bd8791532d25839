import datetime as dt
import json

import pytest
from django.test import Client

from lindungi.agencies.models import Agency
from lindungi.audit.models import AuditEvent

pytestmark = pytest.mark.django_db

BASE = "/api/v1/agencies"


def post(client, url, data):
    return client.post(url, json.dumps(data, default=str), content_type="application/json")


def patch(client, url, data):
    return client.patch(url, json.dumps(data, default=str), content_type="application/json")


def assert_error(response, status, *fields):
    assert response.status_code == status, response.content
    body = response.json()
    assert set(body) == {"code", "message", "fields"}
    for field in fields:
        assert field in body["fields"], body
    return body


# --- access ----------------------------------------------------------------------------------

def test_anonymous_gets_401_on_staff_api_but_200_on_public(agency):
    anonymous = Client()
    assert_error(anonymous.get(BASE), 401)
    assert_error(anonymous.get(f"{BASE}/{agency.public_id}"), 401)
    response = anonymous.get("/api/v1/public/agencies", {"q": agency.sip3mi_number})
    assert response.status_code == 200
    assert response.json()["items"][0]["sip3mi_number"] == agency.sip3mi_number


def test_p3mi_staff_list_only_own_company_and_404_for_another(api_client_for, p3mi_user, agency, other_agency):
    client = api_client_for(p3mi_user)
    body = client.get(BASE).json()
    assert body["total"] == 1 and [i["public_id"] for i in body["items"]] == [str(agency.public_id)]
    own = client.get(f"{BASE}/{agency.public_id}").json()
    assert own["financials_visible"] is True and own["deposit_amount"] == "1500000000.00"
    assert_error(client.get(f"{BASE}/{other_agency.public_id}"), 404)
    assert_error(client.get(f"{BASE}/{other_agency.public_id}/branches"), 404)


def test_checkpoint_sees_licence_but_not_money(api_client_for, checkpoint_officer, agency):
    body = api_client_for(checkpoint_officer).get(f"{BASE}/{agency.public_id}").json()
    assert body["sip3mi_number"] == agency.sip3mi_number
    assert body["financials_visible"] is False
    assert body["paid_up_capital"] is None and body["deposit_amount"] is None and body["email"] is None


def test_read_only_roles_cannot_write(api_client_for, analyst, agency, agency_values):
    client = api_client_for(analyst)
    assert_error(post(client, BASE, agency_values), 403)
    assert_error(patch(client, f"{BASE}/{agency.public_id}", {"phone": "1"}), 403)
    assert_error(post(client, f"{BASE}/{agency.public_id}/revoke", {"decree_number": "K", "reason": "x"}), 403)


# --- list ------------------------------------------------------------------------------------

def test_list_filters_and_pagination(api_client_for, analyst, agency, other_agency):
    client = api_client_for(analyst)
    body = client.get(BASE, {"province": "35"}).json()
    assert [i["public_id"] for i in body["items"]] == [str(other_agency.public_id)]
    assert body["items"][0]["head_office_regency"]["code"] == "3501"
    body = client.get(BASE, {"page": 2, "page_size": 1}).json()
    assert (body["total"], body["page"], body["page_size"], len(body["items"])) == (2, 2, 1, 1)
    assert client.get(BASE, {"q": agency.sip3mi_number}).json()["total"] == 1


@pytest.mark.parametrize(("params", "field"), [
    ({"page": 0}, "page"), ({"page": "abc"}, "page"), ({"page_size": 0}, "page_size"),
    ({"status": "bankrupt"}, "status"), ({"province": "99"}, "province"),
])
def test_list_bad_input_is_422_json(api_client_for, analyst, params, field):
    assert_error(api_client_for(analyst).get(BASE, params), 422, field)


# --- create / update -------------------------------------------------------------------------

def test_create_201_then_detail(api_client_for, admin_user, agency_values):
    client = api_client_for(admin_user)
    response = post(client, BASE, agency_values | {"reason": "Permohonan"})
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["sip3mi_number"] == agency_values["sip3mi_number"]
    assert body["in_good_standing"] is True and body["standing_code"] == "active"
    assert [h["status"] for h in body["status_history"]] == ["active"]
    assert AuditEvent.objects.filter(action="agency.create", via="api").exists()
    assert client.get(f"{BASE}/{body['public_id']}").status_code == 200


def test_create_validation_errors_name_fields(api_client_for, admin_user, agency, agency_values):
    client = api_client_for(admin_user)
    body = assert_error(post(client, BASE, agency_values | {"sip3mi_number": agency.sip3mi_number}), 409,
                        "sip3mi_number")
    assert body["code"] == "sip3mi_taken"
    assert_error(post(client, BASE, agency_values | {"paid_up_capital": 100}), 422, "paid_up_capital")
    assert_error(post(client, BASE, agency_values | {"deposit_amount": 100}), 422, "deposit_amount")
    assert_error(post(client, BASE, agency_values | {"head_office_regency_code": "9999"}), 422,
                 "head_office_regency_code")
    assert_error(post(client, BASE, agency_values | {"licence_issued_on": "15-01-2025"}), 422, "licence_issued_on")
    missing = dict(agency_values)
    del missing["legal_name"]
    assert_error(post(client, BASE, missing), 422, "legal_name")
    assert_error(client.post(BASE, "{not json", content_type="application/json"), 400)
    assert not Agency.objects.filter(sip3mi_number=agency_values["sip3mi_number"]).exists()


def test_patch_changes_only_sent_fields(api_client_for, admin_user, agency):
    client = api_client_for(admin_user)
    response = patch(client, f"{BASE}/{agency.public_id}", {"phone": "021-123", "reason": "Koreksi"})
    assert response.status_code == 200, response.content
    agency.refresh_from_db()
    assert agency.phone == "021-123" and agency.legal_name.startswith("PT Karya")
    event = AuditEvent.objects.get(action="agency.update")
    assert event.changes == {"phone": ["", "021-123"]} and event.reason == "Koreksi"
    assert_error(patch(client, f"{BASE}/{agency.public_id}", {"paid_up_capital": 1}), 422, "paid_up_capital")
    assert_error(patch(client, "/api/v1/agencies/not-a-uuid", {"phone": "1"}), 404)


# --- status ----------------------------------------------------------------------------------

def test_suspend_lift_revoke(api_client_for, admin_user, agency, today):
    client = api_client_for(admin_user)
    url = f"{BASE}/{agency.public_id}"
    body = assert_error(post(client, f"{url}/suspend", {
        "suspended_from": today, "suspended_until": today - dt.timedelta(days=1), "decree_number": "K/1",
        "reason": "x"}), 422, "suspended_until")
    assert body["code"] == "validation_error"
    assert_error(post(client, f"{url}/suspend", {"suspended_from": today, "decree_number": "K/1"}), 422, "reason")
    response = post(client, f"{url}/suspend", {
        "suspended_from": today, "suspended_until": today + dt.timedelta(days=10), "decree_number": "K/1",
        "reason": "Pelanggaran"})
    assert response.status_code == 200, response.content
    assert response.json()["status"] == "suspended" and response.json()["in_good_standing"] is False
    refused = post(client, f"{url}/lift-suspension", {"reason": "Dipenuhi"})
    assert refused.status_code == 422 and "decree_number" in refused.json()["fields"]
    response = post(client, f"{url}/lift-suspension", {"reason": "Dipenuhi", "decree_number": "K/1a"})
    assert response.json()["status"] == "active"
    response = post(client, f"{url}/revoke", {"decree_number": "K/2", "reason": "Nonprosedural"})
    body = response.json()
    assert body["status"] == "revoked"
    assert [h["status"] for h in body["status_history"]] == ["revoked", "active", "suspended"]
    assert_error(post(client, f"{url}/lift-suspension", {"reason": "x"}), 409)
    assert_error(post(client, f"{url}/suspend", {"suspended_from": today, "decree_number": "K", "reason": "x"}), 409)


# --- branches --------------------------------------------------------------------------------

def test_branches(api_client_for, admin_user, p3mi_user, agency):
    client = api_client_for(admin_user)
    url = f"{BASE}/{agency.public_id}/branches"
    response = post(client, url, {"regency_code": "3501", "address": "Jl. Ahmad Yani"})
    assert response.status_code == 201, response.content
    branch = response.json()
    assert branch["regency"]["code"] == "3501" and branch["is_open"]
    assert_error(post(client, url, {"regency_code": "3501"}), 409, "regency_code")
    assert_error(post(client, url, {"regency_code": "12345"}), 422, "regency_code")
    assert [b["id"] for b in api_client_for(p3mi_user).get(url).json()] == [branch["id"]]
    response = post(client, f"{url}/{branch['id']}/close", {"reason": "Tutup"})
    assert response.status_code == 200 and response.json()["is_open"] is False


# --- foreign parties -------------------------------------------------------------------------

def test_foreign_parties(api_client_for, admin_user, p3mi_user):
    client = api_client_for(admin_user)
    response = post(client, f"{BASE}/foreign-parties", {
        "role": "employer", "legal_type": "individual", "name": "Chan Tai Man", "country_iso2": "HK",
        "address": "Kowloon"})
    assert response.status_code == 201, response.content
    party = response.json()
    assert party["country_iso2"] == "HK" and party["legal_type"] == "individual"
    assert_error(post(client, f"{BASE}/foreign-parties", {
        "role": "employer", "legal_type": "individual", "name": "X", "country_iso2": "ZZ"}), 422, "country_iso2")
    assert_error(post(client, f"{BASE}/foreign-parties", {
        "role": "boss", "legal_type": "individual", "name": "X", "country_iso2": "HK"}), 422, "role")
    url = f"{BASE}/foreign-parties/{party['public_id']}"
    response = patch(client, url, {"legal_type": "legal_entity", "name": "Chan Trading Ltd"})
    assert response.json()["name"] == "Chan Trading Ltd"
    listed = api_client_for(p3mi_user).get(f"{BASE}/foreign-parties", {"country": "HK"}).json()
    assert listed["total"] == 1 and listed["items"][0]["public_id"] == party["public_id"]
    assert api_client_for(p3mi_user).get(url).status_code == 200
    assert_error(patch(api_client_for(p3mi_user), url, {"name": "Y"}), 403)
    assert_error(client.get(f"{BASE}/foreign-parties/00000000-0000-0000-0000-000000000000"), 404)


# --- public ----------------------------------------------------------------------------------

def test_public_register(admin_user, agency, other_agency):
    from lindungi.agencies import services

    services.agency_revoke(actor=admin_user, public_id=other_agency.public_id, decree_number="K", reason="x")
    client = Client()
    body = client.get("/api/v1/public/agencies", {"q": "Karya Mandiri"}).json()
    assert body["total"] == 2
    by_number = {i["sip3mi_number"]: i for i in body["items"]}
    good, revoked = by_number[agency.sip3mi_number], by_number[other_agency.sip3mi_number]
    assert good["standing_en"] == "Licensed and in good standing" and good["in_good_standing"] is True
    assert good["standing_id"] == "Berizin dan dalam keadaan baik"
    assert revoked["standing_en"] == "Licence revoked" and revoked["standing_id"] == "Izin dicabut"
    for item in body["items"]:
        assert not {"paid_up_capital", "deposit_amount", "deposit_bank", "deposit_holder", "email", "phone",
                    "public_id", "head_office_address"} & set(item)
    raw = client.get("/api/v1/public/agencies", {"q": "Karya Mandiri"}).content.decode()
    assert "Bank Negara" not in raw and "1500000000" not in raw


@pytest.mark.parametrize(("params", "field"), [
    ({}, "q"), ({"q": "ab"}, "q"), ({"q": "abc", "page": 0}, "page"), ({"q": "abc", "page": "x"}, "page"),
    ({"q": "abc", "page_size": 500}, "page_size"), ({"q": "a" * 300}, "q"),
])
def test_public_register_bad_input_is_422(params, field):
    response = Client().get("/api/v1/public/agencies", params)
    assert_error(response, 422, field)
