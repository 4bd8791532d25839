"""Permissions for placement companies (P3MI) and foreign employers and agencies."""

from django.utils.translation import gettext_lazy as _

from lindungi.accounts.permissions import define
from lindungi.accounts.roles import Role

AGENCY_VIEW = define("agency.view", _("View P3MI and foreign parties"), roles=(
    Role.ADMIN, Role.ANALYST, Role.UNIT_OFFICER, Role.P3MI_STAFF, Role.CHECKPOINT, Role.PARTNER_API))
AGENCY_WRITE = define("agency.write", _("Register and edit P3MI and foreign parties"), roles=(Role.ADMIN,))
AGENCY_SANCTION = define("agency.sanction", _("Suspend, reinstate and revoke P3MI licences"), roles=(Role.ADMIN,))
