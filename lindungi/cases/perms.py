"""Permissions for complaints and cases. ``states.TRANSITIONS`` names the permission of each step."""

from django.utils.translation import gettext_lazy as _

from lindungi.accounts.permissions import define
from lindungi.accounts.roles import Role

CASE_VIEW = define("case.view", _("View complaints and cases"), roles=(
    Role.ADMIN, Role.ANALYST, Role.UNIT_OFFICER, Role.P3MI_STAFF))
CASE_WRITE = define("case.write", _("Register complaints, assign them and record their details"), roles=(
    Role.ADMIN, Role.UNIT_OFFICER))
CASE_STEP = define("case.step", _("Move a case through verification, clarification, mediation and closure"),
                   roles=(Role.ADMIN, Role.UNIT_OFFICER))
CASE_ANSWER = define("case.answer", _("Answer a clarification request addressed to the company"), roles=(
    Role.ADMIN, Role.P3MI_STAFF))
CASE_DEADLINES = define("case.deadlines", _("Run the statutory deadline check and edit holidays"), roles=(
    Role.ADMIN,))
TRC_WRITE = define("trc.write", _("Record rapid reaction team (TRC) dispatches"), roles=(
    Role.ADMIN, Role.UNIT_OFFICER))
