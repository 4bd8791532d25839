"""Sign-in, API tokens and account management. The web login form and ``POST /api/v1/auth/token``
both go through ``user_authenticate``, so throttling counts failures from either door; account
management (``user.manage``, central administrators) is audited like every other write."""

import re
import secrets
from collections.abc import Mapping
from datetime import timedelta

from django.conf import settings
from django.contrib.auth import authenticate
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from lindungi.accounts import throttle
from lindungi.accounts.models import ApiToken, User, hash_token
from lindungi.accounts.permissions import require_perm
from lindungi.accounts.perms import USER_MANAGE
from lindungi.accounts.roles import Role
from lindungi.audit.services import audit_record, diff, snapshot
from lindungi.common.errors import AuthenticationFailed, Conflict, NotFound, PermissionDenied, ValidationFailed
from lindungi.common.inputs import Errors, add_error, parse_public_id, raise_if_errors, text_field


def _refuse_nul(**values: str) -> None:
    # The database cannot hold (or even compare against) a NUL character; no account has one.
    nul = {name: [_("Null characters are not allowed.")] for name, value in values.items() if "\x00" in (value or "")}
    if nul:
        raise ValidationFailed.from_fields(nul)


def user_authenticate(*, username: str, password: str, via: str, client_ip: str = "") -> User:
    """The account for a username and password, or ``AuthenticationFailed`` (401) with the same
    message whether the username exists or not. A client that failed too often is refused with
    ``TooManyAttempts`` (429) before the password is checked, for any username."""
    _refuse_nul(username=username, password=password)
    address = client_ip or "unknown"
    throttle.check(username=username, address=address)
    user = authenticate(username=username, password=password)
    if user is None:
        throttle.register_failure(username=username, address=address, via=via)
        raise AuthenticationFailed(_("Wrong username or password."))
    throttle.register_success(username=username, address=address)
    return user


def api_token_issue(*, user: User, name: str = "", via: str = "api") -> tuple[ApiToken, str]:
    """Returns the token row and the raw token, which is shown once and never stored."""
    if user.must_change_password:
        raise PermissionDenied(_("This account has a temporary password: change it first "
                                 "(POST /api/v1/auth/password or the web sign-in)."))
    raw = "lnd_" + secrets.token_urlsafe(32)
    with transaction.atomic():
        token = ApiToken.objects.create(
            user=user, name=name[:100], prefix=raw[:8], key_hash=hash_token(raw),
            expires_at=timezone.now() + timedelta(days=settings.API_TOKEN_TTL_DAYS),
        )
        audit_record(actor=user, action="token.issued", obj=token, via=via, changes={"prefix": [None, token.prefix]})
    return token, raw


# How often a token's last use is written back (a write on every request would serialise them).
LAST_USED_RESOLUTION = timedelta(minutes=5)


def api_token_resolve(raw: str) -> User | None:
    """The active account behind a bearer token, checked on every request with one indexed query
    (the token's unique hash, joined to its account): a revoked or expired token, or a deactivated
    account, is refused on the very next request in every worker process."""
    now = timezone.now()
    token = (ApiToken.objects.select_related("user")
             .filter(key_hash=hash_token(raw), revoked_at__isnull=True, expires_at__gt=now, user__is_active=True)
             .first())
    if token is None:
        return None
    if token.last_used_at is None or now - token.last_used_at > LAST_USED_RESOLUTION:
        ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
    return token.user


def api_token_revoke(*, actor: User, token_id: int, via: str) -> ApiToken:
    """Revoke a token: one's own, or anyone's for an account manager. Effective at once."""
    with transaction.atomic():
        token = ApiToken.objects.select_for_update().filter(pk=token_id).first()
        if token is None or (token.user_id != actor.pk and not actor.has_role_perm(USER_MANAGE)):
            raise NotFound(_("Token not found."))
        if token.revoked_at is not None:
            raise Conflict(_("Token already revoked."))
        token.revoked_at = timezone.now()
        token.save(update_fields=["revoked_at"])
        audit_record(actor=actor, action="token.revoked", obj=token, via=via,
                     changes={"revoked_at": [None, token.revoked_at.isoformat()], "user": [token.user_id, None]})
    return token


