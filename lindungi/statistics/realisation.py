"""Realisation: each indicator's rule counted from the records, for one organisational unit (or the
nation) and one period. The rules read the other domains only through their aggregate selectors.

Whose records a unit's figure counts depends on the records:
- placements (departures, completed services): people whose regency of origin the unit covers today
  (``UnitCoverage``), the same rule that scopes the unit officer's lists;
- complaints: the cases the unit handles (``Case.unit``);
- returns: the arrivals the unit received (``Arrival.unit``).
The nation (``unit=None``) counts every record.
"""

import datetime as dt
from dataclasses import dataclass

from lindungi.cases.selectors import cases_resolved_count
from lindungi.placements.selectors import departed_count, reached_count, year_bounds
from lindungi.placements.states import PlacementState
from lindungi.reference.models import OrgUnit
from lindungi.reference.selectors import regency_ids_covered_by
from lindungi.returns.selectors import arrivals_count
from lindungi.statistics.models import Indicator, Rule


@dataclass(frozen=True)
class Period:
    year: int
    month: int = 0  # 0: the whole year

    def bounds(self) -> tuple[dt.datetime, dt.datetime]:
        return year_bounds(self.year, self.month)

    def days(self) -> tuple[dt.date, dt.date]:
        start, end = self.bounds()
        return start.date(), end.date()


def _regencies(unit: OrgUnit | None):
    return None if unit is None else regency_ids_covered_by(unit.pk)


def count(indicator: Indicator, *, period: Period, unit: OrgUnit | None) -> int:
    """The indicator's realisation for ``unit`` (None: the nation) in ``period``."""
    if indicator.rule == Rule.DEPARTURES:
        if not period.month:
            return departed_count(year=period.year, regency_ids=_regencies(unit))  # maintained counts
        start, end = period.bounds()
        return reached_count(to_state=PlacementState.DEPARTED, start=start, end=end, regency_ids=_regencies(unit))
    if indicator.rule == Rule.SERVICES_COMPLETED:
        start, end = period.bounds()
        return reached_count(to_state=PlacementState.READY_TO_DEPART, start=start, end=end,
                             regency_ids=_regencies(unit))
    if indicator.rule == Rule.COMPLAINTS_RESOLVED:
        first, after = period.days()
        return cases_resolved_count(start=first, end=after, unit_id=unit.pk if unit else None,
                                    within_days=indicator.within_days)
    if indicator.rule == Rule.RETURNS:
        start, end = period.bounds()
        return arrivals_count(start=start, end=end, unit_id=unit.pk if unit else None)
    raise ValueError(f"unknown rule {indicator.rule!r}")


def drill_down(indicator: Indicator, *, period: Period, unit: OrgUnit | None = None) -> dict | None:
    """Where the records behind a figure are listed: a web URL name and its query, or None. The
    lists are scoped to the viewer as well, so a unit officer only ever reaches its own records."""
    states = {Rule.DEPARTURES: PlacementState.DEPARTED, Rule.SERVICES_COMPLETED: PlacementState.READY_TO_DEPART}
    if indicator.rule in states and not period.month:
        query = {"reached": states[indicator.rule], "reached_year": period.year}
        if unit is not None:
            query["unit"] = unit.code
        return {"url": "web:placement-list", "query": query}
    if indicator.rule == Rule.COMPLAINTS_RESOLVED:
        return {"url": "web:case-list", "query": {"state": "resolved"}}
    if indicator.rule == Rule.RETURNS:
        return {"url": "web:arrival-board", "query": {}}
    return None
