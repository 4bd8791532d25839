import datetime as dt
from decimal import Decimal
from types import SimpleNamespace

import pytest

from lindungi.agencies import rules

D = dt.date


def make(**kw):
    base = {"status": "active", "licence_issued_on": D(2025, 1, 1), "licence_expires_on": D(2029, 12, 31),
            "suspended_from": None, "suspended_until": None}
    return SimpleNamespace(**(base | kw))


def test_active_licence_in_period_is_in_good_standing():
    assert rules.standing_on(make(), D(2026, 6, 1)) == (True, rules.ACTIVE)


def test_licence_valid_on_its_last_day_and_expired_the_day_after():
    agency = make()
    assert rules.standing_on(agency, D(2029, 12, 31)) == (True, rules.ACTIVE)
    assert rules.standing_on(agency, D(2030, 1, 1)) == (False, rules.EXPIRED)


def test_licence_without_expiry_never_expires():
    assert rules.standing_on(make(licence_expires_on=None), D(2100, 1, 1)) == (True, rules.ACTIVE)


def test_before_issue_not_yet_valid():
    assert rules.standing_on(make(), D(2024, 12, 31)) == (False, rules.NOT_YET_VALID)


def test_revoked_is_never_in_good_standing():
    agency = make(status="revoked")
    assert rules.standing_on(agency, D(2026, 6, 1)) == (False, rules.REVOKED)
    assert rules.standing_on(agency, D(2025, 1, 1)) == (False, rules.REVOKED)


def test_suspension_covers_its_period_inclusive():
    agency = make(status="suspended", suspended_from=D(2026, 3, 1), suspended_until=D(2026, 5, 31))
    assert rules.standing_on(agency, D(2026, 3, 1)) == (False, rules.SUSPENDED)
    assert rules.standing_on(agency, D(2026, 5, 31)) == (False, rules.SUSPENDED)


def test_ended_suspension_counts_as_lifted_even_without_an_officer_lifting_it():
    agency = make(status="suspended", suspended_from=D(2026, 3, 1), suspended_until=D(2026, 5, 31))
    assert rules.standing_on(agency, D(2026, 6, 1)) == (True, rules.SUSPENSION_ENDED)


def test_scheduled_suspension_not_yet_in_force():
    agency = make(status="suspended", suspended_from=D(2026, 3, 1), suspended_until=D(2026, 5, 31))
    assert rules.standing_on(agency, D(2026, 2, 28)) == (True, rules.SUSPENSION_SCHEDULED)


def test_open_ended_suspension_lasts_until_lifted():
    agency = make(status="suspended", suspended_from=D(2026, 3, 1))
    assert rules.standing_on(agency, D(2029, 1, 1)) == (False, rules.SUSPENDED)


def test_expired_takes_precedence_over_ended_suspension():
    agency = make(status="suspended", suspended_from=D(2026, 3, 1), suspended_until=D(2026, 5, 31),
                  licence_expires_on=D(2026, 4, 30))
    assert rules.standing_on(agency, D(2026, 6, 1)) == (False, rules.EXPIRED)


@pytest.mark.parametrize(
    ("agency", "day", "id_text", "en_text"),
    [
        (make(), D(2026, 1, 1), "Berizin dan dalam keadaan baik", "Licensed and in good standing"),
        (make(status="suspended", suspended_from=D(2026, 3, 1), suspended_until=D(2026, 8, 17)), D(2026, 4, 1),
         "Izin dihentikan sementara sampai 17 Agustus 2026", "Licence suspended until 17 August 2026"),
        (make(status="suspended", suspended_from=D(2026, 3, 1)), D(2026, 4, 1),
         "Izin dihentikan sementara sampai ada keputusan lebih lanjut", "Licence suspended until further notice"),
        (make(status="revoked"), D(2026, 4, 1), "Izin dicabut", "Licence revoked"),
        (make(), D(2030, 1, 1), "Izin telah berakhir pada 31 Desember 2029", "Licence expired on 31 December 2029"),
    ],
)
def test_standing_text_in_both_languages(agency, day, id_text, en_text):
    assert rules.standing_text(agency, day) == {"id": id_text, "en": en_text}


def test_financial_minimums_and_legal_basis():
    row = rules.minimums_on(D(2026, 1, 1))
    assert row.paid_up_capital == Decimal("5000000000")
    assert row.deposit == Decimal("1500000000")
    assert "Pasal" in row.legal_basis
    assert rules.MIN_PAID_UP_CAPITAL == Decimal("5000000000")
    assert rules.format_rupiah(Decimal("1500000000.00")) == "Rp1.500.000.000"


# ---------------------------------------------------------------------------------------------
# partial suspensions
# ---------------------------------------------------------------------------------------------

def _partial(start, end, countries=(), schemes=()):
    return SimpleNamespace(status="suspended", licence_issued_on=dt.date(2020, 1, 1), licence_expires_on=None,
                           suspended_from=start, suspended_until=end, suspension_countries=list(countries),
                           suspension_schemes=list(schemes))


def test_partial_suspension_by_country_exact_days():
    from lindungi.agencies.rules import standing_on

    a = _partial(dt.date(2026, 2, 3), dt.date(2026, 5, 2), countries=["TW"])
    assert standing_on(a, dt.date(2026, 2, 2), country="TW", scheme="p_to_p") == (True, "suspension_scheduled")
    assert standing_on(a, dt.date(2026, 2, 3), country="TW", scheme="p_to_p") == (False, "suspended")
    assert standing_on(a, dt.date(2026, 5, 2), country="TW", scheme="p_to_p") == (False, "suspended")
    assert standing_on(a, dt.date(2026, 5, 3), country="TW", scheme="p_to_p") == (True, "suspension_ended")
    assert standing_on(a, dt.date(2026, 3, 1), country="MY", scheme="p_to_p") == (True, "partially_suspended")
    assert standing_on(a, dt.date(2026, 3, 1), country="tw") == (False, "suspended")
    # Asked without a country: not barred from all activity.
    assert standing_on(a, dt.date(2026, 3, 1)) == (True, "partially_suspended")


def test_partial_suspension_by_scheme_and_by_both():
    from lindungi.agencies.rules import standing_on

    by_scheme = _partial(dt.date(2026, 2, 3), None, schemes=["p_to_p"])
    assert standing_on(by_scheme, dt.date(2030, 1, 1), country="MY", scheme="p_to_p") == (False, "suspended")
    assert standing_on(by_scheme, dt.date(2030, 1, 1), country="MY", scheme="ssw_japan")[0] is True
    both = _partial(dt.date(2026, 2, 3), None, countries=["TW"], schemes=["p_to_p"])
    assert standing_on(both, dt.date(2026, 3, 1), country="TW", scheme="p_to_p")[0] is False
    assert standing_on(both, dt.date(2026, 3, 1), country="TW", scheme="g_to_g")[0] is True
    assert standing_on(both, dt.date(2026, 3, 1), country="HK", scheme="p_to_p")[0] is True


def test_partial_suspension_in_words():
    from lindungi.agencies.rules import standing_text

    text = standing_text(_partial(dt.date(2026, 2, 3), dt.date(2026, 5, 2), countries=["TW"]), dt.date(2026, 3, 1))
    assert "sebagian" in text["id"] and "TW" in text["id"] and "2 Mei 2026" in text["id"]
    assert "partly suspended" in text["en"] and "TW" in text["en"]