# ---------------------------------------------------------------------------------------------
# Passwords
# ---------------------------------------------------------------------------------------------


def _check_new_password(password: str, user: User, errors: Errors, *, field: str = "new_password") -> None:
    try:
        validate_password(password, user)
    except ValidationError as exc:
        for message in exc.messages:
            add_error(errors, field, message)


def password_change(*, user: User, old_password: str, new_password: str, via: str) -> User:
    """The account holder sets a new password (also ending a temporary one). Every rule it breaks is
    reported at once; other sessions of the account end (Django's session hash changes)."""
    _refuse_nul(old_password=old_password, new_password=new_password)
    errors: Errors = {}
    if not user.check_password(old_password):
        add_error(errors, "old_password", _("The current password is wrong."))
    if new_password == old_password:
        add_error(errors, "new_password", _("The new password must differ from the current one."))
    _check_new_password(new_password, user, errors)
    raise_if_errors(errors)
    with transaction.atomic():
        user.set_password(new_password)
        was_temporary, user.must_change_password = user.must_change_password, False
        user.save(update_fields=["password", "must_change_password"])
        audit_record(actor=user, action="user.password_changed", obj=user, via=via,
                     changes={"must_change_password": [was_temporary, False]} if was_temporary else {})
    return user


def password_change_by_credentials(*, username: str, old_password: str, new_password: str, via: str,
                                   client_ip: str = "") -> User:
    """For API clients: sign in with the current (e.g. temporary) password and set a new one."""
    user = user_authenticate(username=username, password=old_password, via=via, client_ip=client_ip)
    return password_change(user=user, old_password=old_password, new_password=new_password, via=via)


def _temporary_password() -> str:
    # Four groups of random letters and digits: passes every rule, easy to read out on the phone.
    alphabet = "abcdefghjkmnpqrstuvwxyzACDEFGHJKLMNPQRSTUVWXYZ2345679"
    return "-".join("".join(secrets.choice(alphabet) for _ in range(4)) for _ in range(4))


# ---------------------------------------------------------------------------------------------
# Account management (central administrators)
# ---------------------------------------------------------------------------------------------

USERNAME_RE = re.compile(r"^[\w.@+-]+$")
PROFILE_FIELDS = ("first_name", "last_name", "email", "role", "unit_id", "agency_id")
# Roles scoped by a unit (required for unit officers) or by a company (required for P3MI staff).
UNIT_ROLES = {Role.UNIT_OFFICER, Role.CHECKPOINT}
AGENCY_ROLES = {Role.P3MI_STAFF}


def _manageable(actor, user_id) -> User:
    require_perm(actor, USER_MANAGE, _("You are not allowed to manage accounts."))
    try:
        pk = int(user_id)
    except (TypeError, ValueError):
        raise NotFound(_("Account not found."))
    user = User.objects.select_for_update(of=("self",)).select_related("unit", "agency").filter(pk=pk).first()
    if user is None:
        raise NotFound(_("Account not found."))
    return user


def _profile(data: Mapping, errors: Errors, *, current: User | None = None) -> dict:
    """The profile fields of ``data`` checked together: names, e-mail, role, and the unit (by code) or
    company (by public id) the role needs. Fields absent from ``data`` keep their current value."""
    def given(name):
        return name in data and data[name] is not None

    out = {}
    for name, limit in (("first_name", 150), ("last_name", 150), ("email", 254)):
        if given(name):
            out[name] = text_field(data[name], name, errors, max_length=limit)
    if out.get("email") and not re.match(r"^[^@\s]+@[^@\s]+\.[^@\s]+$", out["email"]):
        add_error(errors, "email", _("Enter a valid e-mail address."))
    role = text_field(data.get("role"), "role", errors) if given("role") else (current.role if current else "")
    if role not in Role.values:
        add_error(errors, "role", _("Choose one of: %(k)s.") % {"k": ", ".join(Role.values)})
    out["role"] = role
    unit_model = User._meta.get_field("unit").related_model
    agency_model = User._meta.get_field("agency").related_model
    unit_id = current.unit_id if current else None
    if given("unit"):
        code = text_field(data["unit"], "unit", errors, max_length=40)
        unit_id = unit_model.objects.filter(code=code).values_list("pk", flat=True).first() if code else None
        if code and unit_id is None:
            add_error(errors, "unit", _("No unit with this code."))
    agency_id = current.agency_id if current else None
    if given("agency"):
        public_id = parse_public_id(data["agency"]) if data["agency"] else None
        agency_id = agency_model.objects.filter(public_id=public_id).values_list("pk", flat=True).first() \
            if public_id else None
        if data["agency"] and agency_id is None:
            add_error(errors, "agency", _("No P3MI company with this id."))
    if role not in UNIT_ROLES:
        unit_id = None
    elif role == Role.UNIT_OFFICER and unit_id is None and "unit" not in errors:
        add_error(errors, "unit", _("A unit officer needs a unit."))
    if role not in AGENCY_ROLES:
        agency_id = None
    elif agency_id is None and "agency" not in errors:
        add_error(errors, "agency", _("P3MI staff need their company."))
    out.update(unit_id=unit_id, agency_id=agency_id)
    return out


