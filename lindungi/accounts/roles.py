"""Roles and what each may do. Scoping of rows is separate: see ``lindungi.accounts.scoping``."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class Role(models.TextChoices):
    ADMIN = "admin", _("Central administrator")
    ANALYST = "analyst", _("Central analyst (read-only)")
    UNIT_OFFICER = "unit_officer", _("Unit officer")
    P3MI_STAFF = "p3mi_staff", _("P3MI staff")
    CHECKPOINT = "checkpoint", _("Checkpoint officer")
    PARTNER_API = "partner_api", _("Partner API client")


class Perm:
    PERSON_VIEW = "person.view"
    PERSON_WRITE = "person.write"
    PERSON_MERGE = "person.merge"
    PERSON_EXPORT = "person.export"
    AGENCY_VIEW = "agency.view"
    AGENCY_WRITE = "agency.write"
    AGENCY_SANCTION = "agency.sanction"
    IMPORT_RUN = "import.run"
    REFERENCE_WRITE = "reference.write"
    USER_MANAGE = "user.manage"
    AUDIT_VIEW = "audit.view"


_ALL_READ = {Perm.PERSON_VIEW, Perm.AGENCY_VIEW, Perm.AUDIT_VIEW}

ROLE_PERMS: dict[str, frozenset[str]] = {
    Role.ADMIN: frozenset(
        _ALL_READ
        | {Perm.PERSON_WRITE, Perm.PERSON_MERGE, Perm.PERSON_EXPORT, Perm.AGENCY_WRITE, Perm.AGENCY_SANCTION,
           Perm.IMPORT_RUN, Perm.REFERENCE_WRITE, Perm.USER_MANAGE}
    ),
    Role.ANALYST: frozenset(_ALL_READ | {Perm.PERSON_EXPORT}),
    Role.UNIT_OFFICER: frozenset(
        _ALL_READ | {Perm.PERSON_WRITE, Perm.PERSON_MERGE, Perm.PERSON_EXPORT, Perm.IMPORT_RUN}
    ),
    Role.P3MI_STAFF: frozenset({Perm.PERSON_VIEW, Perm.PERSON_WRITE, Perm.AGENCY_VIEW, Perm.IMPORT_RUN}),
    Role.CHECKPOINT: frozenset({Perm.PERSON_VIEW, Perm.AGENCY_VIEW}),
    Role.PARTNER_API: frozenset({Perm.PERSON_VIEW, Perm.AGENCY_VIEW}),
}

# Roles that may only look a person up by an exact identifier (NIK or passport), never browse.
LOOKUP_ONLY_ROLES = frozenset({Role.CHECKPOINT, Role.PARTNER_API})
# Roles that see every record nationally.
NATIONAL_ROLES = frozenset({Role.ADMIN, Role.ANALYST})
