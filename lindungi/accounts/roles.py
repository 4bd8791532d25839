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


# ---------------------------------------------------------------------------------------------
# Placements, job orders and SIP2MI (lindungi.placements). Appended; see
# lindungi/placements/states.py for which transition needs which permission.
# ---------------------------------------------------------------------------------------------
Perm.PLACEMENT_VIEW = "placement.view"
Perm.PLACEMENT_WRITE = "placement.write"  # register a placement, record checklist items
Perm.PLACEMENT_STEP_AGENCY = "placement.step_agency"  # selected, agreement_signed, withdrawn
Perm.PLACEMENT_STEP_OFFICER = "placement.step_officer"  # verification, documents, OPP, abroad, return
Perm.PLACEMENT_STEP_CHECKPOINT = "placement.step_checkpoint"  # departed, failed_departure, intercepted
Perm.JOB_ORDER_VIEW = "job_order.view"
Perm.JOB_ORDER_WRITE = "job_order.write"  # a P3MI enters its job orders
Perm.JOB_ORDER_VERIFY = "job_order.verify"  # record the Perwakilan's verification
Perm.SIP2MI_ISSUE = "sip2mi.issue"  # issue and revoke recruitment permits (central government)

_PLACEMENT_GRANTS: dict[str, frozenset[str]] = {
    Role.ADMIN: frozenset({
        Perm.PLACEMENT_VIEW, Perm.PLACEMENT_WRITE, Perm.PLACEMENT_STEP_AGENCY, Perm.PLACEMENT_STEP_OFFICER,
        Perm.PLACEMENT_STEP_CHECKPOINT, Perm.JOB_ORDER_VIEW, Perm.JOB_ORDER_WRITE, Perm.JOB_ORDER_VERIFY,
        Perm.SIP2MI_ISSUE,
    }),
    Role.ANALYST: frozenset({Perm.PLACEMENT_VIEW, Perm.JOB_ORDER_VIEW}),
    # Unit officers also take the "agency" steps: G to G, perseorangan and special-programme
    # placements have no P3MI, so the unit selects and withdraws them.
    Role.UNIT_OFFICER: frozenset({
        Perm.PLACEMENT_VIEW, Perm.PLACEMENT_WRITE, Perm.PLACEMENT_STEP_AGENCY, Perm.PLACEMENT_STEP_OFFICER,
        Perm.JOB_ORDER_VIEW,
    }),
    Role.P3MI_STAFF: frozenset({
        Perm.PLACEMENT_VIEW, Perm.PLACEMENT_WRITE, Perm.PLACEMENT_STEP_AGENCY, Perm.JOB_ORDER_VIEW,
        Perm.JOB_ORDER_WRITE,
    }),
    Role.CHECKPOINT: frozenset({Perm.PLACEMENT_VIEW, Perm.PLACEMENT_STEP_CHECKPOINT}),
    Role.PARTNER_API: frozenset(),
}
for _role, _perms in _PLACEMENT_GRANTS.items():
    ROLE_PERMS[_role] = frozenset(ROLE_PERMS.get(_role, frozenset()) | _perms)
