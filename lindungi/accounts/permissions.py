"""The permission registry: one way to declare, grant and check a permission.

Each domain app declares the permissions it owns in its own ``<app>/perms.py``::

    PERSON_VIEW = define("person.view", _("View people"), roles=(Role.ADMIN, Role.ANALYST, ...))

``define`` returns the code string, so callers import the constant from the app that owns it
(``from lindungi.registry.perms import PERSON_VIEW``) and never type the string themselves. The
roles that hold a permission are written beside its definition, so a reviewer reads one file to
know who may do what in that domain. ``AccountsConfig.ready`` imports every installed app's
``perms`` module at start-up, so the registry is complete before the first request.

Checking is ``require_perm(actor, PERM)`` (raises ``PermissionDenied``) or ``has_perm``; a code
that was never defined raises ``KeyError`` instead of silently refusing, so a typo fails loudly
in tests.
"""

from collections.abc import Iterable
from dataclasses import dataclass

from django.utils.translation import gettext as _

from lindungi.common.errors import PermissionDenied


@dataclass(frozen=True)
class Permission:
    code: str
    label: str
    roles: frozenset[str]
    app: str


_DEFINED: dict[str, Permission] = {}
_GRANTS: dict[str, set[str]] = {}


def define(code: str, label, *, roles: Iterable[str]) -> str:
    """Declare a permission and the roles that hold it; returns ``code``. Defining the same code
    twice with other roles is a programming error."""
    roles = frozenset(str(role) for role in roles)
    app = code.split(".", 1)[0]
    existing = _DEFINED.get(code)
    if existing is not None and existing.roles != roles:
        raise ValueError(f"permission {code!r} is defined twice with different roles")
    _DEFINED[code] = Permission(code=code, label=str(label), roles=roles, app=app)
    for role in roles:
        _GRANTS.setdefault(role, set()).add(code)
    return code


def defined() -> dict[str, Permission]:
    """Every registered permission by code (for documentation, admin screens and tests)."""
    return dict(_DEFINED)


def grants_for(role: str) -> frozenset[str]:
    return frozenset(_GRANTS.get(str(role), ()))


def has_perm(actor, code: str) -> bool:
    if code not in _DEFINED:
        raise KeyError(f"undefined permission {code!r}")
    if actor is None or not getattr(actor, "is_authenticated", False) or not actor.is_active:
        return False
    return code in _GRANTS.get(actor.role, ())


def require_perm(actor, code: str, message: str | None = None) -> None:
    """Raise ``PermissionDenied`` (403) unless the actor holds ``code``."""
    if not has_perm(actor, code):
        raise PermissionDenied(message or _("You are not allowed to do this."))
