"""The roles a user account can hold. What each role may do is declared by the domain apps in
their ``perms.py`` (see ``lindungi.accounts.permissions``); which rows it sees is
``lindungi.accounts.scoping``."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class Role(models.TextChoices):
    ADMIN = "admin", _("Central administrator")
    ANALYST = "analyst", _("Central analyst (read-only)")
    UNIT_OFFICER = "unit_officer", _("Unit officer")
    P3MI_STAFF = "p3mi_staff", _("P3MI staff")
    CHECKPOINT = "checkpoint", _("Checkpoint officer")
    PARTNER_API = "partner_api", _("Partner API client")


# Roles that may only look a person up by an exact identifier (NIK or passport), never browse.
LOOKUP_ONLY_ROLES = frozenset({Role.CHECKPOINT, Role.PARTNER_API})
# Roles that see every record nationally.
NATIONAL_ROLES = frozenset({Role.ADMIN, Role.ANALYST})
