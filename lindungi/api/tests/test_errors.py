"""Inputs the database cannot take (NUL characters, pages past any integer column) are refused with a
field-level 422, never a 500. PostgreSQL is the strict one; the same answers are expected on SQLite."""

import json

import pytest

from lindungi.registry.tests.factories import person_data

pytestmark = pytest.mark.django_db


def post_json(client, url, body, method="post"):
    return getattr(client, method)(url, data=json.dumps(body), content_type="application/json")


def assert_field_error(resp, field, fragment):
    assert resp.status_code == 422, resp.content
    payload = resp.json()
    assert payload["code"] == "validation_error"
    assert fragment in payload["fields"][field][0], payload


@pytest.mark.parametrize("url, field", [
    ("/api/v1/persons?q=a%00b", "q"),
    ("/api/v1/persons/lookup?passport=%00", "passport"),
    ("/api/v1/persons/duplicates?status=%00", "status"),
    ("/api/v1/agencies?q=%00", "q"),
    ("/api/v1/agencies/foreign-parties?country=T%00", "country"),
    ("/api/v1/public/agencies?q=abc%00", "q"),
    ("/api/v1/public/job-orders?country=%00", "country"),
    ("/api/v1/reference/regencies?q=%00", "q"),
])
def test_nul_in_query_is_422(admin_user, api_client_for, url, field):
    assert_field_error(api_client_for(admin_user).get(url), field, "Null characters")


def test_nul_in_body_fields_is_422_naming_the_nested_field(admin_user, api_client_for):
    body = person_data(address="Jl.\x00Mawar")
    body["passport"] = {"number": "X123\x004567", "issuing_office": "Kanim Bogor", "issue_date": "2024-01-01",
                        "expiry_date": "2029-01-01"}
    resp = post_json(api_client_for(admin_user), "/api/v1/persons", body)
    assert_field_error(resp, "address", "Null characters")
    assert "passport.number" in resp.json()["fields"]


def test_nul_in_login_is_422(client):
    resp = client.post("/api/v1/auth/token", data=json.dumps({"username": "admin\x00", "password": "x"}),
                       content_type="application/json", HTTP_ACCEPT_LANGUAGE="en")
    assert_field_error(resp, "username", "Null characters")


@pytest.mark.parametrize("url", [
    "/api/v1/persons?page=100000000000000000000",
    "/api/v1/agencies?page=1239539100784794854752256",
    "/api/v1/public/job-orders?page=9999999999999999999999999",
    "/api/v1/exports?page=9223372036854775808",
])
def test_page_beyond_any_list_is_422(admin_user, api_client_for, url):
    assert_field_error(api_client_for(admin_user).get(url), "page", "at most")


@pytest.mark.parametrize("query, field", [("country=Taiwan", "country"), ("occupation=53x", "occupation")])
def test_public_job_order_codes_are_checked(client, query, field):
    assert_field_error(client.get(f"/api/v1/public/job-orders?{query}", HTTP_ACCEPT_LANGUAGE="en"), field, "code")
