"""Scorecards of placement companies (P3MI) for a year, for supervision and for a unit's evaluation
meeting: departures, complaints (and per 100 departures), overcharging flags and the amount over the
rules, open cases past their deadline, sanctions opened (and how many reached a suspension or
revocation), deposit drawdowns. Each figure comes from its own domain's selector in one grouped query,
so the cards of every company cost a fixed number of queries. A P3MI sees its own card only."""

import datetime as dt
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from django.db.models import Count, Sum
from django.utils import timezone
from django.utils.translation import gettext as _

from lindungi.accounts.permissions import require_perm
from lindungi.agencies.models import Agency
from lindungi.agencies.selectors import agency_filtered_for, supervision_counts_by_agency
from lindungi.cases.selectors import case_counts_by_agency
from lindungi.common.inputs import add_error, int_field, raise_if_errors
from lindungi.common.replica import reporting
from lindungi.placements.selectors import departures_by_agency, year_bounds
from lindungi.supervision.models import OverchargeFlag
from lindungi.supervision.perms import SCORECARD_VIEW

# Sort keys, largest first (the companies that need attention at the top); ties by name.
SORTS = ("complaints_per_100", "complaints", "overcharge_idr", "overdue_cases", "sanctions", "departures")


@dataclass
class Card:
    agency: Agency
    departures: int = 0
    complaints: int = 0
    complaints_per_100: Decimal | None = None  # None without departures
    overcharge_flags: int = 0
    overcharge_idr: Decimal = Decimal(0)
    overdue_cases: int = 0
    sanctions: int = 0
    suspensions: int = 0
    drawdowns: int = 0
    rank: int = 0


def per_100(count: int, base: int) -> Decimal | None:
    if not base:
        return None
    return (Decimal(count) * 100 / Decimal(base)).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)


def _sort_key(sort: str):
    def key(card: Card):
        value = getattr(card, sort)
        return (-(value if value is not None else Decimal(-1)), card.agency.legal_name)
    return key


@reporting
def scorecards_for(actor, *, year=None, province: str = "", sort: str = "") -> dict:
    """Every company the actor may read (P3MI staff: their own), optionally those with their head
    office in ``province``, ranked by ``sort``."""
    require_perm(actor, SCORECARD_VIEW, _("You are not allowed to read scorecards."))
    errors: dict = {}
    today = timezone.localdate()
    year = int_field(year, "year", errors, minimum=2000, maximum=today.year, default=today.year)
    sort = sort or SORTS[0]
    if sort not in SORTS:
        add_error(errors, "sort", _("Choose one of: %(c)s.") % {"c": ", ".join(SORTS)})
    raise_if_errors(errors)
    visible = agency_filtered_for(actor, province_code=province)
    ids = visible.values("pk")
    start, end = year_bounds(year)
    first, after = dt.date(year, 1, 1), dt.date(year + 1, 1, 1)
    departures = departures_by_agency(start=start, end=end, agency_ids=ids)
    cases = case_counts_by_agency(start=first, end=after, agency_ids=ids, today=today)
    supervision = supervision_counts_by_agency(start=first, end=after, agency_ids=ids)
    flags = {row["agency_id"]: row for row in (
        OverchargeFlag.objects.filter(agency_id__in=ids, entry__paid_on__gte=first, entry__paid_on__lt=after)
        .values("agency_id").annotate(n=Count("id"), over=Sum("amount_over")).order_by())}
    cards = []
    for agency in visible.select_related(None).only("id", "public_id", "legal_name", "sip3mi_number").order_by():
        card = Card(agency=agency, departures=departures.get(agency.pk, 0))
        counted = cases.get(agency.pk, {})
        card.complaints, card.overdue_cases = counted.get("complaints", 0), counted.get("overdue", 0)
        card.complaints_per_100 = per_100(card.complaints, card.departures)
        flagged = flags.get(agency.pk)
        if flagged:
            card.overcharge_flags, card.overcharge_idr = flagged["n"], flagged["over"] or Decimal(0)
        sanctioned = supervision.get(agency.pk, {})
        card.sanctions = sanctioned.get("sanctions", 0)
        card.suspensions = sanctioned.get("suspensions", 0)
        card.drawdowns = sanctioned.get("drawdowns", 0)
        cards.append(card)
    cards.sort(key=_sort_key(sort))
    for position, card in enumerate(cards, start=1):
        card.rank = position
    totals = Card(agency=None, departures=sum(c.departures for c in cards),
                  complaints=sum(c.complaints for c in cards), overcharge_flags=sum(c.overcharge_flags for c in cards),
                  overcharge_idr=sum((c.overcharge_idr for c in cards), Decimal(0)),
                  overdue_cases=sum(c.overdue_cases for c in cards), sanctions=sum(c.sanctions for c in cards),
                  suspensions=sum(c.suspensions for c in cards), drawdowns=sum(c.drawdowns for c in cards))
    totals.complaints_per_100 = per_100(totals.complaints, totals.departures)
    return {"year": year, "province": province, "sort": sort, "cards": cards, "totals": totals}


def scorecard_table(board: dict) -> tuple[list[str], list[list]]:
    """The cards as a header and rows of plain values (XLSX, PDF)."""
    headers = [_("Rank"), _("P3MI"), _("SIP3MI"), _("Departures"), _("Complaints"), _("Complaints per 100"),
               _("Overcharging flags"), _("Over the rules (Rp)"), _("Cases past deadline"), _("Sanctions"),
               _("Suspensions or revocations"), _("Deposit drawdowns")]
    rows = [[c.rank, c.agency.legal_name, c.agency.sip3mi_number, c.departures, c.complaints,
             float(c.complaints_per_100) if c.complaints_per_100 is not None else None, c.overcharge_flags,
             float(c.overcharge_idr), c.overdue_cases, c.sanctions, c.suspensions, c.drawdowns]
            for c in board["cards"]]
    return headers, rows
