"""Permissions for placements, job orders and SIP2MI. ``states.TRANSITIONS`` names which of the
three step permissions each lifecycle step needs."""

from django.utils.translation import gettext_lazy as _

from lindungi.accounts.permissions import define
from lindungi.accounts.roles import Role

PLACEMENT_VIEW = define("placement.view", _("View placements"), roles=(
    Role.ADMIN, Role.ANALYST, Role.UNIT_OFFICER, Role.P3MI_STAFF, Role.CHECKPOINT))
PLACEMENT_WRITE = define("placement.write", _("Register placements and record checklist items"), roles=(
    Role.ADMIN, Role.UNIT_OFFICER, Role.P3MI_STAFF))
# Unit officers also take the company steps: G to G, perseorangan and special-programme placements
# have no P3MI, so the unit selects and withdraws them.
PLACEMENT_STEP_AGENCY = define("placement.step_agency", _("Select, sign the agreement, withdraw"), roles=(
    Role.ADMIN, Role.UNIT_OFFICER, Role.P3MI_STAFF))
PLACEMENT_STEP_OFFICER = define(
    "placement.step_officer", _("Verification, documents, OPP, clearance, abroad and return steps"),
    roles=(Role.ADMIN, Role.UNIT_OFFICER))
PLACEMENT_STEP_CHECKPOINT = define(
    "placement.step_checkpoint", _("Departure, failed departure and interception at a checkpoint"),
    roles=(Role.ADMIN, Role.CHECKPOINT))
JOB_ORDER_VIEW = define("job_order.view", _("View job orders and SIP2MI"), roles=(
    Role.ADMIN, Role.ANALYST, Role.UNIT_OFFICER, Role.P3MI_STAFF))
JOB_ORDER_WRITE = define("job_order.write", _("Enter job orders"), roles=(Role.ADMIN, Role.P3MI_STAFF))
JOB_ORDER_VERIFY = define("job_order.verify", _("Record the Perwakilan's verification of job orders"),
                          roles=(Role.ADMIN,))
SIP2MI_ISSUE = define("sip2mi.issue", _("Issue and revoke SIP2MI recruitment permits"), roles=(Role.ADMIN,))
RULES_WRITE = define("placement.rules_write", _("Edit schemes and destination rules (moratoria)"),
                     roles=(Role.ADMIN,))
