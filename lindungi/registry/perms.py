"""Permissions for the people registry. Scoping (which people) is separate: ``visible_to``."""

from django.utils.translation import gettext_lazy as _

from lindungi.accounts.permissions import define
from lindungi.accounts.roles import Role

PERSON_VIEW = define("person.view", _("View people"), roles=(
    Role.ADMIN, Role.ANALYST, Role.UNIT_OFFICER, Role.P3MI_STAFF, Role.CHECKPOINT, Role.PARTNER_API))
PERSON_WRITE = define("person.write", _("Register and correct people"), roles=(
    Role.ADMIN, Role.UNIT_OFFICER, Role.P3MI_STAFF))
PERSON_MERGE = define("person.merge", _("Review duplicates and merge records"), roles=(
    Role.ADMIN, Role.UNIT_OFFICER))
# P3MI staff export their own company's candidates (scoping keeps everyone else out).
PERSON_EXPORT = define("person.export", _("Export lists of people"), roles=(
    Role.ADMIN, Role.ANALYST, Role.UNIT_OFFICER, Role.P3MI_STAFF))
# Lists and exports show NIKs whole only to the roles that work with them: administrators (corrections,
# merges) and unit officers (identity checks at the desk, duplicate review). Analysts, P3MI staff,
# checkpoint officers and partners see ``3201••••••••0001`` in lists; a person's own page and an
# exact lookup (which the caller made with the NIK) still show it whole.
PERSON_VIEW_FULL_NIK = define("person.view_full_nik", _("See whole NIKs in lists and exports"), roles=(
    Role.ADMIN, Role.UNIT_OFFICER))
