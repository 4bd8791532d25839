import json

import pytest
from django.test import Client

from lindungi.accounts.models import User

pytestmark = pytest.mark.django_db


def send(client, method, url, body=None):
    return getattr(client, method)(url, data=json.dumps(body or {}), content_type="application/json")


def test_administrator_manages_an_account_end_to_end(api_client_for, admin_user, unit_jabar):
    client = api_client_for(admin_user)
    created = send(client, "post", "/api/v1/users", {"username": "petugas.x", "role": "unit_officer",
                                                     "unit": unit_jabar.code, "first_name": "Rina"})
    assert created.status_code == 201
    body = created.json()
    user_id, temporary = body["user"]["id"], body["temporary_password"]
    assert body["user"]["unit"] == unit_jabar.code and body["user"]["must_change_password"]
    # the holder may not get a token until the temporary password is changed
    anon = Client()
    assert send(anon, "post", "/api/v1/auth/token", {"username": "petugas.x", "password": temporary}).status_code \
        == 403
    weak = send(anon, "post", "/api/v1/auth/password", {"username": "petugas.x", "old_password": temporary,
                                                        "new_password": "jabar123"})
    assert weak.status_code == 422 and "new_password" in weak.json()["fields"]
    assert send(anon, "post", "/api/v1/auth/password", {"username": "petugas.x", "old_password": temporary,
                                                        "new_password": "kuda laut biru senja"}).status_code == 204
    token = send(anon, "post", "/api/v1/auth/token", {"username": "petugas.x", "password": "kuda laut biru senja"})
    assert token.status_code == 200
    tokens = client.get(f"/api/v1/users/{user_id}/tokens").json()
    assert [t["id"] for t in tokens] == [token.json()["id"]]

    assert client.get("/api/v1/users?role=unit_officer&q=petugas").json()["total"] == 1
    patched = send(client, "patch", f"/api/v1/users/{user_id}", {"role": "analyst", "reason": "moved to HQ"})
    assert patched.status_code == 200 and patched.json()["role"] == "analyst" and patched.json()["unit"] is None
    assert send(client, "post", f"/api/v1/users/{user_id}/deactivate", {"reason": "left"}).json()["is_active"] is False
    holder = Client(HTTP_AUTHORIZATION=f"Bearer {token.json()['token']}")
    assert holder.get("/api/v1/persons").status_code == 401
    assert send(client, "post", f"/api/v1/users/{user_id}/activate").json()["is_active"] is True
    assert send(client, "post", f"/api/v1/users/{user_id}/unlock").json()["blocks_lifted"] == 0
    reset = send(client, "post", f"/api/v1/users/{user_id}/reset-password").json()
    assert reset["user"]["must_change_password"] and reset["temporary_password"] != temporary
    assert holder.get("/api/v1/persons").status_code == 401  # reset revoked the token


def test_bad_input_is_422_with_every_field(api_client_for, admin_user):
    response = send(api_client_for(admin_user), "post", "/api/v1/users",
                    {"username": "", "role": "boss", "email": "x"})
    assert response.status_code == 422
    assert set(response.json()["fields"]) >= {"username", "role", "email"}
    assert api_client_for(admin_user).get("/api/v1/users/999999").status_code == 404


@pytest.mark.parametrize("role_fixture", ["analyst", "unit_officer", "p3mi_user", "partner_client"])
def test_only_administrators(request, api_client_for, role_fixture, admin_user):
    client = api_client_for(request.getfixturevalue(role_fixture))
    assert client.get("/api/v1/users").status_code == 403
    assert send(client, "post", "/api/v1/users", {"username": "x", "role": "admin"}).status_code == 403
    assert send(client, "post", f"/api/v1/users/{admin_user.pk}/reset-password").status_code == 403
    assert not User.objects.filter(username="x").exists()
