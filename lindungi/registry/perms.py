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
