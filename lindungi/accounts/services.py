"""Sign-in with lockout, and API tokens. The web login form and ``POST /api/v1/auth/token`` both
go through ``user_authenticate`` so lockout counts failures from either door."""

import secrets
import time
from datetime import datetime, timedelta

from django.conf import settings
from django.contrib.auth import authenticate
from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from lindungi.accounts.models import ApiToken, User, hash_token
from lindungi.accounts.perms import USER_MANAGE
from lindungi.audit.services import audit_record
from lindungi.common.errors import AccountLocked, AuthenticationFailed, NotFound, PermissionDenied, ValidationFailed


def user_authenticate(*, username: str, password: str, via: str) -> User:
    # The database cannot hold (or even compare against) a NUL character; no account has one.
    nul = {name: [_("Null characters are not allowed.")] for name, value in (("username", username),
           ("password", password)) if "\x00" in (value or "")}
    if nul:
        raise ValidationFailed.from_fields(nul)
    user = User.objects.filter(username=username).first()
    if user is not None and user.is_locked():
        raise AccountLocked(_("Account locked after repeated failed sign-ins. Try again later."))
    authenticated = authenticate(username=username, password=password)
    if authenticated is None:
        if user is not None:
            _register_failure(user, via=via)
        raise AuthenticationFailed(_("Wrong username or password."))
    if authenticated.failed_logins or authenticated.locked_until:
        User.objects.filter(pk=authenticated.pk).update(failed_logins=0, locked_until=None)
    return authenticated


def _register_failure(user: User, *, via: str) -> None:
    with transaction.atomic():
        User.objects.filter(pk=user.pk).update(failed_logins=F("failed_logins") + 1)
        user.refresh_from_db(fields=["failed_logins"])
        if user.failed_logins >= settings.LOGIN_MAX_FAILURES:
            until = timezone.now() + timedelta(minutes=settings.LOGIN_LOCKOUT_MINUTES)
            User.objects.filter(pk=user.pk).update(locked_until=until, failed_logins=0)
            audit_record(actor=None, action="user.locked", obj=user, via=via,
                         changes={"locked_until": [None, until.isoformat()]},
                         reason=f"{settings.LOGIN_MAX_FAILURES} failed sign-ins")


def api_token_issue(*, user: User, name: str = "", via: str = "api") -> tuple[ApiToken, str]:
    """Returns the token row and the raw token, which is shown once and never stored."""
    raw = "lnd_" + secrets.token_urlsafe(32)
    with transaction.atomic():
        token = ApiToken.objects.create(
            user=user, name=name[:100], prefix=raw[:8], key_hash=hash_token(raw),
            expires_at=timezone.now() + timedelta(days=settings.API_TOKEN_TTL_DAYS),
        )
        audit_record(actor=user, action="token.issued", obj=token, via=via, changes={"prefix": [None, token.prefix]})
    return token, raw


# Resolved tokens are remembered per worker process for API_TOKEN_CACHE_SECONDS, so a partner's
# burst of lookups costs one token query, not one per request. Revocation and deactivation
# therefore reach other worker processes within that many seconds (the revoking process forgets
# at once).
_resolved: dict[str, tuple[float, User, datetime]] = {}


def api_token_resolve(raw: str) -> User | None:
    key = hash_token(raw)
    ttl = settings.API_TOKEN_CACHE_SECONDS
    cached = _resolved.get(key)
    if cached and time.monotonic() - cached[0] < ttl and cached[2] > timezone.now():
        return cached[1]
    token = ApiToken.objects.select_related("user").filter(key_hash=key).first()
    if token is None or not token.is_active or not token.user.is_active:
        _resolved.pop(key, None)
        return None
    now = timezone.now()
    if token.last_used_at is None or now - token.last_used_at > timedelta(minutes=5):
        ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
    if ttl > 0:
        if len(_resolved) > 10_000:
            _resolved.clear()
        _resolved[key] = (time.monotonic(), token.user, token.expires_at)
    return token.user


def api_token_revoke(*, actor: User, token_id: int, via: str) -> ApiToken:
    with transaction.atomic():
        token = ApiToken.objects.filter(pk=token_id).first()
        if token is None or (token.user_id != actor.pk and not actor.has_role_perm(USER_MANAGE)):
            raise NotFound(_("Token not found."))
        if token.revoked_at is not None:
            raise PermissionDenied(_("Token already revoked."))
        token.revoked_at = timezone.now()
        token.save(update_fields=["revoked_at"])
        _resolved.pop(token.key_hash, None)
        audit_record(actor=actor, action="token.revoked", obj=token, via=via,
                     changes={"revoked_at": [None, token.revoked_at.isoformat()]})
    return token
