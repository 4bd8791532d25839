"""The supervision API: cost rules, a worker's ledger, confirmation, flags and escalation."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from lindungi.audit.models import AuditEvent
from lindungi.supervision.models import CostEntry, CostRule, OverchargeFlag

pytestmark = pytest.mark.django_db

ENTRY = {"component": "placement_fee", "amount": "12000000", "currency": "IDR", "paid_to_kind": "p3mi",
         "paid_to_name": "PT Contoh", "paid_on": "2025-02-10", "financing": "kur", "source": "verification"}


def post(client, url, data):
    return client.post(url, data=data, content_type="application/json")


def test_ledger_flag_and_escalation_through_the_api(api_client_for, unit_officer, hk_placement, rates):
    client = api_client_for(unit_officer)
    person = hk_placement.person.public_id
    created = post(client, f"/api/v1/persons/{person}/costs", ENTRY)
    assert created.status_code == 201, created.json()
    body = created.json()
    assert (body["check_result"], body["flag"]["amount_over"], body["placement"]) == (
        "over", "12000000.00", str(hk_placement.public_id))
    ledger = client.get(f"/api/v1/persons/{person}/costs").json()
    assert (ledger["paid_idr"], ledger["over_idr"], ledger["flags"]) == ("12000000.00", "12000000.00", 1)

    confirmed = post(client, f"/api/v1/costs/{body['id']}/confirmation", {"state": "confirmed"})
    assert confirmed.status_code == 200 and confirmed.json()["confirmation"] == "confirmed"

    flags = client.get("/api/v1/overcharge-flags", {"status": "open"}).json()
    assert flags["total"] == 1 and flags["items"][0]["rule_legal_basis"] == "Kepka BP2MI 260/2022"
    flag_id = flags["items"][0]["id"]
    escalated = post(client, f"/api/v1/overcharge-flags/{flag_id}/escalate", {"summary": "Dilaporkan saat OPP"})
    assert escalated.status_code == 200, escalated.json()
    assert escalated.json()["status"] == "escalated" and escalated.json()["case_number"].startswith("PGD-")
    assert escalated.json()["sanction_state"] in ("pending", "opened")
    again = post(client, f"/api/v1/overcharge-flags/{flag_id}/escalate", {})
    assert again.status_code == 409


@pytest.mark.parametrize(("change", "field"), [
    ({"amount": "-1"}, "amount"),
    ({"currency": "XYZ"}, "currency"),
    ({"paid_on": "2999-01-01"}, "paid_on"),
    ({"component": "nope"}, "component"),
])
def test_bad_cost_is_422_with_the_field_and_nothing_written(api_client_for, admin_user, hk_placement, change, field):
    response = post(api_client_for(admin_user), f"/api/v1/persons/{hk_placement.person.public_id}/costs",
                    {**ENTRY, **change})
    assert response.status_code == 422, response.json()
    assert field in response.json()["fields"]
    assert not CostEntry.objects.exists()
    assert not AuditEvent.objects.filter(action__startswith="cost_entry").exists()


def test_receipt_upload_and_its_limits(api_client_for, admin_user, hk_placement, tmp_path, settings):
    settings.MEDIA_ROOT = tmp_path
    settings.COST_RECEIPT_MAX_MB = 1
    client = api_client_for(admin_user)
    entry = post(client, f"/api/v1/persons/{hk_placement.person.public_id}/costs", ENTRY).json()
    url = f"/api/v1/costs/{entry['id']}/receipt"
    big = SimpleUploadedFile("r.png", b"\x89PNG\r\n\x1a\n" + b"0" * (1024 * 1024 + 1), content_type="image/png")
    refused = client.post(url, {"receipt": big})
    assert refused.status_code == 422 and "receipt" in refused.json()["fields"]
    assert not CostEntry.objects.get().receipt
    ok = client.post(url, {"receipt": SimpleUploadedFile("r.png", b"\x89PNG\r\n\x1a\nabc", content_type="image/png")})
    assert ok.status_code == 200 and ok.json()["has_receipt"] is True
    second = client.post(url, {"receipt": SimpleUploadedFile("r.png", b"\x89PNG\r\n\x1a\nabc")})
    assert second.status_code == 409


def test_scoping_of_ledgers(api_client_for, p3mi_user, unit_officer, admin_user, hk_placement, other_placement):
    for placement in (hk_placement, other_placement):
        post(api_client_for(admin_user), f"/api/v1/persons/{placement.person.public_id}/costs", ENTRY)
    for user in (p3mi_user, unit_officer):
        client = api_client_for(user)
        assert client.get(f"/api/v1/persons/{hk_placement.person.public_id}/costs").status_code == 200
        assert client.get(f"/api/v1/persons/{other_placement.person.public_id}/costs").status_code == 404
        other_entry = CostEntry.objects.get(person=other_placement.person)
        assert post(client, f"/api/v1/costs/{other_entry.public_id}/confirmation",
                    {"state": "confirmed"}).status_code in (403, 404)
    officer_flags = api_client_for(unit_officer).get("/api/v1/overcharge-flags").json()
    assert [f["person"] for f in officer_flags["items"]] == [str(hk_placement.person.public_id)]
    other_flag = OverchargeFlag.objects.get(entry__person=other_placement.person)
    assert api_client_for(unit_officer).get(f"/api/v1/overcharge-flags/{other_flag.public_id}").status_code == 404
    assert api_client_for(p3mi_user).get("/api/v1/overcharge-flags").status_code == 403


def test_cost_rules_are_read_by_staff_and_written_by_administrators(api_client_for, admin_user, unit_officer):
    rule = {"component": "visa", "country": "HK", "payer": "employer", "max_worker_amount": "0",
            "valid_from": "2026-01-01", "legal_basis": "Permen P2MI 17/2025"}
    assert post(api_client_for(unit_officer), "/api/v1/cost-rules", rule).status_code == 403
    count = CostRule.objects.count()
    created = post(api_client_for(admin_user), "/api/v1/cost-rules", rule)
    assert created.status_code == 201 and created.json()["country"] == "HK"
    assert CostRule.objects.count() == count + 1
    listed = api_client_for(unit_officer).get("/api/v1/cost-rules", {"component": "visa", "country": "HK",
                                                                     "on": "2026-02-01"}).json()
    assert {r["legal_basis"] for r in listed["items"]} >= {"Permen P2MI 17/2025", "Kepka BP2MI 260/2022"}
    bad = post(api_client_for(admin_user), "/api/v1/cost-rules", {**rule, "max_worker_amount": "5",
                                                                  "country": "ZZ"})
    assert bad.status_code == 422 and {"country", "max_worker_amount"} <= set(bad.json()["fields"])


def test_flag_list_query_budget(api_client_for, admin_user, hk_placement, make_person, make_placement,
                                django_assert_max_num_queries):
    client = api_client_for(admin_user)
    post(client, f"/api/v1/persons/{hk_placement.person.public_id}/costs", ENTRY)
    for _ in range(3):
        placement = make_placement(person=make_person(), country="HK", occupation="5152", scheme="perseorangan")
        post(client, f"/api/v1/persons/{placement.person.public_id}/costs", ENTRY)
    assert OverchargeFlag.objects.count() == 4
    with django_assert_max_num_queries(6):
        assert client.get("/api/v1/overcharge-flags").json()["total"] == 4
