"""Permissions for P3MI supervision: the legal cost rules, each worker's cost ledger and the
overcharging flags it raises."""

from django.utils.translation import gettext_lazy as _

from lindungi.accounts.permissions import define
from lindungi.accounts.roles import Role

COST_RULE_VIEW = define("cost_rule.view", _("Read the placement-cost rules and exchange rates"), roles=(
    Role.ADMIN, Role.ANALYST, Role.UNIT_OFFICER, Role.P3MI_STAFF))
# The central administrator stands for the ministry: the rules come from its regulations.
COST_RULE_MANAGE = define("cost_rule.manage", _("Add placement-cost rules and exchange rates"), roles=(Role.ADMIN,))
COST_VIEW = define("cost.view", _("Read workers' placement-cost ledgers"), roles=(
    Role.ADMIN, Role.ANALYST, Role.UNIT_OFFICER, Role.P3MI_STAFF))
COST_RECORD = define("cost.record", _("Record a cost a worker paid"), roles=(
    Role.ADMIN, Role.UNIT_OFFICER, Role.P3MI_STAFF))
# The worker's word is taken by an officer (verification, OPP, departure), never by the company
# that charged the cost.
COST_CONFIRM = define("cost.confirm", _("Record the worker's confirmation or dispute of a cost"), roles=(
    Role.ADMIN, Role.UNIT_OFFICER))
OVERCHARGE_VIEW = define("overcharge.view", _("Read overcharging flags"), roles=(
    Role.ADMIN, Role.ANALYST, Role.UNIT_OFFICER))
OVERCHARGE_ESCALATE = define("overcharge.escalate", _("Escalate an overcharging flag to a complaint and a sanction"),
                             roles=(Role.ADMIN, Role.UNIT_OFFICER))
SCORECARD_VIEW = define("scorecard.view", _("Read the supervision scorecards of placement companies"), roles=(
    Role.ADMIN, Role.ANALYST, Role.UNIT_OFFICER, Role.P3MI_STAFF))
