"""Dashboard figures for the signed-in actor, composed from the domains' scoped selectors."""

from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from lindungi.accounts.roles import Role
from lindungi.agencies.rules import standing_text
from lindungi.agencies.selectors import agency_own_for, agency_standing_counts_for
from lindungi.common import replica
from lindungi.placements.perms import JOB_ORDER_VIEW, PLACEMENT_VIEW
from lindungi.placements.selectors import placement_pipeline_summary_for
from lindungi.placements.states import PlacementState
from lindungi.registry.selectors import registry_summary_for

# Labels of the pipeline stages (keys of ``placements.selectors.PIPELINE_STAGES``).
STAGE_LABELS = {
    "abroad": _("Abroad (working, extended, on leave)"),
    "returned": _("Returned, repatriated or deported"),
    "ended": _("Ended (withdrawn, failed, intercepted, deceased)"),
}


def _placement_figures(actor) -> dict | None:
    if not actor.has_role_perm(PLACEMENT_VIEW) or actor.is_lookup_only:
        return None
    summary = placement_pipeline_summary_for(actor)
    for stage in summary["stages"]:
        key = stage["key"]
        stage["label"] = STAGE_LABELS.get(key) or PlacementState(key).label
        # The board filters on one state; a grouped stage links to the board unfiltered.
        stage["state"] = key if len(stage["states"]) == 1 else ""
    return summary


def _own_company(actor) -> dict | None:
    """P3MI staff see their own company and its licence standing instead of register-wide counts."""
    agency = agency_own_for(actor) if actor.role == Role.P3MI_STAFF else None
    if agency is None:
        return None
    today = timezone.localdate()
    good, _reason = agency.standing_on(today)
    language = "en" if (get_language() or "id").startswith("en") else "id"
    return {"agency": agency, "good": good, "standing": standing_text(agency, today)[language]}


@replica.reporting
def dashboard_summary_for(actor) -> dict:
    summary = {"can_browse_persons": not actor.is_lookup_only}
    if not actor.is_lookup_only:
        summary.update(registry_summary_for(actor))
    summary["own_company"] = _own_company(actor)
    if summary["own_company"] is None:
        standing = agency_standing_counts_for(actor)
        summary["agencies_active"], summary["agencies_suspended"] = standing["active"], standing["suspended"]
    summary["placements"] = _placement_figures(actor)
    summary["can_view_job_orders"] = actor.has_role_perm(JOB_ORDER_VIEW)
    return summary
