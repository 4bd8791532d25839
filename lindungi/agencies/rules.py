"""Licensing rules for P3MI, kept as plain data and pure functions so they can be read, tested and
changed in one place.

Financial minimums
------------------
Legal basis: Undang-Undang Nomor 18 Tahun 2017 tentang Pelindungan Pekerja Migran Indonesia,
Pasal 54 ayat (1) huruf a and b (in force since 22 November 2017): paid-up capital stated in the
deed of establishment of at least Rp5.000.000.000, and a deposit placed with a state bank of at least
Rp1.500.000.000. The implementing regulation cited for this system is Peraturan Menteri P2MI
Nomor 1 Tahun 2025, Pasal 6, which keeps the same figures.

When the law changes the figures, add a new ``FinancialMinimums`` row to ``FINANCIAL_MINIMUMS`` with
its effective date rather than editing the old one: ``minimums_on(day)`` picks the row in force.
"""

from dataclasses import dataclass
from datetime import date
from decimal import Decimal


@dataclass(frozen=True)
class FinancialMinimums:
    effective_from: date
    paid_up_capital: Decimal
    deposit: Decimal
    legal_basis: str


FINANCIAL_MINIMUMS: tuple[FinancialMinimums, ...] = (
    FinancialMinimums(
        effective_from=date(2017, 11, 22),
        paid_up_capital=Decimal("5000000000"),
        deposit=Decimal("1500000000"),
        legal_basis="UU 18/2017 Pasal 54 ayat (1); Permen P2MI 1/2025 Pasal 6",
    ),
)

# The figures in force today, for messages and forms.
MIN_PAID_UP_CAPITAL = FINANCIAL_MINIMUMS[-1].paid_up_capital
MIN_DEPOSIT = FINANCIAL_MINIMUMS[-1].deposit


def minimums_on(day: date) -> FinancialMinimums:
    """The minimums in force on ``day`` (the earliest row for days before any row took effect)."""
    chosen = FINANCIAL_MINIMUMS[0]
    for row in FINANCIAL_MINIMUMS:
        if row.effective_from <= day:
            chosen = row
    return chosen


def format_rupiah(amount) -> str:
    """Rp5.000.000.000 (Indonesian thousands separator)."""
    return "Rp" + f"{int(Decimal(amount)):,}".replace(",", ".")


# ---------------------------------------------------------------------------------------------
# Standing
# ---------------------------------------------------------------------------------------------

ACTIVE = "active"
SUSPENSION_ENDED = "suspension_ended"
SUSPENSION_SCHEDULED = "suspension_scheduled"
SUSPENDED = "suspended"
REVOKED = "revoked"
EXPIRED = "expired"
NOT_YET_VALID = "not_yet_valid"
PARTIALLY_SUSPENDED = "partially_suspended"

GOOD_STANDING_REASONS = frozenset({ACTIVE, SUSPENSION_ENDED, SUSPENSION_SCHEDULED, PARTIALLY_SUSPENDED})


def suspension_scope(agency) -> tuple[tuple[str, ...], tuple[str, ...]]:
    """(countries, schemes) of the agency's suspension; both empty = all activity."""
    return (tuple(getattr(agency, "suspension_countries", None) or ()),
            tuple(getattr(agency, "suspension_schemes", None) or ()))


def scope_covers(countries, schemes, *, country: str | None, scheme: str | None) -> bool:
    """Whether a suspension scoped to ``countries`` and ``schemes`` covers an activity.

    Each dimension that is restricted must match: a suspension of "Taiwan" and "P to P" covers only
    P to P placements to Taiwan. An empty dimension covers everything. A restricted dimension
    asked without a value (``None``) does not match: the question "is the company barred from all
    activity?" is answered by asking with no country and no scheme."""
    if countries and (country is None or country.upper() not in countries):
        return False
    return not (schemes and (scheme is None or scheme not in schemes))


