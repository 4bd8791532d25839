"""Each counting rule, by its definition: which records, which date, whose unit."""

import datetime as dt

import pytest

from lindungi.statistics import realisation
from lindungi.statistics.models import Indicator
from lindungi.statistics.tests.fixtures import YEAR, arrive, at, reach, resolve

pytestmark = pytest.mark.django_db

PERIOD = realisation.Period(YEAR)


def indicator(rule):
    return Indicator.objects.get(rule=rule)


def test_seeded_indicators_have_definitions_in_both_languages():
    rows = list(Indicator.objects.all())
    assert {i.rule for i in rows} >= {"departures", "services_completed", "complaints_resolved", "returns"}
    assert all(i.definition_id and i.definition_en and i.date_basis and i.plan_reference for i in rows)


def test_departures_count_transitions_to_departed_by_their_date_and_the_person_s_regency(
        make_placement, make_person, other_regency, unit_jabar, unit_jatim):
    west = make_placement()
    east = make_placement(person=make_person(regency_obj=other_regency))
    reach(west, "departed", at(YEAR, 3))
    reach(east, "departed", at(YEAR, 12, 31, 20))  # 31 Dec 20:00 in Jakarta: still this year
    late = make_placement(person=make_person())
    reach(late, "departed", at(YEAR + 1, 1, 1, 1))  # next year
    reach(make_placement(person=make_person()), "ready_to_depart", at(YEAR, 5))  # not a departure
    departures = indicator("departures")
    assert realisation.count(departures, period=PERIOD, unit=None) == 2
    assert realisation.count(departures, period=PERIOD, unit=unit_jabar) == 1
    assert realisation.count(departures, period=PERIOD, unit=unit_jatim) == 1
    assert realisation.count(departures, period=realisation.Period(YEAR, 3), unit=unit_jabar) == 1
    assert realisation.count(departures, period=realisation.Period(YEAR, 4), unit=unit_jabar) == 0
    assert realisation.count(departures, period=realisation.Period(YEAR + 1), unit=None) == 1


def test_services_completed_count_ready_to_depart_not_departures(make_placement, make_person, unit_jabar):
    reach(make_placement(), "ready_to_depart", at(YEAR, 2))
    departed = make_placement(person=make_person())
    reach(departed, "departed", at(YEAR, 2))
    services = indicator("services_completed")
    assert realisation.count(services, period=PERIOD, unit=None) == 1
    assert realisation.count(services, period=PERIOD, unit=unit_jabar) == 1


def test_complaints_resolved_within_the_deadline_by_resolution_date_and_handling_unit(make_case, unit_jabar,
                                                                                       unit_jatim):
    rule = indicator("complaints_resolved")
    days = rule.within_days
    on_time = make_case()
    resolve(on_time, registered_on=dt.date(YEAR, 3, 1), closed_on=dt.date(YEAR, 3, 1) + dt.timedelta(days=days))
    too_late = make_case()
    resolve(too_late, registered_on=dt.date(YEAR, 3, 1),
            closed_on=dt.date(YEAR, 3, 1) + dt.timedelta(days=days + 1))
    last_year = make_case()
    resolve(last_year, registered_on=dt.date(YEAR - 1, 12, 20), closed_on=dt.date(YEAR - 1, 12, 31))
    make_case()  # still open
    assert realisation.count(rule, period=PERIOD, unit=None) == 1
    assert realisation.count(rule, period=PERIOD, unit=unit_jabar) == 1  # the officer's unit handles them
    assert realisation.count(rule, period=PERIOD, unit=unit_jatim) == 0
    assert realisation.count(rule, period=realisation.Period(YEAR - 1), unit=None) == 1


def test_returns_count_arrivals_by_arrival_date_and_receiving_unit(unit_jabar, unit_jatim):
    arrive(unit_jabar, at(YEAR, 1))
    arrive(unit_jabar, at(YEAR, 7), kind="in_difficulty")
    arrive(unit_jatim, at(YEAR, 7))
    arrive(unit_jatim, at(YEAR - 1, 7))
    arrive(unit_jatim, at(YEAR, 7), kind="family")  # a family member is not a worker's return
    returns = indicator("returns")
    assert realisation.count(returns, period=PERIOD, unit=None) == 3
    assert realisation.count(returns, period=PERIOD, unit=unit_jabar) == 2
    assert realisation.count(returns, period=realisation.Period(YEAR, 7), unit=unit_jatim) == 1


def test_a_placement_walked_to_departed_through_the_services_counts_once(admin_user, make_placement):
    from lindungi.placements.states import PlacementState
    from lindungi.placements.tests.fixtures import advance

    placement = advance(make_placement(), PlacementState.DEPARTED, officer=admin_user)
    this_year = realisation.Period(placement.state_changed_at.astimezone().year)
    assert realisation.count(indicator("departures"), period=this_year, unit=None) == 1
    assert realisation.count(indicator("services_completed"), period=this_year, unit=None) == 1
