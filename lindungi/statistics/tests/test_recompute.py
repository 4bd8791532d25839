"""The counts the statistics read are kept by triggers on every write; after any sequence of writes
they equal a count from scratch, and ``recompute_statistics`` finds and repairs any drift."""

import pytest
from django.core.management import CommandError, call_command
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from lindungi.placements import recount
from lindungi.placements.models import DepartureCount, Placement, PlacementTransition
from lindungi.reference.models import Regency
from lindungi.registry.models import Person
from lindungi.statistics.tests.fixtures import at, reach

pytestmark = pytest.mark.django_db

operations = st.lists(st.one_of(
    st.tuples(st.just("depart"), st.integers(0, 2), st.sampled_from([2024, 2025])),
    st.tuples(st.just("move"), st.integers(0, 2), st.sampled_from(["3201", "3202", "3501"])),
    st.tuples(st.just("agency"), st.integers(0, 2), st.integers(0, 2)),
    st.tuples(st.just("state"), st.integers(0, 2), st.sampled_from(["departed", "working_abroad", "returnee"])),
    st.tuples(st.just("undo"), st.integers(0, 2), st.just(0)),
), min_size=1, max_size=8)


@pytest.fixture
def three(make_placement, make_person, agency, other_agency):
    return [make_placement(person=make_person()) for _ in range(3)], [None, agency, other_agency]


@settings(max_examples=15, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(ops=operations)
def test_maintained_counts_equal_a_recount_after_random_writes(three, ops):
    placements, agencies = three
    for op, i, arg in ops:
        placement = Placement.objects.get(pk=placements[i].pk)
        if op == "depart":
            reach(placement, "departed", at(arg, 1, 1, 3))  # 3:00 on 1 Jan in Jakarta: the previous year in UTC
        elif op == "move":
            Person.objects.filter(pk=placement.person_id).update(regency=Regency.objects.get(code=arg))
        elif op == "agency":
            Placement.objects.filter(pk=placement.pk).update(agency=agencies[arg])
        elif op == "state":
            Placement.objects.filter(pk=placement.pk).update(state=arg)
        elif op == "undo":
            last = PlacementTransition.objects.filter(placement=placement, to_state="departed").order_by("-id").first()
            if last:
                last.delete()
    assert recount.differences() == []


def test_command_reports_drift_and_repairs_it(make_placement, capsys):
    reach(make_placement(), "departed", at(2025))
    call_command("recompute_statistics")
    assert "agree" in capsys.readouterr().out
    DepartureCount.objects.update(n=7)
    with pytest.raises(CommandError):
        call_command("recompute_statistics")
    call_command("recompute_statistics", "--repair")
    assert recount.differences() == []
    assert DepartureCount.objects.get(year=2025).n == 1
