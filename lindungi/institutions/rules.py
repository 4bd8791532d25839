"""Standing of a supporting institution on a day, and which kind of institution issues what.

Pure: reads the fields of the institution and of its dated status periods, never the database
(``selectors.institution_standing_on`` loads them). The answer is for a *day*, not for today: a
medical certificate dated during a suspension stays refused after the centre is reinstated, and one
dated the day of reinstatement is accepted.

- a licence not yet in force, or expired, on ``day`` is not in good standing;
- a revocation holds from its date on (final), not before it: what the centre certified earlier
  keeps its standing;
- a suspension covers ``effective_from`` to ``effective_until`` inclusive (no end: until reinstated;
  reinstatement closes the period the day before it takes effect);
- otherwise the institution is in good standing.
"""

from collections.abc import Iterable
from datetime import date, timedelta

from lindungi.common.dates import add_months

ACTIVE = "active"
SUSPENDED = "suspended"
REVOKED = "revoked"
EXPIRED = "expired"
NOT_YET_VALID = "not_yet_valid"

MEDICAL_VALIDITY_MONTHS = 3  # Perpres 64/2011: a fitness certificate is valid 3 months

# Which institution kind trains, examines or certifies (domain.md §2.6, §2.7).
ENROLMENT_KINDS = frozenset({"training_centre"})
MEDICAL_KINDS = frozenset({"medical_centre"})
CERTIFICATE_ISSUERS = {
    "competency": frozenset({"certification_body"}),
    "language": frozenset({"language_test"}),
    "training": frozenset({"training_centre"}),
}


def standing_on(institution, periods: Iterable, day: date) -> tuple[bool, str]:
    """``(in good standing, reason code)`` of ``institution`` on ``day``; ``periods`` are its
    status-history rows (anything with ``status``, ``effective_from``, ``effective_until``)."""
    if day < institution.valid_from:
        return False, NOT_YET_VALID
    if institution.valid_until is not None and day > institution.valid_until:
        return False, EXPIRED
    suspended = False
    for period in periods:
        if period.effective_from > day:
            continue
        if period.status == REVOKED:
            return False, REVOKED
        if period.status == SUSPENDED and (period.effective_until is None or day <= period.effective_until):
            suspended = True
    return (False, SUSPENDED) if suspended else (True, ACTIVE)


def medical_valid_until(examined_on: date) -> date:
    """A medical result is usable for 3 months: examined 10 January, usable up to 9 April."""
    return add_months(examined_on, MEDICAL_VALIDITY_MONTHS) - timedelta(days=1)


def certificate_valid_on(certificate, day: date) -> bool:
    """Issued by ``day`` and not expired on it (standing of the issuer is checked separately)."""
    return certificate.issued_on <= day and (certificate.expires_on is None or day <= certificate.expires_on)
