"""The trigger-maintained counts always equal counting the rows, whatever path wrote them."""

import datetime as dt

from django.db.models import Count, Sum
from django.utils import timezone

from lindungi.placements import selectors
from lindungi.placements.models import DepartureCount, Placement, PlacementCount, PlacementTransition
from lindungi.placements.states import PlacementState as S
from lindungi.placements.tests.fixtures import advance
from lindungi.registry.models import Person, PersonCount


def _placement_counts():
    counted = {(row["state"], row["person__regency_id"], row["agency_id"] or 0): row["n"]
               for row in Placement.objects.values("state", "person__regency_id", "agency_id").annotate(n=Count("id"))}
    kept = {(c.state, c.regency, c.agency): c.n for c in PlacementCount.objects.exclude(n=0)}
    return counted, kept


def _departures(year):
    rows = PlacementTransition.objects.filter(to_state=S.DEPARTED)
    return sum(1 for t in rows if timezone.localtime(t.at).year == year)


def _person_counts():
    active = Person.objects.filter(merged_into__isnull=True)
    counted = {(row["regency_id"], row["agency_id"] or 0): row["n"]
               for row in active.values("regency_id", "agency_id").annotate(n=Count("id"))}
    return counted, {(c.regency, c.agency): c.n for c in PersonCount.objects.exclude(n=0)}


def test_counts_follow_every_write(admin_user, make_placement, make_person, other_regency, agency, other_agency):
    first = advance(make_placement(), S.DEPARTED, officer=admin_user)
    second = make_placement()
    third = make_placement(person=make_person(agency=agency))
    counted, kept = _placement_counts()
    assert counted == kept and sum(kept.values()) == 3
    assert _person_counts()[0] == _person_counts()[1]
    year = timezone.localdate().year
    assert DepartureCount.objects.filter(year=year).aggregate(n=Sum("n"))["n"] == _departures(year) == 1

    # Bulk and raw writes count too: a state change, a P3MI change, a person moving regency.
    Placement.objects.filter(pk=second.pk).update(state=S.WITHDRAWN)
    Placement.objects.filter(pk=first.pk).update(agency=other_agency)
    Person.objects.filter(pk=first.person_id).update(regency=other_regency)
    Person.objects.filter(pk=third.person_id).update(agency=None)
    counted, kept = _placement_counts()
    assert counted == kept
    assert _person_counts()[0] == _person_counts()[1]
    departures = {(c.year, c.regency, c.agency): c.n for c in DepartureCount.objects.exclude(n=0)}
    assert departures == {(year, other_regency.pk, other_agency.pk): 1}

    # A merged person leaves the count; deleting rows takes theirs away.
    merged = make_person()
    Person.objects.filter(pk=merged.pk).update(merged_into=third.person)
    assert _person_counts()[0] == _person_counts()[1]
    PlacementTransition.objects.filter(placement=first).delete()
    first.credentials.all().delete()  # a placement ready to depart was issued a departure credential
    Placement.objects.filter(pk__in=[first.pk, second.pk]).delete()
    counted, kept = _placement_counts()
    assert counted == kept and sum(kept.values()) == 1
    assert not DepartureCount.objects.exclude(n=0).exists()


def test_departures_are_counted_in_the_local_calendar_year(admin_user, make_placement):
    placement = advance(make_placement(), S.DEPARTED, officer=admin_user)
    # 2020-12-31 20:00 UTC is 2021-01-01 03:00 in Jakarta.
    at = dt.datetime(2020, 12, 31, 20, 0, tzinfo=dt.UTC)
    PlacementTransition.objects.create(placement=placement, from_state=S.READY_TO_DEPART, to_state=S.DEPARTED,
                                       actor=admin_user, at=at, version=99)
    assert selectors.placement_departed_count_for(admin_user, year=2021) == 1
    assert selectors.placement_departed_count_for(admin_user, year=2020) == 0


def test_dashboard_and_board_counts_are_scoped(unit_officer, p3mi_user, admin_user, make_placement, make_person,
                                               other_regency, agency):
    make_placement()  # Bogor, Jawa Barat
    make_placement(person=make_person(regency_obj=other_regency))  # Jawa Timur
    assert sum(selectors.placement_state_counts_for(admin_user).values()) == 2
    assert sum(selectors.placement_state_counts_for(unit_officer).values()) == 1
    own = sum(1 for p in Placement.objects.all() if p.agency_id == agency.pk)
    assert sum(selectors.placement_state_counts_for(p3mi_user).values()) == own
    page = selectors.placement_list_for(unit_officer)
    assert page.total == 1 and len(page.items) == 1
