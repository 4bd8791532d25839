"""Permissions for bulk imports."""

from django.utils.translation import gettext_lazy as _

from lindungi.accounts.permissions import define
from lindungi.accounts.roles import Role

IMPORT_RUN = define("import.run", _("Upload and run bulk imports"), roles=(
    Role.ADMIN, Role.UNIT_OFFICER, Role.P3MI_STAFF))
IMPORT_MAPPINGS = define("import.mappings", _("Edit the mapping table of the migration imports"), roles=(
    Role.ADMIN,))
