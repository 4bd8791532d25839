import json

import pytest
from django.test import Client

from lindungi.accounts.models import ApiToken

pytestmark = pytest.mark.django_db


def post_json(client, url, body):
    return client.post(url, data=json.dumps(body), content_type="application/json")


def test_token_issue_use_and_revoke(admin_user):
    client = Client()
    resp = post_json(client, "/api/v1/auth/token", {"username": "admin-t", "password": "rahasia-123"})
    assert resp.status_code == 200
    body = resp.json()
    token = ApiToken.objects.get(pk=body["id"])
    assert token.key_hash != body["token"] and body["token"] not in token.key_hash  # stored hashed
    authed = Client(HTTP_AUTHORIZATION=f"Bearer {body['token']}")
    assert authed.get("/api/v1/persons").status_code == 200
    assert authed.delete(f"/api/v1/auth/token/{body['id']}").status_code == 204
    assert authed.get("/api/v1/persons").status_code == 401


def test_wrong_password_and_throttling(admin_user, settings):
    settings.LOGIN_MAX_FAILURES = 3
    client = Client(REMOTE_ADDR="203.0.113.9")
    for _ in range(3):
        resp = post_json(client, "/api/v1/auth/token", {"username": "admin-t", "password": "salah"})
        assert resp.status_code == 401 and resp.json()["code"] == "authentication_failed"
    resp = post_json(client, "/api/v1/auth/token", {"username": "admin-t", "password": "rahasia-123"})
    assert resp.status_code == 429 and resp.json()["code"] == "too_many_attempts"
    # The web sign-in from the same address shares the block ...
    resp = Client(REMOTE_ADDR="203.0.113.9").post("/login/", {"username": "admin-t", "password": "rahasia-123"})
    assert resp.status_code == 429
    # ... but the account's owner, elsewhere, is not locked out.
    resp = post_json(Client(REMOTE_ADDR="198.51.100.7"), "/api/v1/auth/token",
                     {"username": "admin-t", "password": "rahasia-123"})
    assert resp.status_code == 200


def test_missing_fields_give_json_error_with_fields():
    resp = post_json(Client(), "/api/v1/auth/token", {"username": "x"})
    assert resp.status_code == 422
    body = resp.json()
    assert body["code"] == "validation_error" and "password" in body["fields"]


def test_anonymous_gets_401_json():
    resp = Client().get("/api/v1/persons")
    assert resp.status_code == 401 and resp.json()["code"] == "not_authenticated"


def test_openapi_schema_and_docs():
    schema = Client().get("/api/v1/openapi.json").json()
    assert "/api/v1/persons" in schema["paths"] and "/api/v1/auth/token" in schema["paths"]
    assert Client().get("/api/v1/docs").status_code == 200
