"""Checklist expiry, with explicit ``on=`` days (no clock mocking). No database."""

import datetime as dt

import pytest

from lindungi.placements.checklist import (
    ALL_KINDS,
    EXPIRING_SOON_DAYS,
    ItemFacts,
    ItemState,
    add_months,
    checklist_status,
    default_valid_until,
    problems,
)

D = dt.date


@pytest.mark.parametrize(("day", "months", "expected"), [
    (D(2025, 1, 10), 3, D(2025, 4, 10)),
    (D(2025, 1, 31), 1, D(2025, 2, 28)),
    (D(2024, 1, 31), 1, D(2024, 2, 29)),
    (D(2025, 11, 30), 3, D(2026, 2, 28)),
    (D(2025, 12, 15), 1, D(2026, 1, 15)),
])
def test_add_months(day, months, expected):
    assert add_months(day, months) == expected


def test_medical_valid_three_months():
    assert default_valid_until("medical_fitness", D(2025, 1, 10)) == D(2025, 4, 9)


def test_passport_validity_from_the_registry_and_others_none():
    assert default_valid_until("passport", D(2025, 1, 10), passport_expiry=D(2030, 1, 9)) == D(2030, 1, 9)
    assert default_valid_until("competency_certificate", D(2025, 1, 10)) is None


def status_of(item, on, **kw):
    return checklist_status([item], on=on, **kw)[item.kind]


def test_medical_expires_on_its_own_schedule():
    medical = ItemFacts("medical_fitness", D(2025, 1, 10), default_valid_until("medical_fitness", D(2025, 1, 10)))
    assert status_of(medical, D(2025, 2, 1)).status == ItemState.OK
    soon = status_of(medical, D(2025, 3, 15))
    assert soon.status == ItemState.EXPIRING_SOON and soon.days_left == 25 and soon.valid_until == D(2025, 4, 9)
    assert status_of(medical, D(2025, 4, 9)).status == ItemState.EXPIRING_SOON  # last valid day
    expired = status_of(medical, D(2025, 4, 10))
    assert expired.status == ItemState.EXPIRED and expired.valid_until == D(2025, 4, 9)


def test_expiring_soon_boundary_is_thirty_days():
    item = ItemFacts("work_visa", D(2025, 1, 1), D(2025, 12, 31))
    assert status_of(item, D(2025, 12, 31) - dt.timedelta(days=EXPIRING_SOON_DAYS)).status == ItemState.EXPIRING_SOON
    assert status_of(item, D(2025, 12, 31) - dt.timedelta(days=EXPIRING_SOON_DAYS + 1)).status == ItemState.OK


def test_missing_when_absent_or_issued_later():
    status = checklist_status([ItemFacts("opp_attendance", D(2025, 5, 1))], on=D(2025, 4, 30))
    assert set(status) == set(ALL_KINDS)
    assert all(s.status == ItemState.MISSING for s in status.values())


def test_no_expiry_means_ok():
    assert status_of(ItemFacts("opp_attendance", D(2025, 5, 1)), D(2035, 1, 1)).status == ItemState.OK


def test_passport_must_outlast_the_contract():
    passport = ItemFacts("passport", D(2024, 1, 1), D(2027, 6, 30))
    assert status_of(passport, D(2025, 6, 1), contract_end=D(2027, 6, 30)).status == \
        ItemState.EXPIRES_BEFORE_CONTRACT_END
    assert status_of(passport, D(2025, 6, 1), contract_end=D(2027, 6, 29)).status == ItemState.OK
    assert status_of(passport, D(2025, 6, 1)).status == ItemState.OK  # contract end unknown
    assert status_of(passport, D(2027, 7, 1), contract_end=D(2027, 6, 1)).status == ItemState.EXPIRED


def test_voided_medical_is_missing_with_the_void_date():
    medical = ItemFacts("medical_fitness", D(2025, 1, 10), D(2025, 4, 9), voided_on=D(2025, 2, 1))
    before = status_of(medical, D(2025, 1, 31))
    assert before.status == ItemState.OK
    after = status_of(medical, D(2025, 2, 1))
    assert after.status == ItemState.MISSING and after.voided_on == D(2025, 2, 1)


def test_newest_item_counts():
    old = ItemFacts("medical_fitness", D(2025, 1, 10), D(2025, 4, 9))
    new = ItemFacts("medical_fitness", D(2025, 4, 1), D(2025, 6, 30), reference_number="MCU-2")
    status = checklist_status([old, new], on=D(2025, 4, 20))["medical_fitness"]
    assert status.status == ItemState.OK and status.reference_number == "MCU-2"
    # a re-test after a voided certificate makes the kind usable again
    voided = ItemFacts("medical_fitness", D(2025, 1, 10), D(2025, 4, 9), voided_on=D(2025, 2, 1))
    assert checklist_status([voided, new], on=D(2025, 4, 20))["medical_fitness"].status == ItemState.OK


def test_only_selected_kinds_and_problems():
    items = [ItemFacts("work_visa", D(2025, 1, 1), D(2025, 2, 1)), ItemFacts("opp_attendance", D(2025, 1, 1))]
    status = checklist_status(items, on=D(2025, 1, 20), kinds=["work_visa", "opp_attendance"])
    assert set(status) == {"work_visa", "opp_attendance"}
    assert set(problems(status)) == {"work_visa"}
