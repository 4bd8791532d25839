"""Test data for statistics: records placed in a period without walking every lifecycle (the
counting rules read only the rows these write), and a national and regional unit pair."""

import datetime as dt

import pytest
from django.utils import timezone

from lindungi.cases.models import Case
from lindungi.placements.models import PlacementTransition
from lindungi.reference.models import OrgUnit
from lindungi.returns.models import Arrival

YEAR = 2025


def at(year=YEAR, month=6, day=15, hour=10):
    return dt.datetime(year, month, day, hour, tzinfo=timezone.get_default_timezone())


def reach(placement, to_state, when):
    """A transition row of ``placement`` to ``to_state`` at ``when`` (counts follow by trigger)."""
    last = PlacementTransition.objects.filter(placement=placement).order_by("-version").first()
    version = (last.version if last else placement.version) + 1
    return PlacementTransition.objects.create(placement=placement, from_state=placement.state, to_state=to_state,
                                              at=when, version=version, reason="test")


def resolve(case, *, registered_on, closed_on):
    Case.objects.filter(pk=case.pk).update(state="resolved", registered_on=registered_on, closed_on=closed_on)


def arrive(unit, when, *, kind="deported"):
    return Arrival.objects.create(kind=kind, arrived_at=when, entry_point_kind="airport",
                                  entry_point="Soekarno-Hatta", unit=unit, full_name="Pekerja")


@pytest.fixture
def hq(db):
    unit = OrgUnit.objects.filter(kind=OrgUnit.Kind.HQ).order_by("code").first()
    return unit or OrgUnit.objects.create(code="PUSAT", name="Pusat", kind=OrgUnit.Kind.HQ)


@pytest.fixture
def unit_jatim(db):
    from lindungi.reference.models import Province, UnitCoverage

    unit = OrgUnit.objects.create(code="TEST-JATIM", name="BP3MI Test Jawa Timur", kind=OrgUnit.Kind.BP3MI)
    UnitCoverage.objects.create(unit=unit, province=Province.objects.get(code="35"))
    return unit
