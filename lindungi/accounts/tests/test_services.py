"""Account management services, and revocation and deactivation effective on the next request."""

import pytest
from django.test import Client

from lindungi.accounts import services
from lindungi.accounts.models import ApiToken, SignInThrottle, User
from lindungi.accounts.roles import Role
from lindungi.audit.models import AuditEvent
from lindungi.common.errors import Conflict, PermissionDenied, ValidationFailed

pytestmark = pytest.mark.django_db


def test_create_an_officer_with_a_temporary_password(admin_user, unit_jabar):
    user, temporary = services.user_create(actor=admin_user, data={
        "username": "petugas.baru", "first_name": "Rina", "role": "unit_officer", "unit": unit_jabar.code})
    assert user.unit_id == unit_jabar.pk and user.must_change_password and user.check_password(temporary)
    event = AuditEvent.objects.get(action="user.created", object_id=user.pk)
    assert event.changes["role"] == [None, "unit_officer"] and temporary not in str(event.changes)


def test_every_bad_field_is_reported(admin_user, unit_officer):
    with pytest.raises(ValidationFailed) as exc:
        services.user_create(actor=admin_user, data={"username": "officer-T", "role": "p3mi_staff",
                                                     "agency": "not-an-id", "email": "nope"})
    assert set(exc.value.fields) == {"username", "agency", "email"}
    with pytest.raises(ValidationFailed) as exc:
        services.user_create(actor=admin_user, data={"username": "x y", "role": "unit_officer"})
    assert set(exc.value.fields) == {"username", "unit"}
    assert User.objects.count() == 2


def test_only_account_managers(analyst, unit_officer):
    with pytest.raises(PermissionDenied):
        services.user_create(actor=analyst, data={"username": "x", "role": "analyst"})
    with pytest.raises(PermissionDenied):
        services.user_reset_password(actor=analyst, user_id=unit_officer.pk)


def test_change_role_and_company(admin_user, unit_officer, agency):
    user = services.user_update(actor=admin_user, user_id=unit_officer.pk,
                                data={"role": "p3mi_staff", "agency": str(agency.public_id)})
    assert (user.role, user.agency_id, user.unit_id) == ("p3mi_staff", agency.pk, None)
    event = AuditEvent.objects.get(action="user.updated")
    assert event.changes["role"] == ["unit_officer", "p3mi_staff"] and event.changes["unit_id"][1] is None


def test_an_administrator_keeps_their_own_role_and_account(admin_user):
    with pytest.raises(ValidationFailed):
        services.user_update(actor=admin_user, user_id=admin_user.pk, data={"role": "analyst"})
    with pytest.raises(Conflict):
        services.user_set_active(actor=admin_user, user_id=admin_user.pk, active=False)


def test_deactivation_and_revocation_take_effect_on_the_next_request(admin_user, partner_client,
                                                                    django_assert_num_queries):
    _, raw = services.api_token_issue(user=partner_client)
    client = Client(HTTP_AUTHORIZATION=f"Bearer {raw}")
    assert client.post("/api/v1/persons/lookup", {"nik": "3201010101010001"},
                       content_type="application/json").status_code == 404
    with django_assert_num_queries(1):  # one indexed query: token, expiry, revocation and account together
        assert services.api_token_resolve(raw) == partner_client
    services.user_set_active(actor=admin_user, user_id=partner_client.pk, active=False, reason="left the agency")
    assert client.post("/api/v1/persons/lookup", {"nik": "3201010101010001"},
                       content_type="application/json").status_code == 401
    services.user_set_active(actor=admin_user, user_id=partner_client.pk, active=True)
    assert client.post("/api/v1/persons/lookup", {"nik": "3201010101010001"},
                       content_type="application/json").status_code == 404
    token = ApiToken.objects.get(user=partner_client)
    services.api_token_revoke(actor=admin_user, token_id=token.pk, via="web")
    assert client.post("/api/v1/persons/lookup", {"nik": "3201010101010001"},
                       content_type="application/json").status_code == 401
    with pytest.raises(Conflict):
        services.api_token_revoke(actor=admin_user, token_id=token.pk, via="web")


def test_deactivated_web_session_ends_at_once(admin_user, analyst):
    client = Client()
    client.force_login(analyst)
    assert client.get("/persons/").status_code == 200
    services.user_set_active(actor=admin_user, user_id=analyst.pk, active=False)
    assert client.get("/persons/").status_code == 302


def test_reset_password_revokes_tokens_and_lifts_blocks(admin_user, partner_client):
    services.api_token_issue(user=partner_client)
    SignInThrottle.objects.create(scope="pair", address="1.2.3.4", username="partner-t", failures=0)
    user, temporary = services.user_reset_password(actor=admin_user, user_id=partner_client.pk)
    assert user.must_change_password and user.check_password(temporary)
    assert not ApiToken.objects.filter(user=partner_client, revoked_at__isnull=True).exists()
    assert not SignInThrottle.objects.exists()
    with pytest.raises(PermissionDenied):  # a temporary password gets no token
        services.api_token_issue(user=user)
    with pytest.raises(ValidationFailed) as exc:
        services.password_change(user=user, old_password=temporary, new_password="partner2024", via="api")
    assert "new_password" in exc.value.fields
    services.password_change(user=user, old_password=temporary, new_password="kuda laut biru senja", via="api")
    user.refresh_from_db()
    assert not user.must_change_password
    assert services.api_token_issue(user=user)[1]


def test_unlock_lifts_blocks_from_every_address(admin_user, unit_officer):
    for address in ("1.1.1.1", "2.2.2.2"):
        SignInThrottle.objects.create(scope="pair", address=address, username="officer-t")
    SignInThrottle.objects.create(scope="pair", address="1.1.1.1", username="someone-else")
    _, lifted = services.user_unlock(actor=admin_user, user_id=unit_officer.pk)
    assert lifted == 2 and SignInThrottle.objects.count() == 1
    assert AuditEvent.objects.filter(action="user.unlocked", object_id=unit_officer.pk).exists()


def test_roles_without_a_unit_drop_it(admin_user, unit_jabar):
    user, _ = services.user_create(actor=admin_user, data={"username": "analis2", "role": Role.ANALYST,
                                                           "unit": unit_jabar.code})
    assert user.unit_id is None


def test_create_administrator_command(db):
    from io import StringIO

    from django.core.management import call_command

    out = StringIO()
    call_command("create_administrator", "kepala", stdout=out)
    user = User.objects.get(username="kepala")
    temporary = out.getvalue().rsplit(": ", 1)[1].strip()
    assert user.role == Role.ADMIN and user.must_change_password and user.check_password(temporary)
    assert AuditEvent.objects.filter(action="user.created", object_id=user.pk, actor=None).exists()
