"""The maintained counts (``counts.py``) recounted from the records, compared with what the triggers
kept, and rebuilt when they disagree. ``manage.py recompute_statistics`` runs this; a test proves that
after any sequence of writes the two agree to the last unit."""

import datetime as dt
import zoneinfo

from django.conf import settings
from django.db import connection, transaction
from django.db.models import Count
from django.db.models.functions import ExtractYear

from lindungi.placements import counts
from lindungi.placements.models import DepartureCount, Placement, PlacementCount, PlacementTransition
from lindungi.placements.states import PlacementState

TABLES = ("placements_placementcount", "placements_departurecount")


def _zone() -> tuple[str, int]:
    offset = dt.datetime.now(zoneinfo.ZoneInfo(settings.TIME_ZONE)).utcoffset()
    return settings.TIME_ZONE, int(offset.total_seconds() // 60)


def recounted() -> dict[str, dict[tuple, int]]:
    """Every count as the records give it: placements per (state, regency, P3MI) and departures per
    (year in the installation's calendar, regency, P3MI); P3MI 0 is none."""
    rows = Placement.objects.order_by().values("state", "person__regency_id", "agency_id").annotate(n=Count("id"))
    placements = {(r["state"], r["person__regency_id"], r["agency_id"] or 0): r["n"] for r in rows}
    departures = {(r["year"], r["placement__person__regency_id"], r["placement__agency_id"] or 0): r["n"] for r in
                  PlacementTransition.objects.filter(to_state=PlacementState.DEPARTED).order_by()
                  .annotate(year=ExtractYear("at"))
                  .values("year", "placement__person__regency_id", "placement__agency_id").annotate(n=Count("id"))}
    return {TABLES[0]: placements, TABLES[1]: departures}


def maintained() -> dict[str, dict[tuple, int]]:
    return {
        TABLES[0]: {(c.state, c.regency, c.agency): c.n for c in PlacementCount.objects.exclude(n=0)},
        TABLES[1]: {(c.year, c.regency, c.agency): c.n for c in DepartureCount.objects.exclude(n=0)},
    }


def differences() -> list[tuple[str, tuple, int, int]]:
    """(table, key, maintained, recounted) for every count that disagrees."""
    kept, counted = maintained(), recounted()
    out = []
    for table in TABLES:
        for key in sorted(set(kept[table]) | set(counted[table]), key=str):
            if kept[table].get(key, 0) != counted[table].get(key, 0):
                out.append((table, key, kept[table].get(key, 0), counted[table].get(key, 0)))
    return out


def rebuild() -> None:
    """Replace the maintained counts with a count from scratch (the migration's backfill)."""
    vendor = connection.vendor
    with transaction.atomic(), connection.cursor() as cursor:
        for table in TABLES:
            cursor.execute(f"DELETE FROM {table}")  # noqa: S608 - fixed table names
        for sql in counts.backfill(vendor, *_zone()):
            cursor.execute(sql)
