import json

import pytest

from lindungi.audit.models import AccessLog, AuditEvent
from lindungi.registry.models import Person
from lindungi.registry.tests.factories import make_person, person_data

pytestmark = pytest.mark.django_db


def post_json(client, url, body, method="post"):
    return getattr(client, method)(url, data=json.dumps(body), content_type="application/json")


def test_create_list_detail_update(admin_user, api_client_for):
    client = api_client_for(admin_user)
    body = person_data(full_name="Sri Wahyuni")
    body["passport"] = {"number": "x1234567", "issuing_office": "Kanim Bogor", "issue_date": "2024-01-01",
                        "expiry_date": "2029-01-01"}
    body["contacts"] = [{"name": "Sumarni", "relationship": "parent", "is_heir": True}]
    resp = post_json(client, "/api/v1/persons", body)
    assert resp.status_code == 201, resp.content
    created = resp.json()["person"]
    assert created["passports"][0]["number"] == "X1234567" and created["contacts"][0]["is_heir"]
    listing = client.get("/api/v1/persons?q=wahy").json()
    assert listing["total"] == 1 and listing["items"][0]["nik"] == body["nik"]
    detail = client.get(f"/api/v1/persons/{created['id']}")
    assert detail.status_code == 200 and detail.json()["regency_code"] == "3201"
    patched = post_json(client, f"/api/v1/persons/{created['id']}", {"address": "Jl. Mawar 2", "reason": "pindah"},
                        method="patch")
    assert patched.status_code == 200 and patched.json()["address"] == "Jl. Mawar 2"
    history = client.get(f"/api/v1/persons/{created['id']}/history").json()
    assert [c["action"] for c in history["changes"]] == ["person.updated", "person.created"]
    assert {a["kind"] for a in history["accesses"]} == {"view"}


@pytest.mark.parametrize("nik, fragment", [
    ("320101610495000", "got 15"), ("32010161049500011", "got 17"), ("3201016104950A01", "digits only"),
    ("9901016104950001", "province"), ("3299016104950001", "regency"),
])
def test_bad_nik_is_422_with_field_and_nothing_saved(admin_user, api_client_for, nik, fragment):
    body = person_data()
    body["nik"] = nik
    resp = post_json(api_client_for(admin_user), "/api/v1/persons", body)
    assert resp.status_code == 422
    payload = resp.json()
    assert payload["code"] == "validation_error" and fragment in payload["fields"]["nik"][0]
    assert Person.objects.count() == 0


def test_wrong_types_are_422_not_500(admin_user, api_client_for):
    client = api_client_for(admin_user)
    assert post_json(client, "/api/v1/persons", {"nik": 5}).status_code == 422
    assert client.post("/api/v1/persons", data="not json", content_type="application/json").status_code in (400, 422)
    assert client.get("/api/v1/persons?page=0").status_code == 422
    assert client.get("/api/v1/persons?page_size=5000").status_code == 422
    assert client.get("/api/v1/persons/not-a-uuid").status_code == 422


def test_duplicate_nik_is_409(admin_user, api_client_for):
    client = api_client_for(admin_user)
    body = person_data()
    assert post_json(client, "/api/v1/persons", body).status_code == 201
    resp = post_json(client, "/api/v1/persons", body)
    assert resp.status_code == 409 and resp.json()["fields"]["nik"]


def test_possible_duplicates_returned_with_reasons(admin_user, api_client_for):
    client = api_client_for(admin_user)
    first = make_person(admin_user, full_name="Siti Nurhayati")
    body = person_data(full_name="Hj. Siti Noerhayati")
    resp = post_json(client, "/api/v1/persons", body)
    dupes = resp.json()["possible_duplicates"]
    assert dupes[0]["person"]["id"] == str(first.public_id)
    assert "name_same" in {r["code"] for r in dupes[0]["reasons"]}
    queue = client.get("/api/v1/persons/duplicates").json()
    assert queue["total"] == 1
    decided = post_json(client, f"/api/v1/persons/duplicates/{queue['items'][0]['id']}/decision",
                        {"same_person": True, "survivor": str(first.public_id), "note": "sama"})
    assert decided.status_code == 200 and decided.json()["status"] == "same"


def test_out_of_scope_is_404_and_not_listed(admin_user, p3mi_user, other_agency, api_client_for):
    stranger = make_person(admin_user, agency_public_id=str(other_agency.public_id))
    client = api_client_for(p3mi_user)
    assert client.get(f"/api/v1/persons/{stranger.public_id}").status_code == 404
    assert post_json(client, "/api/v1/persons/search", {"nik": stranger.nik}).json()["total"] == 0
    assert post_json(client, "/api/v1/persons/lookup", {"nik": stranger.nik}).status_code == 404
    resp = post_json(client, f"/api/v1/persons/{stranger.public_id}", {"phone": "0811111111"}, method="patch")
    assert resp.status_code == 404
    assert not AuditEvent.objects.filter(action="person.updated").exists()


def test_checkpoint_lookup_by_nik_is_logged(admin_user, checkpoint_officer, api_client_for):
    person = make_person(admin_user)
    client = api_client_for(checkpoint_officer)
    resp = post_json(client, "/api/v1/persons/lookup", {"nik": person.nik})
    assert resp.status_code == 200 and resp.json()["nik"] == person.nik
    assert AccessLog.objects.filter(kind="lookup", object_id=person.pk, actor=checkpoint_officer).exists()
    assert client.get("/api/v1/persons?q=Siti").status_code == 403
    assert post_json(client, "/api/v1/persons/lookup", {"nik": "123"}).status_code == 422


def test_errors_are_indonesian_by_default_and_english_on_request(admin_user, api_client_for):
    body = person_data()
    body["nik"] = "123"
    indonesian = post_json(api_client_for(admin_user, language="id"), "/api/v1/persons", body).json()
    english = post_json(api_client_for(admin_user), "/api/v1/persons", body).json()
    assert "16 digits" in english["fields"]["nik"][0]
    assert "16 digit" in indonesian["fields"]["nik"][0]
    assert indonesian["fields"]["nik"][0] != english["fields"]["nik"][0]
