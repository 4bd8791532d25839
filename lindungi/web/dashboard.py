"""Dashboard figures for the signed-in actor, always through scoped selectors."""

from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from lindungi.agencies.models import Agency, AgencyStatus
from lindungi.agencies.rules import standing_on
from lindungi.placements.perms import JOB_ORDER_VIEW, PLACEMENT_VIEW
from lindungi.placements.selectors import placement_pipeline_summary_for
from lindungi.placements.states import PlacementState
from lindungi.registry.models import DuplicateCandidate, Person

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


def dashboard_summary_for(actor) -> dict:
    persons = Person.objects.visible_to(actor).active()
    summary = {"can_browse_persons": not actor.is_lookup_only}
    if not actor.is_lookup_only:
        summary["persons"] = persons.count()
        summary["duplicates_pending"] = DuplicateCandidate.objects.filter(
            status=DuplicateCandidate.Status.PENDING, person_a__in=persons.values("id")
        ).count()
    today = timezone.localdate()
    standings = [standing_on(agency, today)[0] for agency in Agency.objects.visible_to(actor)
                 .exclude(status=AgencyStatus.REVOKED)]
    summary["agencies_active"] = sum(standings)
    summary["agencies_suspended"] = len(standings) - summary["agencies_active"]
    summary["placements"] = _placement_figures(actor)
    summary["can_view_job_orders"] = actor.has_role_perm(JOB_ORDER_VIEW)
    return summary
