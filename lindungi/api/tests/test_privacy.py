"""No NIK or passport number in a URL: GETs carrying one are refused (422) and pointed at the POST
routes, which take the same filters in the body. Lists mask NIKs for roles without
``person.view_full_nik``."""

import json

import pytest

from lindungi.registry.nik import mask
from lindungi.registry.tests.factories import make_person

pytestmark = pytest.mark.django_db


def post_json(client, url, body):
    return client.post(url, data=json.dumps(body), content_type="application/json")


@pytest.fixture
def siti(admin_user):
    return make_person(admin_user, full_name="Siti Aminah",
                       passport={"number": "C1234567", "issuing_office": "Kanim Bogor", "issue_date": "2024-01-01",
                                 "expiry_date": "2029-01-01"})


@pytest.mark.parametrize("url, fields, route", [
    ("/api/v1/persons?nik={nik}", ["nik"], "POST /api/v1/persons/search"),
    ("/api/v1/persons?q={nik}", ["q"], "POST /api/v1/persons/search"),
    ("/api/v1/persons?q=C1234567&passport=C1234567", ["q", "passport"], "POST /api/v1/persons/search"),
    ("/api/v1/persons/lookup?nik={nik}", ["nik"], "POST /api/v1/persons/lookup"),
    ("/api/v1/persons/lookup?passport=C1234567", ["passport"], "POST /api/v1/persons/lookup"),
    ("/api/v1/placements?nik={nik}", ["nik"], "POST /api/v1/placements/search"),
    ("/api/v1/placements?q={nik}", ["q"], "POST /api/v1/placements/search"),
])
def test_identifier_in_url_is_refused_with_the_post_route(siti, admin_user, api_client_for, url, fields, route):
    response = api_client_for(admin_user).get(url.format(nik=siti.nik))
    assert response.status_code == 422
    body = response.json()
    assert body["code"] == "validation_error" and sorted(body["fields"]) == sorted(fields)
    assert route in body["message"]


def test_post_search_and_lookup_find_the_person(siti, admin_user, checkpoint_officer, api_client_for):
    admin = api_client_for(admin_user)
    found = post_json(admin, "/api/v1/persons/search", {"q": siti.nik}).json()
    assert [item["full_name"] for item in found["items"]] == ["Siti Aminah"]
    assert post_json(admin, "/api/v1/persons/search", {"q": "3201", "page_size": 5}).json()["total"] == 1
    checkpoint = api_client_for(checkpoint_officer)
    assert post_json(checkpoint, "/api/v1/persons/lookup", {"passport": "c1234567"}).json()["nik"] == siti.nik
    assert post_json(checkpoint, "/api/v1/persons/search", {"nik": siti.nik}).json()["total"] == 1
    assert post_json(checkpoint, "/api/v1/persons/search", {"q": "siti"}).status_code == 403


def test_name_search_by_get_still_works(siti, admin_user, api_client_for):
    assert api_client_for(admin_user).get("/api/v1/persons?q=siti").json()["total"] == 1


def test_lists_mask_nik_for_analysts_but_not_unit_officers(siti, analyst, unit_officer, api_client_for):
    masked = api_client_for(analyst).get("/api/v1/persons?q=siti").json()["items"][0]["nik"]
    assert masked == mask(siti.nik) == siti.nik[:4] + "••••••••" + siti.nik[-4:]
    assert api_client_for(unit_officer).get("/api/v1/persons?q=siti").json()["items"][0]["nik"] == siti.nik
    assert api_client_for(analyst).get(f"/api/v1/persons/{siti.public_id}").json()["nik"] == siti.nik


def test_placement_list_masks_nik(analyst, admin_user, api_client_for, make_placement):
    placement = make_placement()
    nik = placement.person.nik
    assert api_client_for(analyst).get("/api/v1/placements").json()["items"][0]["person_nik"] == mask(nik)
    assert api_client_for(admin_user).get("/api/v1/placements").json()["items"][0]["person_nik"] == nik
    detail = api_client_for(analyst).get(f"/api/v1/placements/{placement.public_id}").json()
    assert detail["placement"]["person_nik"] == nik


def test_get_lookup_is_documented_as_deprecated(client):
    schema = client.get("/api/v1/openapi.json").json()
    assert schema["paths"]["/api/v1/persons/lookup"]["get"]["deprecated"] is True
    assert "post" in schema["paths"]["/api/v1/persons/lookup"]
    assert "post" in schema["paths"]["/api/v1/persons/search"]
    assert "post" in schema["paths"]["/api/v1/placements/search"]
