"""Permissions for the register of supporting institutions. A person's enrolments, certificates and
medical results are part of the person's record: they are read and written under the registry's
``person.view`` / ``person.write`` and the registry's scoping."""

from django.utils.translation import gettext_lazy as _

from lindungi.accounts.permissions import define
from lindungi.accounts.roles import Role

INSTITUTION_VIEW = define("institution.view", _("View supporting institutions"), roles=(
    Role.ADMIN, Role.ANALYST, Role.UNIT_OFFICER, Role.P3MI_STAFF))
# Unit officers only for institutions in their unit's regencies (``InstitutionQuerySet.writable_by``).
INSTITUTION_WRITE = define("institution.write", _("Register, edit, suspend and revoke supporting institutions"),
                           roles=(Role.ADMIN, Role.UNIT_OFFICER))
