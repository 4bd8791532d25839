"""One set of person rules for the API, the web forms and the importer.

``clean_person`` takes loosely typed input (JSON values, form strings, spreadsheet cells) and
returns typed values plus warnings, or raises ``ValidationFailed`` naming every bad field at once.
"""

import re
from dataclasses import dataclass, field
from typing import Any

from django.utils import timezone
from django.utils.translation import gettext as _

from lindungi.common.errors import ValidationFailed
from lindungi.common.inputs import clean_text, parse_date
from lindungi.registry.models import UNKNOWN, Education, MaritalStatus, Religion
from lindungi.registry.nik import nik_warnings, parse_nik

PERSON_FIELDS = (
    "nik", "full_name", "sex", "birth_date", "birth_place", "address", "regency_code", "village_code",
    "village_name", "education", "marital_status", "religion", "phone",
)
REQUIRED = ("nik", "full_name", "sex", "birth_date", "birth_place", "address", "regency_code", "education",
            "marital_status")
# What a person migrated from the old system may lack (``historical``): stored as unknown.
MAY_BE_UNKNOWN = ("birth_place", "address", "education", "marital_status")
REQUIRED_HISTORICAL = tuple(name for name in REQUIRED if name not in MAY_BE_UNKNOWN)
NAME_RE = re.compile(r"^[A-Za-z][A-Za-z .,'\-]*$")
PASSPORT_RE = re.compile(r"^[A-Z][A-Z0-9]{6,8}$")
PHONE_RE = re.compile(r"^\+?[0-9]{8,15}$")

# Indonesian spellings accepted besides the codes.
_SEX_ALIASES = {"m": "M", "l": "M", "male": "M", "laki-laki": "M", "laki laki": "M", "pria": "M",
                "f": "F", "p": "F", "female": "F", "perempuan": "F", "wanita": "F"}
_EDUCATION_ALIASES = {"sltp": "smp", "slta": "sma", "smk": "sma", "d1": "diploma", "d2": "diploma",
                      "d3": "diploma", "d4": "diploma", "tidak sekolah": "none"}
_MARITAL_ALIASES = {"belum kawin": "single", "kawin": "married", "cerai hidup": "divorced",
                    "cerai mati": "widowed"}
# Built once: the importer validates millions of rows.
_EDUCATION = frozenset(Education.values)
_MARITAL = frozenset(MaritalStatus.values)
_RELIGION = frozenset(Religion.values)


@dataclass
class ReferenceIndex:
    """Region codes loaded once per request or import batch."""

    regencies: dict[str, Any]
    provinces: set[str]
    villages: dict[str, Any] = field(default_factory=dict)

    @classmethod
    def load(cls) -> "ReferenceIndex":
        from lindungi.reference.models import Province, Regency

        regencies = {r.code: r for r in Regency.objects.only("id", "code", "name", "valid_from", "valid_to",
                                                               "successor_id", "province_id")}
        return cls(regencies=regencies, provinces=set(Province.objects.values_list("code", flat=True)))

    def village(self, code: str):
        if code not in self.villages:
            from lindungi.reference.models import Village

            self.villages[code] = Village.objects.filter(code=code).only("id", "regency_id", "name").first()
        return self.villages[code]


def _choice(value: str, choices, aliases: dict[str, str]) -> str | None:
    key = value.strip().lower()
    key = aliases.get(key, key)
    return key if key in choices else None


def _regency_in_force(regency, day) -> bool:
    return (regency.valid_from is None or regency.valid_from <= day) and (regency.valid_to is None
                                                                           or day <= regency.valid_to)


