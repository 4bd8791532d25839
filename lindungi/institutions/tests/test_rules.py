import datetime as dt
from types import SimpleNamespace as NS

import pytest

from lindungi.institutions import rules

D = dt.date


START, END = D(2024, 1, 1), D(2026, 12, 31)


def inst(valid_from=START, valid_until=END):
    return NS(valid_from=valid_from, valid_until=valid_until)


def period(status, start, end=None):
    return NS(status=status, effective_from=start, effective_until=end)


@pytest.mark.parametrize(("day", "expected"), [
    (D(2023, 12, 31), (False, rules.NOT_YET_VALID)),
    (D(2024, 1, 1), (True, rules.ACTIVE)),
    (D(2026, 12, 31), (True, rules.ACTIVE)),
    (D(2027, 1, 1), (False, rules.EXPIRED)),
])
def test_standing_follows_the_licence_validity(day, expected):
    assert rules.standing_on(inst(), [], day) == expected


def test_open_ended_licence_never_expires():
    assert rules.standing_on(inst(valid_until=None), [], D(2040, 1, 1)) == (True, rules.ACTIVE)


def test_suspension_covers_its_days_inclusive_and_reinstatement_ends_it():
    periods = [period("suspended", D(2025, 3, 1), D(2025, 3, 10)), period("active", D(2025, 3, 11))]
    assert rules.standing_on(inst(), periods, D(2025, 2, 28)) == (True, rules.ACTIVE)
    assert rules.standing_on(inst(), periods, D(2025, 3, 1)) == (False, rules.SUSPENDED)
    assert rules.standing_on(inst(), periods, D(2025, 3, 10)) == (False, rules.SUSPENDED)
    assert rules.standing_on(inst(), periods, D(2025, 3, 11)) == (True, rules.ACTIVE)


def test_open_suspension_lasts_until_reinstated():
    periods = [period("suspended", D(2025, 3, 1))]
    assert rules.standing_on(inst(), periods, D(2026, 6, 1)) == (False, rules.SUSPENDED)


def test_revocation_holds_from_its_date_not_before():
    periods = [period("revoked", D(2025, 6, 1))]
    assert rules.standing_on(inst(), periods, D(2025, 5, 31)) == (True, rules.ACTIVE)
    assert rules.standing_on(inst(), periods, D(2025, 6, 1)) == (False, rules.REVOKED)


def test_medical_result_is_valid_three_months():
    assert rules.medical_valid_until(D(2025, 1, 10)) == D(2025, 4, 9)
    assert rules.medical_valid_until(D(2025, 11, 30)) == D(2026, 2, 27)


def test_certificate_validity():
    cert = NS(issued_on=D(2025, 1, 1), expires_on=D(2027, 12, 31))
    assert not rules.certificate_valid_on(cert, D(2024, 12, 31))
    assert rules.certificate_valid_on(cert, D(2027, 12, 31))
    assert not rules.certificate_valid_on(cert, D(2028, 1, 1))