def _new_username(value, errors: Errors) -> str:
    username = text_field(value, "username", errors, required=True, max_length=150)
    if username and not USERNAME_RE.match(username):
        add_error(errors, "username", _("Letters, digits and . @ + - _ only."))
    elif username and User.objects.filter(username__iexact=username).exists():
        add_error(errors, "username", _("This username is taken."))
    return username


def user_create(*, actor, data: Mapping, via: str = "web") -> tuple[User, str]:
    """Create an account with a one-time temporary password (returned once, never stored in clear):
    the holder must change it at the first sign-in."""
    require_perm(actor, USER_MANAGE, _("You are not allowed to manage accounts."))
    errors: Errors = {}
    username = _new_username(data.get("username"), errors)
    profile = _profile(data, errors)
    raise_if_errors(errors)
    temporary = _temporary_password()
    with transaction.atomic():
        user = User(username=username, is_active=True, must_change_password=True, **profile)
        user.set_password(temporary)
        user.save()
        audit_record(actor=actor, action="user.created", obj=user, via=via,
                     changes=diff({}, {"username": username, **snapshot(user, PROFILE_FIELDS)}))
    return user, temporary


def user_update(*, actor, user_id, data: Mapping, via: str = "web") -> User:
    """Change an account's names, e-mail, role and unit or company. An administrator cannot take the
    administrator role away from their own account."""
    with transaction.atomic():
        user = _manageable(actor, user_id)
        errors: Errors = {}
        profile = _profile(data, errors, current=user)
        if user.pk == actor.pk and profile["role"] != Role.ADMIN:
            add_error(errors, "role", _("You cannot take the administrator role from your own account."))
        raise_if_errors(errors)
        before = snapshot(user, PROFILE_FIELDS)
        for name, value in profile.items():
            setattr(user, name, value)
        changes = diff(before, snapshot(user, PROFILE_FIELDS))
        if changes:
            user.save(update_fields=list(profile))
            audit_record(actor=actor, action="user.updated", obj=user, via=via, changes=changes,
                         reason=str(data.get("reason") or ""))
    return User.objects.select_related("unit", "agency").get(pk=user.pk)


def user_set_active(*, actor, user_id, active: bool, reason: str = "", via: str = "web") -> User:
    """Deactivate (or reactivate) an account. A deactivated account's sessions and tokens are refused
    on their very next request."""
    with transaction.atomic():
        user = _manageable(actor, user_id)
        if user.pk == actor.pk and not active:
            raise Conflict(_("You cannot deactivate your own account."))
        if user.is_active == active:
            raise Conflict(_("The account is already active.") if active else _("The account is already inactive."))
        user.is_active = active
        user.save(update_fields=["is_active"])
        audit_record(actor=actor, action="user.activated" if active else "user.deactivated", obj=user, via=via,
                     changes={"is_active": [not active, active]}, reason=reason)
    return user


def user_unlock(*, actor, user_id, via: str = "web") -> tuple[User, int]:
    """Lift every sign-in block on the account's username; returns how many were lifted."""
    with transaction.atomic():
        user = _manageable(actor, user_id)
        lifted = throttle.clear_for(user.username)
        audit_record(actor=actor, action="user.unlocked", obj=user, via=via, changes={"blocks_lifted": [lifted, 0]})
    return user, lifted


