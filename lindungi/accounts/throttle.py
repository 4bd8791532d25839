"""Sign-in throttling per client address and per (username, client address); see
``SignInThrottle``. Used by ``user_authenticate`` and ``password_change_by_credentials`` (web and
API alike), before the password is even checked, so a blocked client learns nothing more."""

import math
from collections.abc import Mapping
from datetime import timedelta

from django.conf import settings
from django.db import transaction
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from lindungi.accounts.models import SignInThrottle
from lindungi.audit.services import audit_record
from lindungi.common.errors import TooManyAttempts

Scope = SignInThrottle.Scope


def client_address(meta: Mapping) -> str:
    """The client's address from a request's META: ``CLIENT_IP_HEADER`` (set by the reverse proxy;
    its first address) when configured, else the socket's peer."""
    header = settings.CLIENT_IP_HEADER
    if header:
        value = meta.get("HTTP_" + header.upper().replace("-", "_"), "")
        if value:
            return value.split(",")[0].strip()[:45]
    return (meta.get("REMOTE_ADDR") or "unknown")[:45]


def _keys(username: str, address: str) -> list[tuple[str, str, str]]:
    return [(Scope.PAIR, address, username.strip().lower()[:150]), (Scope.ADDRESS, address, "")]


def _limit(scope: str) -> int:
    return settings.LOGIN_MAX_FAILURES if scope == Scope.PAIR else settings.LOGIN_MAX_FAILURES_PER_ADDRESS


def check(*, username: str, address: str) -> None:
    """Raise ``TooManyAttempts`` (429) while this client is blocked, for this username or any."""
    now = timezone.now()
    match = Q()
    for scope, addr, name in _keys(username, address):
        match |= Q(scope=scope, address=addr, username=name)
    until = (SignInThrottle.objects.filter(match, blocked_until__gt=now)
             .order_by("-blocked_until").values_list("blocked_until", flat=True).first())
    if until is not None:
        minutes = max(1, math.ceil((until - now).total_seconds() / 60))
        raise TooManyAttempts(_("Too many failed sign-ins from this address. Try again in %(n)d minute(s).")
                              % {"n": minutes})


def register_failure(*, username: str, address: str, via: str) -> None:
    now = timezone.now()
    window = timedelta(minutes=settings.LOGIN_LOCKOUT_MINUTES)
    with transaction.atomic():
        for scope, addr, name in _keys(username, address):
            row, created = SignInThrottle.objects.select_for_update().get_or_create(
                scope=scope, address=addr, username=name, defaults={"failures": 1, "window_start": now})
            if created:
                failures = 1
            elif row.window_start < now - window:
                SignInThrottle.objects.filter(pk=row.pk).update(failures=1, window_start=now, blocked_until=None)
                failures = 1
            else:
                SignInThrottle.objects.filter(pk=row.pk).update(failures=F("failures") + 1)
                failures = row.failures + 1
            if failures >= _limit(scope):
                until = now + window
                SignInThrottle.objects.filter(pk=row.pk).update(blocked_until=until, failures=0, window_start=now)
                audit_record(actor=None, action="signin.throttled", obj=row, via=via,
                             changes={"blocked_until": [None, until.isoformat()]},
                             reason=f"{failures} failed sign-ins ({scope} {addr} {name})".strip())


def register_success(*, username: str, address: str) -> None:
    """A good password clears the failures of this username from this address (not the address's)."""
    SignInThrottle.objects.filter(scope=Scope.PAIR, address=address, username=username.strip().lower()).delete()


def clear_for(username: str) -> int:
    """Lift every block on a username, from every address (an administrator's "unlock")."""
    deleted, _ = SignInThrottle.objects.filter(scope=Scope.PAIR, username=username.strip().lower()).delete()
    return deleted


def blocked_addresses_for(username: str) -> list[SignInThrottle]:
    return list(SignInThrottle.objects.filter(scope=Scope.PAIR, username=username.strip().lower(),
                                              blocked_until__gt=timezone.now()).order_by("-blocked_until"))
