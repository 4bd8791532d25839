"""Dashboard figures for the signed-in actor, always through scoped selectors."""

from lindungi.agencies.models import Agency, AgencyStatus
from lindungi.registry.models import DuplicateCandidate, Person


def dashboard_summary_for(actor) -> dict:
    persons = Person.objects.visible_to(actor).active()
    summary = {"can_browse_persons": not actor.is_lookup_only}
    if not actor.is_lookup_only:
        summary["persons"] = persons.count()
        summary["duplicates_pending"] = DuplicateCandidate.objects.filter(
            status=DuplicateCandidate.Status.PENDING, person_a__in=persons.values("id")
        ).count()
    agencies = Agency.objects.visible_to(actor)
    summary["agencies_active"] = agencies.filter(status=AgencyStatus.ACTIVE).count()
    summary["agencies_suspended"] = agencies.filter(status=AgencyStatus.SUSPENDED).count()
    return summary
