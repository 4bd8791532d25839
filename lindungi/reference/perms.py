"""Permissions for reference data (regions, countries, occupations, units)."""

from django.utils.translation import gettext_lazy as _

from lindungi.accounts.permissions import define
from lindungi.accounts.roles import Role

REFERENCE_WRITE = define("reference.write", _("Edit reference data"), roles=(Role.ADMIN,))
