import time

import pytest
from django.urls import reverse

from lindungi.accounts.middleware import LAST_SEEN
from lindungi.accounts.models import ApiToken, User
from lindungi.accounts.services import api_token_issue
from lindungi.audit.models import AuditEvent
from lindungi.web.tests.test_registry_helpers import client_for

pytestmark = pytest.mark.django_db


def test_create_account_and_first_sign_in(admin_user, unit_jabar, client):
    admin = client_for(admin_user)
    assert reverse("web:user-list") in admin.get(reverse("web:dashboard")).content.decode()
    form = admin.get(reverse("web:user-create"))
    assert form.status_code == 200
    response = admin.post(reverse("web:user-create"), {"username": "petugas.y", "role": "unit_officer",
                                                       "unit": unit_jabar.code, "first_name": "Yuni"})
    assert response.status_code == 200
    temporary = response.context["temporary"]
    assert temporary in response.content.decode()
    # the first sign-in asks for a new password before anything else
    signed = client.post(reverse("web:login"), {"username": "petugas.y", "password": temporary})
    assert signed.status_code == 302
    assert client.get(reverse("web:person-list")).url == reverse("web:password-change")
    page = client.get(reverse("web:password-change"))
    assert 'data-testid="temporary-notice"' in page.content.decode()
    weak = client.post(reverse("web:password-change"), {"old_password": temporary, "new_password": "jabar123",
                                                        "new_password2": "jabar123"})
    assert weak.status_code == 422
    good = client.post(reverse("web:password-change"), {"old_password": temporary,
                                                        "new_password": "kuda laut biru senja",
                                                        "new_password2": "kuda laut biru senja"})
    assert good.status_code == 302
    assert client.get(reverse("web:person-list")).status_code == 200  # still signed in


def test_create_form_reports_fields(admin_user):
    response = client_for(admin_user).post(reverse("web:user-create"), {"username": "x", "role": "p3mi_staff"})
    assert response.status_code == 422 and "P3MI staff need their company." in response.content.decode()


def test_an_empty_create_form_is_reported_not_a_server_error(admin_user):
    """A post without any field still binds the form, so the service's errors land on its fields."""
    response = client_for(admin_user).post(reverse("web:user-create"), {})
    assert response.status_code == 422 and not User.objects.filter(username="").exists()


def test_edit_deactivate_reset_unlock_and_revoke(admin_user, partner_client):
    admin = client_for(admin_user)
    token, _raw = api_token_issue(user=partner_client)
    detail = admin.get(reverse("web:user-detail", args=[partner_client.pk]))
    assert detail.status_code == 200 and token.prefix in detail.content.decode()
    saved = admin.post(reverse("web:user-detail", args=[partner_client.pk]),
                       {"role": "partner_api", "first_name": "BPJS", "last_name": "Mitra", "email": ""})
    assert saved.status_code == 302
    admin.post(reverse("web:user-token-revoke", args=[partner_client.pk, token.pk]))
    assert ApiToken.objects.get(pk=token.pk).revoked_at is not None
    admin.post(reverse("web:user-set-active", args=[partner_client.pk]), {"active": "0"})
    assert not User.objects.get(pk=partner_client.pk).is_active
    admin.post(reverse("web:user-unlock", args=[partner_client.pk]))
    reset = admin.post(reverse("web:user-reset-password", args=[partner_client.pk]))
    assert 'data-testid="temporary-password"' in reset.content.decode()
    actions = set(AuditEvent.objects.filter(object_type="user").values_list("action", flat=True))
    assert actions >= {"user.updated", "user.deactivated", "user.unlocked", "user.password_reset"}


def test_account_screens_are_for_administrators_only(analyst, p3mi_user):
    for user in (analyst, p3mi_user):
        client = client_for(user)
        assert client.get(reverse("web:user-list")).status_code == 403
        assert client.get(reverse("web:user-create")).status_code == 403
        assert client.post(reverse("web:user-reset-password", args=[user.pk])).status_code == 403


def test_idle_session_ends(analyst, settings):
    settings.SESSION_IDLE_MINUTES = 30
    client = client_for(analyst)
    assert client.get(reverse("web:dashboard")).status_code == 200
    session = client.session
    session[LAST_SEEN] = int(time.time()) - 31 * 60
    session.save()
    response = client.get(reverse("web:dashboard"))
    assert response.status_code == 302 and "idle=1" in response.url
    assert 'data-testid="idle-notice"' in client.get(response.url).content.decode()
    assert client.get(reverse("web:person-list")).status_code == 302  # signed out


def test_active_session_is_kept(analyst):
    client = client_for(analyst)
    client.get(reverse("web:dashboard"))
    session = client.session
    session[LAST_SEEN] = int(time.time()) - 29 * 60
    session.save()
    assert client.get(reverse("web:dashboard")).status_code == 200
    assert client.session[LAST_SEEN] > int(time.time()) - 5
