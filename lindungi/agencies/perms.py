"""Permissions for placement companies (P3MI) and foreign employers and agencies."""

from django.utils.translation import gettext_lazy as _

from lindungi.accounts.permissions import define
from lindungi.accounts.roles import Role

AGENCY_VIEW = define("agency.view", _("View P3MI and foreign parties"), roles=(
    Role.ADMIN, Role.ANALYST, Role.UNIT_OFFICER, Role.P3MI_STAFF, Role.CHECKPOINT, Role.PARTNER_API))
AGENCY_WRITE = define("agency.write", _("Register and edit P3MI and foreign parties"), roles=(Role.ADMIN,))
AGENCY_SANCTION = define("agency.sanction", _("Suspend, reinstate and revoke P3MI licences"), roles=(Role.ADMIN,))
SANCTION_VIEW = define("sanction.view", _("View sanctions against P3MI (P3MI staff: their own)"), roles=(
    Role.ADMIN, Role.ANALYST, Role.UNIT_OFFICER, Role.P3MI_STAFF))
SANCTION_OPEN = define("sanction.open", _("Record a finding against a P3MI and request clarification"), roles=(
    Role.ADMIN, Role.UNIT_OFFICER))
DRAWDOWN_VIEW = define("deposit.view_drawdowns", _("View deposit drawdowns (P3MI staff: their own)"), roles=(
    Role.ADMIN, Role.ANALYST, Role.UNIT_OFFICER, Role.P3MI_STAFF))
DRAWDOWN_REQUEST = define("deposit.request_drawdown", _("Request a drawdown of a P3MI deposit"), roles=(
    Role.ADMIN, Role.UNIT_OFFICER))
DRAWDOWN_DECIDE = define("deposit.decide_drawdown", _("Approve, reject and pay out deposit drawdowns"), roles=(
    Role.ADMIN,))
