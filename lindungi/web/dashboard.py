"""Dashboard figures for the signed-in actor, always through scoped selectors."""

from django.utils import timezone

from lindungi.agencies.models import Agency, AgencyStatus
from lindungi.agencies.rules import standing_on
from lindungi.registry.models import DuplicateCandidate, Person


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
    return summary
