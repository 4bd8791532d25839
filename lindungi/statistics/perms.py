"""Permissions for indicators, targets and realisation. The public tables need none."""

from django.utils.translation import gettext_lazy as _

from lindungi.accounts.permissions import define
from lindungi.accounts.roles import Role

STATISTICS_VIEW = define("statistics.view", _("View indicators, targets and realisation"), roles=(
    Role.ADMIN, Role.ANALYST, Role.UNIT_OFFICER))
TARGET_SET = define("statistics.target_set", _("Set and revise targets"), roles=(Role.ADMIN,))
PUBLISH = define("statistics.publish", _("Release monthly statistical editions"), roles=(Role.ADMIN,))
INDICATOR_WRITE = define("statistics.indicator_write", _("Edit indicator definitions (dated rule data)"),
                         roles=(Role.ADMIN,))