def clean_person(raw: dict[str, Any], *, ref: ReferenceIndex, partial: bool = False,
                 historical: bool = False) -> tuple[dict, list[str]]:
    """Validate person fields. With ``partial`` only the given keys are checked (updates).

    ``historical`` (people migrated from the old system, never a new registration): birth place,
    address, education and marital status may be left empty and are stored as unknown (``""`` and
    ``UNKNOWN``), and a regency/city code is accepted if it was in force on ``recorded_on`` (the
    day the old system recorded the person), even if it was retired since; it is kept as is."""
    errors: dict[str, list[str]] = {}
    out: dict[str, Any] = {}

    def err(name: str, message: str) -> None:
        errors.setdefault(name, []).append(message)

    present = {k for k in PERSON_FIELDS if k in raw}
    if historical:
        present |= set(MAY_BE_UNKNOWN)
    for name in REQUIRED_HISTORICAL if historical else REQUIRED:
        if (not partial or name in present) and not clean_text(raw.get(name)):
            err(name, _("This field is required."))
    recorded_on = None
    if historical and clean_text(raw.get("recorded_on")):
        try:
            recorded_on = parse_date(raw["recorded_on"])
        except ValueError:
            err("recorded_on", _("Enter a date such as 2025-01-31 or 31-01-2025."))
        else:
            if recorded_on > timezone.localdate():
                err("recorded_on", _("The date cannot be in the future."))

    if "full_name" in present and clean_text(raw["full_name"]):
        name = clean_text(raw["full_name"])
        if len(name) < 2 or len(name) > 150:
            err("full_name", _("Name must be 2 to 150 characters."))
        elif not NAME_RE.match(name):
            err("full_name", _("Name may contain letters, spaces and . , ' - only."))
        out["full_name"] = name

    if "sex" in present and clean_text(raw["sex"]):
        sex = _SEX_ALIASES.get(clean_text(raw["sex"]).lower())
        if sex is None:
            err("sex", _("Sex must be M (male) or F (female)."))
        out["sex"] = sex

    if "birth_date" in present and clean_text(raw["birth_date"]):
        try:
            dob = parse_date(raw["birth_date"])
        except ValueError:
            err("birth_date", _("Date of birth must be a date such as 1995-04-21."))
        else:
            today = timezone.localdate()
            if dob > today:
                err("birth_date", _("Date of birth cannot be in the future."))
            elif dob.year < 1900:
                err("birth_date", _("Date of birth is before 1900."))
            out["birth_date"] = dob

    for name, limit in (("birth_place", 100), ("address", 255), ("village_name", 100)):
        if name in present:
            value = clean_text(raw.get(name))
            if len(value) > limit:
                err(name, _("At most %(n)d characters.") % {"n": limit})
            out[name] = value

    if "regency_code" in present and clean_text(raw["regency_code"]):
        code = clean_text(raw["regency_code"]).replace(".", "")
        regency = ref.regencies.get(code)
        if regency is None:
            err("regency_code", _("Unknown regency/city code %(code)s.") % {"code": code})
        elif historical and regency.valid_to is not None and recorded_on is not None:
            if _regency_in_force(regency, recorded_on):
                out["regency"] = regency  # kept as recorded: the statistics of that year stay as they were
            else:
                err("regency_code", _("Regency/city code %(code)s was not in force on %(day)s (the recorded_on "
                                      "date): it was valid from %(start)s to %(end)s.")
                    % {"code": code, "day": recorded_on.isoformat(), "start": regency.valid_from or "-",
                       "end": regency.valid_to})
        elif historical and regency.valid_to is not None:
            err("regency_code", _("Regency/city code %(code)s is no longer in use: give the day the person was "
                                  "recorded (recorded_on) to keep it, or map it to its current code.")
                % {"code": code})
        elif regency.valid_to is not None:
            successor = next((r for r in ref.regencies.values() if r.id == regency.successor_id), None)
            err("regency_code", _("Regency/city code %(code)s is no longer in use; use %(new)s.")
                % {"code": code, "new": successor.code if successor else "?"})
        else:
            out["regency"] = regency

    if "village_code" in present and clean_text(raw["village_code"]):
        code = clean_text(raw["village_code"]).replace(".", "")
        village = ref.village(code)
        if village is None:
            err("village_code", _("Unknown village code %(code)s.") % {"code": code})
        elif "regency" in out and village.regency_id != out["regency"].id:
            err("village_code", _("Village %(code)s is not in the chosen regency/city.") % {"code": code})
        else:
            out["village"] = village
            out.setdefault("village_name", village.name)
    elif "village_code" in present:
        out["village"] = None

    for name, choices, aliases in (
        ("education", _EDUCATION, _EDUCATION_ALIASES),
        ("marital_status", _MARITAL, _MARITAL_ALIASES),
    ):
        if name in present and clean_text(raw.get(name)):
            value = _choice(clean_text(raw[name]), choices, aliases)
            if value is None:
                err(name, _("Must be one of: %(choices)s.") % {"choices": ", ".join(sorted(choices))})
            out[name] = value
        elif historical:
            out[name] = UNKNOWN

    if "religion" in present:
        value = clean_text(raw["religion"])
        if value and _choice(value, _RELIGION, {}) is None:
            err("religion", _("Must be one of: %(choices)s.") % {"choices": ", ".join(Religion.values)})
        out["religion"] = value.lower()

    if "phone" in present:
        phone = re.sub(r"[\s\-()]", "", clean_text(raw["phone"]))
        if phone and not PHONE_RE.match(phone):
            err("phone", _("Phone must be 8 to 15 digits, optionally starting with +."))
        out["phone"] = phone

    warnings: list[str] = []
    if "nik" in present and clean_text(raw["nik"]):
        nik = clean_text(raw["nik"])
        info, nik_errors = parse_nik(nik, known_regency_codes=ref.regencies, known_province_codes=ref.provinces)
        for message in nik_errors:
            err("nik", message)
        out["nik"] = nik
        if info is not None:
            warnings = nik_warnings(info, sex=out.get("sex"), birth_date=out.get("birth_date"))

    if errors:
        raise ValidationFailed.from_fields(errors)
    return out, warnings


