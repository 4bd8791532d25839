"""Permissions for returns and repatriation."""

from django.utils.translation import gettext_lazy as _

from lindungi.accounts.permissions import define
from lindungi.accounts.roles import Role

RETURN_VIEW = define("return.view", _("View arrivals (returns, repatriation, remains)"), roles=(
    Role.ADMIN, Role.ANALYST, Role.UNIT_OFFICER, Role.P3MI_STAFF))
RETURN_WRITE = define("return.write", _("Record arrivals at an entry point"), roles=(Role.ADMIN, Role.UNIT_OFFICER))
