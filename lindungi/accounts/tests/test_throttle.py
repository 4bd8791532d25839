"""Sign-in throttling: per (username, client address) and per address; never per account alone, and
the same answers whether or not a username exists."""

import json

import pytest
from django.test import Client

from lindungi.accounts import throttle
from lindungi.accounts.models import SignInThrottle
from lindungi.audit.models import AuditEvent

pytestmark = pytest.mark.django_db

ATTACKER, OWNER = "203.0.113.66", "198.51.100.20"


def sign_in(address, username, password):
    response = Client(REMOTE_ADDR=address).post("/api/v1/auth/token", data=json.dumps(
        {"username": username, "password": password}), content_type="application/json")
    return response.status_code, response.json()


def test_an_attacker_cannot_lock_the_owner_out(unit_officer, settings):
    settings.LOGIN_MAX_FAILURES = 5
    for _ in range(12):  # far beyond the limit, repeatedly
        sign_in(ATTACKER, "officer-t", "tebak-tebakan")
    assert sign_in(ATTACKER, "officer-t", "rahasia-123")[0] == 429
    assert sign_in(OWNER, "officer-t", "rahasia-123")[0] == 200
    assert AuditEvent.objects.filter(action="signin.throttled").exists()


def test_unknown_and_known_usernames_get_the_same_answers(unit_officer, settings):
    settings.LOGIN_MAX_FAILURES = 3
    known = [sign_in(ATTACKER, "officer-t", "salah-salah") for _ in range(4)]
    unknown = [sign_in(ATTACKER, "tidak-ada", "salah-salah") for _ in range(4)]
    assert known == unknown
    assert [status for status, _ in known] == [401, 401, 401, 429]


def test_an_address_spraying_many_usernames_is_blocked(make_user, settings):
    settings.LOGIN_MAX_FAILURES_PER_ADDRESS = 6
    make_user(username="target")
    for n in range(6):
        sign_in(ATTACKER, f"user{n}", "Password1")
    assert sign_in(ATTACKER, "target", "rahasia-123")[0] == 429
    assert sign_in(OWNER, "target", "rahasia-123")[0] == 200


def test_success_clears_the_pair_and_the_window_expires(unit_officer, settings):
    settings.LOGIN_MAX_FAILURES = 3
    sign_in(OWNER, "officer-t", "salah-1")
    sign_in(OWNER, "officer-t", "salah-2")
    assert sign_in(OWNER, "officer-t", "rahasia-123")[0] == 200
    assert not SignInThrottle.objects.filter(scope="pair", username="officer-t").exists()
    for _ in range(3):
        sign_in(OWNER, "officer-t", "salah")
    assert sign_in(OWNER, "officer-t", "rahasia-123")[0] == 429
    SignInThrottle.objects.update(blocked_until=None)  # the window has passed
    assert sign_in(OWNER, "officer-t", "rahasia-123")[0] == 200


def test_client_address_behind_a_proxy(settings):
    assert throttle.client_address({"REMOTE_ADDR": "10.0.0.1", "HTTP_X_REAL_IP": "1.2.3.4"}) == "10.0.0.1"
    settings.CLIENT_IP_HEADER = "X-Real-IP"
    assert throttle.client_address({"REMOTE_ADDR": "10.0.0.1", "HTTP_X_REAL_IP": "1.2.3.4, 10.0.0.1"}) == "1.2.3.4"
