from datetime import date, timedelta

from hypothesis import given
from hypothesis import strategies as st

from lindungi.cases import rules
from lindungi.cases.rules import DeadlineAnchors, DeadlineRuleFacts

FIFTEEN_WORKING = DeadlineRuleFacts("no_clarification", 15, rules.WORKING_DAYS, 3, "Perban 6/2024 Pasal 30",
                                    "15 hari kerja", "15 working days")
THIRTY = DeadlineRuleFacts("documents_incomplete", 30, rules.DAYS, 7, "Perban 6/2024 Pasal 30", "30 hari", "30 days")
SIX_MONTHS = DeadlineRuleFacts("no_response", 6, rules.MONTHS, 14, "Perban 6/2024 Pasal 30", "6 bulan", "6 months")
# Idul Fitri 2026 with cuti bersama: 20 (Fri), 23 and 24 March (Mon, Tue) are off; 21/22 are a weekend.
LEBARAN_2026 = frozenset({date(2026, 3, 18), date(2026, 3, 19), date(2026, 3, 20), date(2026, 3, 21),
                          date(2026, 3, 22), date(2026, 3, 23), date(2026, 3, 24)})


def test_working_days_skip_weekends():
    # Monday 2 March 2026 + 15 working days = Monday 23 March without holidays.
    assert rules.add_working_days(date(2026, 3, 2), 15, frozenset()) == date(2026, 3, 23)


def test_working_days_across_lebaran_and_collective_leave():
    # 18, 19, 20, 23, 24 March are holidays or cuti bersama: five more days.
    assert rules.add_working_days(date(2026, 3, 2), 15, LEBARAN_2026) == date(2026, 3, 30)
    assert rules.due_date(FIFTEEN_WORKING, date(2026, 3, 2), LEBARAN_2026) == date(2026, 3, 30)


def test_cutoff_for_working_days_across_a_holiday():
    # On 31 March a request of 2 March is overdue (due 30 March), one of 3 March is not (due 31 March).
    assert rules.cutoff(FIFTEEN_WORKING, date(2026, 3, 31), LEBARAN_2026) == date(2026, 3, 2)


def test_calendar_days_and_months():
    assert rules.due_date(THIRTY, date(2026, 1, 1)) == date(2026, 1, 31)
    assert rules.cutoff(THIRTY, date(2026, 2, 1)) == date(2026, 1, 1)
    assert rules.add_months(date(2025, 8, 31), 6) == date(2026, 2, 28)
    assert rules.due_date(SIX_MONTHS, date(2026, 1, 15)) == date(2026, 7, 15)


def test_deadline_status_colours():
    deadline = rules.Deadline("documents_incomplete", date(2026, 1, 31), THIRTY)
    assert deadline.status(date(2026, 1, 20)) == "on_time"
    assert deadline.status(date(2026, 1, 24)) == "due_soon"
    assert deadline.status(date(2026, 1, 31)) == "due_soon"
    assert deadline.status(date(2026, 2, 1)) == "overdue"


def test_next_deadline_is_the_earliest_running_one():
    anchors = DeadlineAnchors(documents_incomplete_since=date(2026, 1, 1), told_unresolvable_on=date(2025, 12, 1))
    found = rules.next_deadline(anchors, {"documents_incomplete": THIRTY, "no_response": SIX_MONTHS},
                                today=date(2026, 1, 5))
    assert found.code == "documents_incomplete" and found.due == date(2026, 1, 31)


def test_a_rule_not_in_force_when_the_anchor_started_does_not_run():
    later = DeadlineRuleFacts(**{**THIRTY.__dict__, "valid_from": date(2026, 6, 1)})
    assert rules.deadlines(DeadlineAnchors(documents_incomplete_since=date(2026, 1, 1)),
                           {"documents_incomplete": later}, today=date(2026, 7, 1)) == []


@given(anchor=st.dates(min_value=date(2024, 1, 1), max_value=date(2027, 12, 31)),
       today=st.dates(min_value=date(2024, 1, 1), max_value=date(2028, 6, 30)),
       rule=st.sampled_from([FIFTEEN_WORKING, THIRTY, SIX_MONTHS]))
def test_cutoff_agrees_with_due_date(anchor, today, rule):
    """``anchor <= cutoff`` exactly when the due date is before today: the set-based command and the
    per-case evaluation cannot disagree."""
    overdue = rules.due_date(rule, anchor, LEBARAN_2026) < today
    assert (anchor <= rules.cutoff(rule, today, LEBARAN_2026)) == overdue


@given(anchor=st.dates(min_value=date(2024, 1, 1), max_value=date(2027, 12, 31)), days=st.integers(1, 40))
def test_working_days_are_monotone(anchor, days):
    assert rules.add_working_days(anchor + timedelta(days=1), days, LEBARAN_2026) >= \
        rules.add_working_days(anchor, days, LEBARAN_2026)
