"""NIK (Nomor Induk Kependudukan) rules, pure Python.

Layout: PP KK CC DD MM YY SSSS — province, regency and district codes of *first* registration,
day of birth (plus 40 for women), month, two-digit year, and a sequence from 0001. Structural faults
are errors; a birth date or sex that disagrees with an otherwise sound NIK is only a warning,
because legacy NIKs with such mismatches exist and cannot be corrected.
"""

import calendar
from dataclasses import dataclass
from datetime import date

from django.utils import translation
from django.utils.translation import gettext as _


@dataclass(frozen=True)
class NikInfo:
    province_code: str
    regency_code: str
    district_code: str
    day: int
    month: int
    year2: int
    sex: str  # "M" or "F"
    sequence: str


def parse_nik(nik: str, *, known_regency_codes, known_province_codes) -> tuple[NikInfo | None, list[str]]:
    """Returns (info, errors). ``known_*`` hold every code that was valid at some time."""
    raw = (nik or "").strip()
    if not raw:
        return None, [_("NIK is required.")]
    if not raw.isdigit():
        return None, [_("NIK must contain digits only.")]
    if len(raw) != 16:
        return None, [_("NIK must be exactly 16 digits (got %(n)d).") % {"n": len(raw)}]
    errors: list[str] = []
    province, regency = raw[:2], raw[:4]
    if province not in known_province_codes:
        errors.append(_("NIK starts with unknown province code %(code)s.") % {"code": province})
    elif regency not in known_regency_codes:
        errors.append(_("NIK has unknown regency/city code %(code)s.") % {"code": f"{province}.{raw[2:4]}"})
    day_field, month, year2 = int(raw[6:8]), int(raw[8:10]), int(raw[10:12])
    if 1 <= day_field <= 31:
        sex, day = "M", day_field
    elif 41 <= day_field <= 71:
        sex, day = "F", day_field - 40
    else:
        return None, [*errors, _("NIK birth day %(dd)s is invalid: must be 01–31 for men or 41–71 for women.")
                      % {"dd": raw[6:8]}]
    if not 1 <= month <= 12:
        return None, [*errors, _("NIK birth month %(mm)s is invalid: must be 01–12.") % {"mm": raw[8:10]}]
    if day > (29 if month == 2 else calendar.monthrange(2001, month)[1]):
        errors.append(_("NIK birth date %(dd)s-%(mm)s does not exist.") % {"dd": f"{day:02d}", "mm": raw[8:10]})
    if raw[12:] == "0000":
        errors.append(_("NIK sequence number 0000 is invalid: sequences start at 0001."))
    if errors:
        return None, errors
    return NikInfo(province, regency, raw[4:6], day, month, year2, sex, raw[12:]), []


def _in_both_languages(render) -> dict[str, str]:
    texts = {}
    for language in ("id", "en"):
        with translation.override(language):
            texts[language] = str(render())
    return texts


def nik_warnings(info: NikInfo, *, sex: str | None, birth_date: date | None) -> list[dict[str, str]]:
    """Mismatches between the NIK and the stated sex and date of birth, kept on the record.

    Each warning is stored with a code and its sentence in Indonesian and English, so it reads in
    whichever language the viewer uses (see ``warning_texts``)."""
    warnings = []
    if sex and sex != info.sex:
        warnings.append({"code": "sex_mismatch", **_in_both_languages(lambda: (
            _("NIK encodes sex %(nik_sex)s but the record says %(sex)s.")
            % {"nik_sex": _("female") if info.sex == "F" else _("male"),
               "sex": _("female") if sex == "F" else _("male")}))})
    if birth_date and (birth_date.day, birth_date.month, birth_date.year % 100) != (info.day, info.month, info.year2):
        warnings.append({"code": "birth_date_mismatch", **_in_both_languages(lambda: (
            _("NIK encodes date of birth %(nik_dob)s but the record says %(dob)s.")
            % {"nik_dob": f"{info.day:02d}-{info.month:02d}-{info.year2:02d}",
               "dob": birth_date.strftime("%d-%m-%y")}))})
    return warnings


def warning_texts(warnings) -> list[str]:
    """The stored warnings as sentences in the active language (older plain-text entries as they are)."""
    language = "en" if (translation.get_language() or "id").startswith("en") else "id"
    return [w.get(language) or w.get("en", "") if isinstance(w, dict) else str(w) for w in (warnings or [])]


def nik_for(*, regency_code: str, district: str, birth_date: date, sex: str, sequence: int) -> str:
    """Builds a well-formed NIK (used by demo data and tests)."""
    day = birth_date.day + (40 if sex == "F" else 0)
    return f"{regency_code}{district}{day:02d}{birth_date.month:02d}{birth_date.year % 100:02d}{sequence:04d}"


MASK_CHAR = "\u2022"  # •


def mask(nik: str) -> str:
    """A NIK as lists show it to roles that do not need it whole: the regency code (first four
    digits) and the last four stay, e.g. ``3201••••••••0001``. The birth date and sex that the
    middle digits encode are hidden. Anything that is not a 16-character NIK is masked entirely."""
    if len(nik) != 16:
        return MASK_CHAR * len(nik)
    return nik[:4] + MASK_CHAR * 8 + nik[-4:]


# Search filters that may carry a NIK or passport number, which must never travel in a URL (it would
# land in every proxy's and server's access log).
IDENTIFIER_FILTERS = ("q", "nik", "passport")


def identifier_filters_in(params) -> list[str]:
    """The names of the filters in ``params`` (a mapping of name to text) that carry an identifier:
    ``nik`` or ``passport`` with any value, or ``q`` with a digit in it (names hold no digits, NIKs
    and passport numbers always do)."""
    found = []
    for name in IDENTIFIER_FILTERS:
        value = str(params.get(name) or "").strip()
        if value and (name != "q" or any(ch.isdigit() for ch in value)):
            found.append(name)
    return found


def birth_date_of(info: NikInfo, *, today: date) -> date | None:
    """The birth date a NIK most likely encodes: its two-digit year in this century unless that
    would make the holder younger than 15 (then the last century). None for 29 February of a year
    that has none. A suggestion for a form, never a rule."""
    year = 2000 + info.year2
    if year > today.year - 15:
        year -= 100
    try:
        return date(year, info.month, info.day)
    except ValueError:
        return None
