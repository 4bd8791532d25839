"""Every API answer is JSON, including unknown routes, wrong methods and crashes (no traceback)."""

import pytest
from django.test import Client

pytestmark = pytest.mark.django_db


def assert_json_error(response, status, code):
    assert response.status_code == status, response.content
    assert response["Content-Type"].startswith("application/json")
    body = response.json()
    assert body["code"] == code and body["message"] and body["fields"] == {}
    return body


def test_unknown_api_route_is_json_404(admin_user, api_client_for):
    assert_json_error(api_client_for(admin_user).get("/api/v1/no-such-thing"), 404, "not_found")
    assert_json_error(Client().get("/api/v2/persons"), 404, "not_found")


def test_wrong_method_is_json_405_with_allow(admin_user, api_client_for):
    response = api_client_for(admin_user).delete("/api/v1/persons")
    assert_json_error(response, 405, "method_not_allowed")
    assert "GET" in response["Allow"] and "POST" in response["Allow"]


def test_crash_is_json_500_without_traceback(admin_user, api_client_for, monkeypatch):
    from lindungi.registry import selectors

    def explode(*args, **kwargs):
        raise RuntimeError("secret detail 3201016104950001")

    monkeypatch.setattr(selectors, "person_list_for", explode)
    client = api_client_for(admin_user)
    client.raise_request_exception = False
    response = client.get("/api/v1/persons")
    body = assert_json_error(response, 500, "server_error")
    assert "Traceback" not in response.content.decode() and "secret detail" not in body["message"]
    assert response["Cache-Control"] == "no-store, private"


def test_web_404_stays_html(admin_user):
    client = Client()
    client.force_login(admin_user)
    response = client.get("/no-such-page/")
    assert response.status_code == 404 and response["Content-Type"].startswith("text/html")
