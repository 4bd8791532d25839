"""Permissions owned by the kernel: managing accounts and reading the audit trail."""

from django.utils.translation import gettext_lazy as _

from lindungi.accounts.permissions import define
from lindungi.accounts.roles import Role

USER_MANAGE = define("user.manage", _("Manage user accounts, roles and API tokens"), roles=(Role.ADMIN,))
AUDIT_VIEW = define("audit.view", _("Read the change history and the access log"),
                    roles=(Role.ADMIN, Role.ANALYST, Role.UNIT_OFFICER))
