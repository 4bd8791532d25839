"""The sanctions API and the deposit drawdown endpoints."""

import json

import pytest
from django.utils import timezone

from lindungi.agencies.models import AgencyStatusChange, Sanction
from lindungi.audit.models import AuditEvent

pytestmark = pytest.mark.django_db
TODAY = timezone.localdate()


def post(client, url, data):
    return client.post(url, json.dumps(data, default=str), content_type="application/json")


def _open(client, agency, ground="p9_no_opp"):
    return post(client, "/api/v1/sanctions", {"agency": str(agency.public_id), "ground_code": ground,
                                               "source_kind": "cost_flag", "source_reference": "COST/2026/4",
                                               "summary": "Overcharging Rp28 juta"})


def test_open_get_list_and_steps(api_client_for, admin_user, agency):
    client = api_client_for(admin_user)
    response = _open(client, agency)
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["state"] == "finding" and body["ground"]["legal_basis"].startswith("Permen P2MI 4/2025")
    assert "suspend" in body["next_steps"]
    url = f"/api/v1/sanctions/{body['public_id']}/steps"
    step = {"step": "suspend", "expected_version": 1, "letter_number": "KEP.7/2026", "letter_date": TODAY,
            "reason": "OPP", "suspended_from": TODAY, "countries": ["TW"], "schemes": ["p_to_p"]}
    moved = post(client, url, step)
    assert moved.status_code == 200, moved.content
    assert moved.json()["suspension_countries"] == ["TW"] and moved.json()["version"] == 2
    assert [s["step"] for s in moved.json()["steps"]] == ["open", "suspend"]
    assert moved.json()["steps"][-1]["letter_number"] == "KEP.7/2026"
    agency_body = client.get(f"/api/v1/agencies/{agency.public_id}").json()
    assert agency_body["suspension_countries"] == ["TW"] and agency_body["suspension_schemes"] == ["p_to_p"]
    # The same version again: someone else moved it first.
    stale = post(client, url, step | {"step": "lift_suspension"})
    assert stale.status_code == 409 and stale.json()["code"] == "stale_version"
    wrong = post(client, url, step | {"step": "issue_warning", "expected_version": 2})
    assert wrong.status_code == 409 and wrong.json()["code"] == "transition_not_allowed"
    listed = client.get("/api/v1/sanctions", {"state": "suspended", "agency": str(agency.public_id)}).json()
    assert listed["total"] == 1
    assert client.get("/api/v1/sanctions/grounds").json()[0]["code"]


def test_letter_required_and_bad_input(api_client_for, admin_user, agency):
    client = api_client_for(admin_user)
    sanction = _open(client, agency).json()
    response = post(client, f"/api/v1/sanctions/{sanction['public_id']}/steps", {
        "step": "issue_warning", "expected_version": 1, "letter_number": "", "letter_date": TODAY, "reason": ""})
    assert response.status_code == 422
    assert {"letter_number", "reason"} <= set(response.json()["fields"])
    bad = post(client, "/api/v1/sanctions", {"agency": str(agency.public_id), "ground_code": "nope",
                                             "source_kind": "case", "source_reference": "", "summary": ""})
    assert bad.status_code == 422 and {"ground_code", "summary", "source_reference"} <= set(bad.json()["fields"])
    assert Sanction.objects.count() == 1


def test_refused_step_lists_unmet_conditions(api_client_for, admin_user, agency):
    from lindungi.agencies.models import SanctionGround

    SanctionGround.objects.filter(code="p9_no_opp").update(allowed_steps=["warning"])
    client = api_client_for(admin_user)
    sanction = _open(client, agency).json()
    response = post(client, f"/api/v1/sanctions/{sanction['public_id']}/steps", {
        "step": "revoke", "expected_version": 1, "letter_number": "K/1", "letter_date": TODAY, "reason": "x"})
    assert response.status_code == 422
    body = response.json()
    assert body["code"] == "sanction_step_refused" and body["unmet"][0]["code"] == "ground_does_not_allow_revoke"
    assert not AgencyStatusChange.objects.filter(agency=agency, status="revoked").exists()


def test_scoping(api_client_for, admin_user, p3mi_user, agency, other_agency):
    admin = api_client_for(admin_user)
    own = _open(admin, agency).json()
    theirs = _open(admin, other_agency).json()
    client = api_client_for(p3mi_user)
    assert [s["public_id"] for s in client.get("/api/v1/sanctions").json()["items"]] == [own["public_id"]]
    assert client.get(f"/api/v1/sanctions/{theirs['public_id']}").status_code == 404
    assert _open(client, agency).status_code == 403


def test_drawdowns(api_client_for, admin_user, agency, other_agency, p3mi_user):
    client = api_client_for(admin_user)
    base = f"/api/v1/agencies/{agency.public_id}/drawdowns"
    created = post(client, base, {"proposed_by": "perwakilan", "case_references": ["PGD/2026/7"],
                                  "amount_requested": "50000000", "reason": "Gaji PMI tidak dibayar"})
    assert created.status_code == 201, created.content
    d = created.json()
    assert post(client, f"{base}/{d['public_id']}/payout", {"payouts": [
        {"person_reference": "A", "amount": "1"}]}).json()["code"] == "drawdown_not_approved"
    decided = post(client, f"{base}/{d['public_id']}/decision", {"approve": True, "letter_number": "KEP/2",
                                                                   "reason": "ok"})
    assert decided.json()["state"] == "approved"
    paid = post(client, f"{base}/{d['public_id']}/payout", {"payouts": [
        {"person_reference": "PMI A", "amount": "30000000"}, {"person_reference": "PMI B", "amount": "20000000"}]})
    assert paid.status_code == 200, paid.content
    body = paid.json()
    assert body["state"] == "paid" and len(body["payouts"]) == 2 and body["top_up_due"]
    assert client.get(base).json()[0]["public_id"] == d["public_id"]
    assert api_client_for(p3mi_user).get(f"/api/v1/agencies/{other_agency.public_id}/drawdowns").status_code == 404
    bad = post(client, base, {"proposed_by": "dg", "case_references": [], "amount_requested": "0", "reason": ""})
    assert bad.status_code == 422 and {"case_references", "amount_requested", "reason"} <= set(bad.json()["fields"])
    assert AuditEvent.objects.filter(action="drawdown.pay").count() == 1
