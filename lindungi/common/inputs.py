"""Loosely typed input (JSON values, form strings, spreadsheet cells) into typed values.

Every service validates with these, so a date, an amount or a public id means the same thing and
fails with the same message whether it came from the API, a web form or an import row. The
``*_field`` helpers collect problems into an ``errors`` dict of ``{field: [reasons]}`` instead of
raising at the first one, so a caller reports every bad field at once and then calls
``raise_if_errors``.
"""

import datetime as dt
import re
import uuid
from decimal import Decimal, InvalidOperation
from typing import Any

from django.utils import timezone
from django.utils.translation import gettext as _

from lindungi.common.errors import ValidationFailed

Errors = dict[str, list[str]]

# Money columns are max_digits=18, decimal_places=2.
MAX_MONEY = Decimal("9999999999999999.99")
_SPACES = re.compile(r"\s+")


def add_error(errors: Errors, name: str, message: str) -> None:
    errors.setdefault(name, []).append(str(message))


def raise_if_errors(errors: Errors) -> None:
    if errors:
        raise ValidationFailed.from_fields(errors)


def parse_public_id(value: Any) -> uuid.UUID | None:
    """The UUID a public id stands for, or None when it is not one (then nothing can match)."""
    if isinstance(value, uuid.UUID):
        return value
    try:
        return uuid.UUID(str(value))
    except (TypeError, ValueError, AttributeError):
        return None


def is_public_id(value: Any) -> bool:
    return parse_public_id(value) is not None


def clean_text(value: Any) -> str:
    """Trimmed text with inner runs of whitespace collapsed; a whole-number spreadsheet cell
    (``3201.0``) reads as its digits."""
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return _SPACES.sub(" ", str(value)).strip()


def parse_date(value: Any) -> dt.date | None:
    """ISO dates (2024-01-31), Indonesian day-first dates (31-01-2024, 31/01/2024) and spreadsheet
    date cells. Empty gives None; anything else raises ``ValueError``."""
    if value in (None, ""):
        return None
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    text = clean_text(value)
    if len(text) == 10 and text[4] == "-":
        try:
            return dt.date.fromisoformat(text)
        except ValueError:
            pass
    for fmt in ("%d-%m-%Y", "%d/%m/%Y"):
        try:
            return dt.datetime.strptime(text, fmt).date()
        except ValueError:
            continue
    raise ValueError(text)


def text_field(value: Any, name: str, errors: Errors, *, required: bool = False, max_length: int | None = None) -> str:
    text = clean_text(value)
    if required and not text:
        add_error(errors, name, _("This field is required."))
    elif max_length is not None and len(text) > max_length:
        add_error(errors, name, _("At most %(n)d characters (this has %(len)d).") % {"n": max_length, "len": len(text)})
    return text


def date_field(value: Any, name: str, errors: Errors, *, required: bool = False,
               not_future: bool = False) -> dt.date | None:
    try:
        day = parse_date(value)
    except ValueError:
        add_error(errors, name, _("Enter a date such as 2024-01-31 (YYYY-MM-DD)."))
        return None
    if day is None:
        if required:
            add_error(errors, name, _("This field is required."))
        return None
    if not_future and day > timezone.localdate():
        add_error(errors, name, _("The date cannot be in the future."))
    return day


def int_field(value: Any, name: str, errors: Errors, *, minimum: int = 0, maximum: int | None = None,
              default: int | None = None) -> int | None:
    """A whole number; empty gives ``default``, or "required" when there is no default."""
    if value in (None, ""):
        if default is None:
            add_error(errors, name, _("This field is required."))
        return default
    if isinstance(value, bool):
        add_error(errors, name, _("Enter a whole number."))
        return None
    try:
        number = int(value) if not isinstance(value, float) or value.is_integer() else None
    except (TypeError, ValueError):
        number = None
    if number is None:
        add_error(errors, name, _("Enter a whole number."))
        return None
    if number < minimum:
        add_error(errors, name, _("Must be at least %(n)s.") % {"n": minimum})
        return None
    if maximum is not None and number > maximum:
        add_error(errors, name, _("Must be at most %(n)s.") % {"n": maximum})
        return None
    return number


def money_field(value: Any, name: str, errors: Errors, *, required: bool = False, positive: bool = False,
                maximum: Decimal = MAX_MONEY) -> Decimal | None:
    """An amount with at most two decimals, zero or more (more than zero with ``positive``), no
    more than ``maximum`` (the column's capacity)."""
    if value in (None, ""):
        if required:
            add_error(errors, name, _("This field is required."))
        return None
    try:
        amount = Decimal(str(value).replace(" ", ""))
    except (InvalidOperation, ValueError):
        add_error(errors, name, _("Enter an amount, e.g. 1500000 or 1500.50."))
        return None
    if not amount.is_finite() or amount < 0 or (positive and amount == 0):
        add_error(errors, name, _("Enter a positive amount.") if positive else _("Enter an amount of zero or more."))
        return None
    if amount > maximum:
        add_error(errors, name, _("This amount is too large."))
        return None
    return amount.quantize(Decimal("0.01"))


def reason_field(value: Any, errors: Errors, *, name: str = "reason") -> str:
    """The reason a step or a correction needs; required."""
    reason = str(value or "").strip()
    if not reason:
        add_error(errors, name, _("A reason is required."))
    return reason


def client_address(request) -> str:
    """The address a request came from, for rate limiting (the reverse proxy sets REMOTE_ADDR;
    client-supplied forwarding headers are not trusted)."""
    return request.META.get("REMOTE_ADDR", "") or "unknown"
