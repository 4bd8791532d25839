"""Permissions for departure checks, the watch list, interceptions and departure credentials.

Checkpoint officers work at a post (``CheckpointPost``); what they record is theirs and their
post's. Analysts read everything; unit officers and P3MI staff only see the credential of a
placement in their scope (to print the worker's card)."""

from django.utils.translation import gettext_lazy as _

from lindungi.accounts.permissions import define
from lindungi.accounts.roles import Role

DEPARTURE_CHECK = define("departure.check", _("Run departure checks at a checkpoint"), roles=(
    Role.ADMIN, Role.CHECKPOINT))
DEPARTURE_VIEW = define("departure.view", _("View departure checks and interceptions"), roles=(
    Role.ADMIN, Role.ANALYST, Role.CHECKPOINT))
INTERCEPTION_RECORD = define("departure.intercept", _("Record interceptions of non-procedural travellers"), roles=(
    Role.ADMIN, Role.CHECKPOINT))
WATCHLIST_VIEW = define("departure.watchlist_view", _("View the departure watch list"), roles=(
    Role.ADMIN, Role.ANALYST, Role.CHECKPOINT))
WATCHLIST_MANAGE = define("departure.watchlist_manage", _("Add, review and remove watch-list entries"), roles=(
    Role.ADMIN, Role.CHECKPOINT))
CREDENTIAL_VIEW = define("departure.credential_view", _("View and print departure credentials"), roles=(
    Role.ADMIN, Role.UNIT_OFFICER, Role.P3MI_STAFF, Role.CHECKPOINT))
CREDENTIAL_MANAGE = define("departure.credential_manage", _("Rotate credential signing keys, revoke credentials"),
                           roles=(Role.ADMIN,))
