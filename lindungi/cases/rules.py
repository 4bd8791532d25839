"""Statutory deadlines of the complaint procedure, in pure Python (no database).

Perban 6/2024 Pasal 30 closes a complaint administratively when

- its documents are not completed within 30 days of registration (``documents_incomplete``);
- a clarification asked for is not given within 15 **working** days (``no_clarification``);
- the complainant cannot be reached for 60 consecutive days (``unreachable``);
- the complainant, told the case cannot be resolved, gives no response for 6 months (``no_response``).

The periods, their unit, the warning lead time, the legal basis and the dates they are in force are
data (``models.DeadlineRule``, seeded by migration, edited in the admin); this module only does the
arithmetic. Working days skip Saturdays, Sundays and the days in the holiday table (public holidays
and *cuti bersama*, seeded from the ``holidays`` package and editable).

Every function is monotone in the anchor date (a later anchor never gives an earlier due date), so
the deadline command can turn "due before today" into "anchor on or before a cutoff" and evaluate
every open case with one indexed range condition per rule (``cutoff``).
"""

import calendar
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date, timedelta

DOCUMENTS_INCOMPLETE = "documents_incomplete"
NO_CLARIFICATION = "no_clarification"
UNREACHABLE = "unreachable"
NO_RESPONSE = "no_response"
HANDED_OVER = "handed_over"
# Closure reasons an officer may choose (the four deadlines, and a hand-over to another agency).
CLOSURE_CODES: tuple[str, ...] = (DOCUMENTS_INCOMPLETE, NO_CLARIFICATION, UNREACHABLE, NO_RESPONSE, HANDED_OVER)

DAYS = "days"
WORKING_DAYS = "working_days"
MONTHS = "months"


@dataclass(frozen=True)
class DeadlineRuleFacts:
    code: str
    amount: int
    unit: str  # days / working_days / months
    warn_days: int
    legal_basis: str
    label_id: str
    label_en: str
    valid_from: date | None = None
    valid_to: date | None = None

    def valid_on(self, day: date) -> bool:
        return (self.valid_from is None or self.valid_from <= day) and (self.valid_to is None or day <= self.valid_to)

    def label(self, language: str | None = "id") -> str:
        return self.label_en if (language or "id").startswith("en") else self.label_id


def is_working_day(day: date, holidays: frozenset[date] | set[date]) -> bool:
    return day.weekday() < 5 and day not in holidays


def add_working_days(start: date, n: int, holidays: frozenset[date] | set[date]) -> date:
    """The ``n``-th working day after ``start`` (the day of the request does not count)."""
    day = start
    counted = 0
    while counted < n:
        day += timedelta(days=1)
        if is_working_day(day, holidays):
            counted += 1
    return day


def add_months(start: date, n: int) -> date:
    """Same day ``n`` months later, or the month's last day (31 Aug + 6 months = 28/29 Feb)."""
    month_index = start.month - 1 + n
    year, month = start.year + month_index // 12, month_index % 12 + 1
    return date(year, month, min(start.day, calendar.monthrange(year, month)[1]))


def due_date(rule: DeadlineRuleFacts, anchor: date, holidays: frozenset[date] | set[date] = frozenset()) -> date:
    """The last day on which the obligation can still be met; the case is overdue the day after."""
    if rule.unit == WORKING_DAYS:
        return add_working_days(anchor, rule.amount, holidays)
    if rule.unit == MONTHS:
        return add_months(anchor, rule.amount)
    return anchor + timedelta(days=rule.amount)


def cutoff(rule: DeadlineRuleFacts, today: date, holidays: frozenset[date] | set[date] = frozenset(), *,
           lead_days: int = 0) -> date:
    """The latest anchor whose due date is before ``today + lead_days``: with ``lead_days=0`` the
    anchors that are overdue today, with the rule's ``warn_days`` those to warn about."""
    horizon = today + timedelta(days=lead_days)
    if rule.unit == DAYS:
        return horizon - timedelta(days=rule.amount + 1)
    # Start from an anchor that is certainly not yet due and walk back to the first that is.
    anchor = horizon - timedelta(days=1)
    while due_date(rule, anchor, holidays) >= horizon:
        anchor -= timedelta(days=1)
    return anchor


@dataclass(frozen=True)
class DeadlineAnchors:
    """What the deadlines of one case are counted from (None: that rule does not run)."""

    documents_incomplete_since: date | None = None  # registration day while documents are incomplete
    clarification_requested_on: date | None = None  # the open clarification round
    unreachable_since: date | None = None
    told_unresolvable_on: date | None = None


ANCHOR_OF: dict[str, str] = {
    DOCUMENTS_INCOMPLETE: "documents_incomplete_since",
    NO_CLARIFICATION: "clarification_requested_on",
    UNREACHABLE: "unreachable_since",
    NO_RESPONSE: "told_unresolvable_on",
}


@dataclass(frozen=True)
class Deadline:
    code: str
    due: date
    rule: DeadlineRuleFacts

    def status(self, today: date) -> str:
        """on_time / due_soon / overdue, the colours of the inbox."""
        if self.due < today:
            return "overdue"
        if self.due <= today + timedelta(days=self.rule.warn_days):
            return "due_soon"
        return "on_time"


def deadlines(anchors: DeadlineAnchors, rules: Mapping[str, DeadlineRuleFacts], *, today: date,
              holidays: frozenset[date] | set[date] = frozenset()) -> list[Deadline]:
    """Every running deadline of a case, earliest first. A rule applies if it was in force on the
    day its anchor started."""
    out = []
    for code, attribute in ANCHOR_OF.items():
        anchor = getattr(anchors, attribute)
        rule = rules.get(code)
        if anchor is None or rule is None or not rule.valid_on(anchor):
            continue
        out.append(Deadline(code=code, due=due_date(rule, anchor, holidays), rule=rule))
    return sorted(out, key=lambda d: (d.due, d.code))


def next_deadline(anchors: DeadlineAnchors, rules: Mapping[str, DeadlineRuleFacts], *, today: date,
                  holidays: Iterable[date] = ()) -> Deadline | None:
    found = deadlines(anchors, rules, today=today, holidays=frozenset(holidays))
    return found[0] if found else None
