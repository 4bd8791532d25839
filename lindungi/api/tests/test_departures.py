"""The departure API over the same services: checks (201, replay 200, every reason, bad input 422),
the departure step, scoping of the check list."""

import uuid

import pytest

from lindungi.accounts.roles import Role
from lindungi.departures.models import CheckpointPost, PostAssignment

pytestmark = pytest.mark.django_db


def post(client, url, data):
    return client.post(url, data=data, content_type="application/json")


def test_check_cleared_then_departed(api_client_for, post_officer, ready_placement, check_data):
    client = api_client_for(post_officer)
    response = post(client, "/api/v1/departure-checks", check_data(ready_placement))
    assert response.status_code == 201, response.json()
    body = response.json()
    assert body["verdict"] == "cleared" and body["cleared"] and body["reasons"] == []
    assert body["post"] == "TPI-CGK-T" and body["person_nik"] == ready_placement.person.nik
    departed = post(client, f"/api/v1/departure-checks/{body['id']}/depart", {})
    assert departed.status_code == 200 and departed.json()["departed_at"]
    again = post(client, f"/api/v1/departure-checks/{body['id']}/depart", {})
    assert again.status_code == 409 and again.json()["code"] == "already_departed"


def test_not_cleared_lists_every_reason_in_both_languages(api_client_for, post_officer, make_placement, check_data):
    client = api_client_for(post_officer, language="id")
    body = post(client, "/api/v1/departure-checks", check_data(make_placement(), destination="MY")).json()
    assert body["verdict"] == "not_cleared" and len(body["reasons"]) > 3
    first = body["reasons"][0]
    assert first["code"] == "placement_not_ready" and first["message"] == first["message_id"]
    assert first["message_en"].startswith("The placement is not ready")


def test_replayed_client_ref_is_recorded_once(api_client_for, post_officer, ready_placement, check_data):
    client = api_client_for(post_officer)
    data = check_data(ready_placement, client_ref=str(uuid.uuid4()))
    first = post(client, "/api/v1/departure-checks", data)
    second = post(client, "/api/v1/departure-checks", data)
    assert (first.status_code, second.status_code) == (201, 200)
    assert first.json()["id"] == second.json()["id"]
    assert client.get("/api/v1/departure-checks").json()["total"] == 1


@pytest.mark.parametrize("body", [
    {}, {"identifier": "123", "destination": "TW", "flight": "GA1"},
    {"identifier": "3201014107990001", "destination": "TW", "flight": "GA1", "travel_date": "soon"},
    {"identifier": ["x"], "destination": "TW", "flight": "GA1"},
    {"identifier": "3201014107990001", "destination": "TW\u0000", "flight": "GA1"},
])
def test_malformed_input_is_a_clear_422(api_client_for, post_officer, body):
    response = post(api_client_for(post_officer), "/api/v1/departure-checks", body)
    assert response.status_code == 422
    assert response.json()["code"] == "validation_error" and response.json()["fields"]


def test_roles_without_the_permission_are_refused(api_client_for, analyst, check_data):
    assert post(api_client_for(analyst), "/api/v1/departure-checks", check_data()).status_code == 403


def test_officer_sees_only_the_checks_of_their_own_post(api_client_for, post_officer, make_user, check_data,
                                                        analyst):
    other_post = CheckpointPost.objects.create(code="TPI-SUB", name="Juanda", kind="airport")
    other = make_user(Role.CHECKPOINT, username="tpi-juanda")
    PostAssignment.objects.create(user=other, post=other_post)
    mine = post(api_client_for(post_officer), "/api/v1/departure-checks", check_data()).json()
    post(api_client_for(other), "/api/v1/departure-checks", check_data())
    listing = api_client_for(post_officer).get("/api/v1/departure-checks").json()
    assert [row["id"] for row in listing["items"]] == [mine["id"]]
    assert api_client_for(other).get(f"/api/v1/departure-checks/{mine['id']}").status_code == 404
    assert api_client_for(analyst).get("/api/v1/departure-checks").json()["total"] == 2