def user_reset_password(*, actor, user_id, via: str = "web") -> tuple[User, str]:
    """Give the account a one-time temporary password (returned once): its sessions end, its API
    tokens are revoked, its sign-in blocks lifted, and the next sign-in asks for a new password.
    Administrators change their own password themselves (``password_change``)."""
    with transaction.atomic():
        user = _manageable(actor, user_id)
        if user.pk == actor.pk:
            raise Conflict(_("Change your own password on the password page instead."))
        temporary = _temporary_password()
        user.set_password(temporary)
        user.must_change_password = True
        user.save(update_fields=["password", "must_change_password"])
        revoked = ApiToken.objects.filter(user=user, revoked_at__isnull=True).update(revoked_at=timezone.now())
        throttle.clear_for(user.username)
        audit_record(actor=actor, action="user.password_reset", obj=user, via=via,
                     changes={"must_change_password": [False, True], "tokens_revoked": [0, revoked]})
    return user, temporary


def administrator_bootstrap(*, username: str, via: str = "command") -> tuple[User, str]:
    """The first central administrator of a new installation (``manage.py create_administrator``),
    with a temporary password to change at the first sign-in. Audited with no actor."""
    errors: Errors = {}
    username = _new_username(username, errors)
    raise_if_errors(errors)
    temporary = _temporary_password()
    with transaction.atomic():
        user = User(username=username, role=Role.ADMIN, is_staff=True, is_superuser=True, must_change_password=True)
        user.set_password(temporary)
        user.save()
        audit_record(actor=None, action="user.created", obj=user, via=via,
                     changes={"username": [None, username], "role": [None, Role.ADMIN]})
    return user, temporary


def administrator_first(*, username: str, password: str, force: bool = False, via: str = "command") -> User:
    """The first central administrator, created from a deploy script (``manage.py create_first_admin``)
    with a password the operator chose (checked by the password validators). Refused while an active
    central administrator exists, unless ``force`` (recorded in the audit event). Audited with no actor."""
    existing = User.objects.filter(role=Role.ADMIN, is_active=True).count()
    if existing and not force:
        raise Conflict(_("A central administrator already exists; use --force to add another."))
    errors: Errors = {}
    username = _new_username(username, errors)
    candidate = User(username=username, role=Role.ADMIN)
    if not password:
        add_error(errors, "password", _("A password is required."))
    else:
        _check_new_password(password, candidate, errors, field="password")
    raise_if_errors(errors)
    with transaction.atomic():
        user = User(username=username, role=Role.ADMIN, is_staff=True, is_superuser=True, must_change_password=False)
        user.set_password(password)
        user.save()
        audit_record(actor=None, action="user.created", obj=user, via=via,
                     changes={"username": [None, username], "role": [None, Role.ADMIN],
                              "first_administrator": [None, True], "forced": [None, bool(force and existing)]})
    return user


def user_migrate(*, actor, data: Mapping, via: str = "import") -> tuple[str, User]:
    """One account of a migration (``imports``, kind ``users``), by the rules of ``user_create``
    (username, names, e-mail, role, the unit or company the role needs). The account gets **no
    usable password**, never one from a file: nobody can sign in with it until an administrator
    gives it a one-time temporary password (``user_reset_password``), which must be changed at the
    first sign-in. A username already on record is ("existing", that account), left unchanged."""
    require_perm(actor, USER_MANAGE, _("You are not allowed to manage accounts."))
    username = str(data.get("username") or "").strip()
    existing = User.objects.filter(username__iexact=username).first() if username else None
    if existing is not None:
        return "existing", existing
    errors: Errors = {}
    username = _new_username(username, errors)
    profile = _profile(data, errors)
    raise_if_errors(errors)
    with transaction.atomic():
        user = User(username=username, is_active=True, must_change_password=True, **profile)
        user.set_unusable_password()
        user.save()
        audit_record(actor=actor, action="user.created", obj=user, via=via,
                     reason=_("Migrated without a password: give it a temporary password to sign in."),
                     changes=diff({}, {"username": username, **snapshot(user, PROFILE_FIELDS)}))
    return "created", user