def standing_on(agency, day: date, *, country: str | None = None, scheme: str | None = None) -> tuple[bool, str]:
    """Whether a company is licensed and in good standing on ``day`` for an activity, with a reason code.

    Pure: reads only the agency's own fields, never the database.

    - a revoked licence is never in good standing (revocation is final);
    - a licence not yet issued or already expired on ``day`` is not in good standing;
    - a suspension covers ``suspended_from`` to ``suspended_until`` inclusive; once its end date has
      passed it counts as lifted even if no officer has recorded the lifting yet; a suspension
      with no end date lasts until it is lifted;
    - a partial suspension (``suspension_countries`` / ``suspension_schemes``) bars only the
      activity it covers (``scope_covers``: pass the placement's ``country`` ISO2 code and
      ``scheme`` code); other activity is in good standing with ``PARTIALLY_SUSPENDED``;
    - otherwise the company is in good standing.
    """
    status = getattr(agency, "status", ACTIVE)
    if status == "revoked":
        return False, REVOKED
    if agency.licence_issued_on and day < agency.licence_issued_on:
        return False, NOT_YET_VALID
    if agency.licence_expires_on and day > agency.licence_expires_on:
        return False, EXPIRED
    start, end = agency.suspended_from, agency.suspended_until
    if status == "suspended" or start is not None:
        if start is not None and day < start:
            return True, SUSPENSION_SCHEDULED
        if end is not None and day > end:
            return True, SUSPENSION_ENDED
        countries, schemes = suspension_scope(agency)
        if (countries or schemes) and not scope_covers(countries, schemes, country=country, scheme=scheme):
            return True, PARTIALLY_SUSPENDED
        return False, SUSPENDED
    return True, ACTIVE


def scope_text(agency) -> dict[str, str]:
    """The scope of a suspension in words ("" for all activity), in Indonesian and English."""
    countries, schemes = suspension_scope(agency)
    parts_id, parts_en = [], []
    if countries:
        parts_id.append("negara tujuan " + ", ".join(countries))
        parts_en.append("destination " + ", ".join(countries))
    if schemes:
        parts_id.append("skema " + ", ".join(schemes))
        parts_en.append("scheme " + ", ".join(schemes))
    return {"id": " dan ".join(parts_id), "en": " and ".join(parts_en)}


_MONTHS_ID = [
    "Januari", "Februari", "Maret", "April", "Mei", "Juni",
    "Juli", "Agustus", "September", "Oktober", "November", "Desember",
]
_MONTHS_EN = [
    "January", "February", "March", "April", "May", "June",
    "July", "August", "September", "October", "November", "December",
]


def _date_id(day: date) -> str:
    return f"{day.day} {_MONTHS_ID[day.month - 1]} {day.year}"


def _date_en(day: date) -> str:
    return f"{day.day} {_MONTHS_EN[day.month - 1]} {day.year}"


def standing_text(agency, day: date) -> dict[str, str]:
    """Plain-language standing for the public register, in Indonesian and English.

    These sentences are data shown side by side, not UI strings, so they are kept here in both
    languages rather than going through the translation catalogue.
    """
    good, reason = standing_on(agency, day)
    if reason == PARTIALLY_SUSPENDED:
        scope = scope_text(agency)
        end = agency.suspended_until
        if end is None:
            return {
                "id": f"Izin dihentikan sementara sebagian ({scope['id']}) sampai ada keputusan lebih lanjut",
                "en": f"Licence partly suspended ({scope['en']}) until further notice",
            }
        return {
            "id": f"Izin dihentikan sementara sebagian ({scope['id']}) sampai {_date_id(end)}",
            "en": f"Licence partly suspended ({scope['en']}) until {_date_en(end)}",
        }
    if good:
        return {"id": "Berizin dan dalam keadaan baik", "en": "Licensed and in good standing"}
    if reason == SUSPENDED:
        end = agency.suspended_until
        if end is None:
            return {
                "id": "Izin dihentikan sementara sampai ada keputusan lebih lanjut",
                "en": "Licence suspended until further notice",
            }
        return {
            "id": f"Izin dihentikan sementara sampai {_date_id(end)}",
            "en": f"Licence suspended until {_date_en(end)}",
        }
    if reason == REVOKED:
        return {"id": "Izin dicabut", "en": "Licence revoked"}
    if reason == EXPIRED:
        return {
            "id": f"Izin telah berakhir pada {_date_id(agency.licence_expires_on)}",
            "en": f"Licence expired on {_date_en(agency.licence_expires_on)}",
        }
    return {
        "id": f"Izin belum berlaku (berlaku mulai {_date_id(agency.licence_issued_on)})",
        "en": f"Licence not yet in force (valid from {_date_en(agency.licence_issued_on)})",
    }