def test_watchlist_entry_hits_the_verdict(api_client_for, post_officer, ready_placement, check_data):
    from lindungi.departures.tests.fixtures import in_days

    client = api_client_for(post_officer)
    created = post(client, "/api/v1/watchlist", {
        "kind": "traveller", "full_name": "Siti", "nik": ready_placement.person.nik, "reason": "Ditunda 3 kali",
        "valid_until": in_days(30).isoformat()})
    assert created.status_code == 201, created.json()
    verdict = post(client, "/api/v1/departure-checks", check_data(ready_placement)).json()
    assert [r["code"] for r in verdict["reasons"]] == ["watchlist_hit"]
    entry = created.json()["id"]
    reviewed = post(client, f"/api/v1/watchlist/{entry}/review", {"note": "ok", "valid_until": in_days(60).isoformat()})
    assert reviewed.status_code == 200 and reviewed.json()["reviewed_by"] == post_officer.username
    removed = post(client, f"/api/v1/watchlist/{entry}/remove", {"reason": "salah orang"})
    assert removed.status_code == 200 and removed.json()["removed_at"]
    assert client.get("/api/v1/watchlist", {"status": "removed"}).json()["total"] == 1
    assert client.get("/api/v1/watchlist", {"status": "x"}).status_code == 422
    assert post(client, "/api/v1/watchlist", {"kind": "traveller"}).status_code == 422


def test_interception_of_a_group(api_client_for, post_officer):
    client = api_client_for(post_officer)
    response = post(client, "/api/v1/interceptions", {
        "travellers": [{"full_name": "Rina", "passport_number": "C7654321"},
                       {"full_name": "Dewi", "nik": "3201014107990001"}],
        "destination": "KH", "declared_purpose": "internship", "cover_story": "Magang di pabrik",
        "route": "CGK – SIN – PNH", "transit_countries": ["SG"], "suspected_recruiter": "PT Bayangan",
        "outcome": "referred_to_police"})
    assert response.status_code == 201, response.json()
    rows = response.json()
    assert len(rows) == 2 and rows[0]["group"] == rows[1]["group"]
    detail = client.get(f"/api/v1/interceptions/{rows[0]['id']}").json()
    assert [c["full_name"] for c in detail["companions"]] == ["Dewi"]
    bad = post(client, "/api/v1/interceptions", {"travellers": [{"full_name": "X"}], "destination": "KH",
                                                 "declared_purpose": "tourism", "outcome": "postponed"})
    assert bad.status_code == 422 and "travellers.0.nik" in bad.json()["fields"]


def test_credential_keys_revocations_and_verify(api_client_for, unit_officer, post_officer, ready_placement,
                                                admin_user):
    from django.test import Client

    credential = api_client_for(unit_officer).get(f"/api/v1/placements/{ready_placement.public_id}/credential")
    assert credential.status_code == 200, credential.json()
    token = credential.json()["token"]
    assert token.startswith("LDC1.") and not credential.json()["revoked"]
    keys = Client().get("/api/v1/public/credential-keys").json()
    assert keys["keys"][0]["status"] == "active" and keys["keys"][0]["alg"] == "Ed25519"
    crl = api_client_for(post_officer).get("/api/v1/credential-revocations").json()
    assert crl["revoked"] == [] and crl["sig"]
    client = api_client_for(post_officer)
    ok = post(client, "/api/v1/credentials/verify", {"token": token, "nik": ready_placement.person.nik}).json()
    assert ok["valid"] and ok["destination"] == "TW"
    for bad in ("garbage", token[:-4] + "AAAA", "LDC1." + "A" * 1500):
        answer = post(client, "/api/v1/credentials/verify", {"token": bad})
        assert answer.status_code in (200, 422) and not answer.json().get("valid")
    rotated = post(api_client_for(admin_user), "/api/v1/credential-keys/rotate", {})
    assert rotated.status_code == 201
    assert post(client, "/api/v1/credential-keys/rotate", {}).status_code == 403
    assert post(client, "/api/v1/credentials/verify", {"token": token}).json()["valid"]
    missing = api_client_for(unit_officer).get("/api/v1/placements/00000000-0000-4000-8000-000000000000/credential")
    assert missing.status_code == 404
