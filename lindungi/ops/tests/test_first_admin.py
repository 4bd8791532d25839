import pytest
from django.contrib.auth import authenticate
from django.core.management import CommandError, call_command

from lindungi.accounts.models import User
from lindungi.accounts.perms import USER_MANAGE
from lindungi.accounts.roles import Role
from lindungi.audit.models import AuditEvent

pytestmark = pytest.mark.django_db
PASSWORD = "Kuat-sekali-2026!"


def _file(tmp_path, text=PASSWORD):
    path = tmp_path / "pw"
    path.write_text(text + "\n")
    return str(path)


def test_creates_a_real_central_administrator_and_audits_it(tmp_path):
    call_command("create_first_admin", "--username", "kepala", "--password-file", _file(tmp_path))
    user = User.objects.get(username="kepala")
    assert user.role == Role.ADMIN and user.is_superuser and user.is_staff and user.is_active
    assert user.is_national and user.has_role_perm(USER_MANAGE)
    assert authenticate(username="kepala", password=PASSWORD) == user
    event = AuditEvent.objects.get(action="user.created", object_id=user.pk)
    assert event.actor_id is None and event.via == "command"
    assert event.changes["role"] == [None, "admin"] and event.changes["first_administrator"] == [None, True]
    assert PASSWORD not in str(event.changes)


def test_password_from_the_environment(monkeypatch, tmp_path):
    monkeypatch.setenv("FIRST_ADMIN_PASSWORD_FILE", _file(tmp_path))
    call_command("create_first_admin", "--username", "kepala")
    assert authenticate(username="kepala", password=PASSWORD).role == Role.ADMIN


def test_refuses_when_an_administrator_exists_unless_forced(tmp_path, admin_user):
    with pytest.raises(CommandError):
        call_command("create_first_admin", "--username", "kedua", "--password-file", _file(tmp_path))
    assert not User.objects.filter(username="kedua").exists()
    call_command("create_first_admin", "--username", "kedua", "--password-file", _file(tmp_path), "--force")
    assert User.objects.get(username="kedua").role == Role.ADMIN
    assert AuditEvent.objects.get(action="user.created", object_id=User.objects.get(username="kedua").pk
                                  ).changes["forced"] == [None, True]


def test_an_analyst_does_not_count_as_an_administrator(tmp_path, analyst):
    call_command("create_first_admin", "--username", "kepala", "--password-file", _file(tmp_path))
    assert User.objects.get(username="kepala").role == Role.ADMIN


def test_refuses_a_weak_or_missing_password(tmp_path, monkeypatch):
    monkeypatch.delenv("FIRST_ADMIN_PASSWORD", raising=False)
    monkeypatch.delenv("FIRST_ADMIN_PASSWORD_FILE", raising=False)
    with pytest.raises(CommandError, match="password"):
        call_command("create_first_admin", "--username", "kepala")
    with pytest.raises(CommandError, match="password"):
        call_command("create_first_admin", "--username", "kepala", "--password-file", _file(tmp_path, "123"))
    with pytest.raises(CommandError):
        call_command("create_first_admin", "--username", "kepala", "--password-file", str(tmp_path / "missing"))
    assert not User.objects.filter(role=Role.ADMIN).exists()
    assert not AuditEvent.objects.filter(action="user.created").exists()