def clean_passport(raw: dict[str, Any]) -> dict:
    errors: dict[str, list[str]] = {}
    number = clean_text(raw.get("number")).upper().replace(" ", "")
    if not number:
        errors["passport.number"] = [_("This field is required.")]
    elif not PASSPORT_RE.match(number):
        errors["passport.number"] = [_("Passport number must be 7 to 9 letters and digits, starting with a letter.")]
    office = clean_text(raw.get("issuing_office"))
    if not office:
        errors["passport.issuing_office"] = [_("This field is required.")]
    dates = {}
    for name in ("issue_date", "expiry_date"):
        try:
            dates[name] = parse_date(raw.get(name))
        except ValueError:
            dates[name] = None
            errors[f"passport.{name}"] = [_("Must be a date such as 2024-01-31.")]
            continue
        if dates[name] is None:
            errors[f"passport.{name}"] = [_("This field is required.")]
    if dates.get("issue_date") and dates.get("expiry_date") and dates["expiry_date"] <= dates["issue_date"]:
        errors["passport.expiry_date"] = [_("Expiry date must be after the issue date.")]
    if dates.get("issue_date") and dates["issue_date"] > timezone.localdate():
        errors["passport.issue_date"] = [_("Issue date cannot be in the future.")]
    if errors:
        raise ValidationFailed.from_fields(errors)
    return {"number": number, "issuing_office": office[:100], **dates}


def clean_registration(data: dict[str, Any], passport: dict[str, Any] | None, *,
                       ref: ReferenceIndex, historical: bool = False) -> tuple[dict, list[str], dict | None]:
    """A new person with an optional first passport (``person_create`` and ``person_bulk_create``):
    the person's fields and the passport's, every bad field of both reported at once. ``historical``:
    a person migrated from the old system (see ``clean_person``)."""
    errors: dict[str, list[str]] = {}
    cleaned = warnings = passport_data = None
    try:
        cleaned, warnings = clean_person(data, ref=ref, historical=historical)
    except ValidationFailed as exc:
        errors.update(exc.fields)
    if passport:
        try:
            passport_data = clean_passport(passport)
        except ValidationFailed as exc:
            errors.update(exc.fields)
    if errors:
        raise ValidationFailed.from_fields(errors)
    return cleaned, warnings, passport_data
