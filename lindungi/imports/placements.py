"""Streaming import of placements and their checklist items from CSV and XLSX files.

Same machinery as the people import (``persons.py``): the streaming readers, the chunk loop with one
transaction per chunk holding the rows, their ``ImportRowError`` rows, the batch counters and the
resume point, and the error reports. Two modes, stored on the batch (``ImportBatch.mode``):

``new``
    Placements enter at the start of the lifecycle. The file's columns are mapped to what
    ``placement_create`` and ``checklist_record`` take, and each chunk goes through
    ``placements.bulk.placement_bulk_create``: every rule of the single form, all or nothing per row,
    the same rows and audit events, with the references read once per chunk. The eligibility
    conditions that form shows as warnings (age, education, destination, employer type, P3MI
    standing, job order, SIP2MI) refuse the row here: nobody reads warnings in a file. ``state``,
    ``state_date``, ``departed_on``, ``returned_on`` and ``legacy_id`` are refused.

``historical`` (central administrators only)
    Records migrated from the ministry's current system enter in the state and with the dates they
    were recorded in, marked ``migrated``. This module checks what a file can be checked for alone:
    the NIK (it must belong to a registered person the importer may see; a malformed NIK is explained
    by the NIK rules), codes (scheme, P3MI by SIP3MI number, country, ISCO occupation, and SIP2MI,
    employer and unit when given) and dates (in order, none in the future, fitting the state:
    ``placements.services.historical_state_errors``); ``placements.bulk.placement_bulk_migrate``
    checks the rest (merged records, dates before the person's birth, passports) and writes, 2,000
    rows per transaction: the placements, one ``PlacementTransition`` per known dated event
    (departure, return, then the recorded state on its date; actor = the importer,
    ``via="migration"``), the checklist items (``details.migrated = true``) and the audit events.
    Not validated: eligibility (what happened, happened). Migrated placements do not hold SIP2MI
    quota and do not count against the one-open-placement rule, so a person migrated in progress can
    be registered anew, and a migrated placement can go on through the normal transitions: the old
    and the new system can run side by side while units move over.

People are not created here: import them first with the people import (one set of identity rules,
one duplicate scan), which is idempotent too.

Re-running a file is safe. A row counts as already imported (``existing_rows``) when a placement
with its ``legacy_id`` exists, or, without a legacy id, one of the same mode with the same person,
scheme, country and contract start. A row repeating an earlier row of the same file is an error.
"""

import datetime as dt
import functools
import uuid
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

from django.utils import timezone
from django.utils.text import format_lazy
from django.utils.translation import get_language, gettext_lazy
from django.utils.translation import gettext as _

from lindungi.accounts.roles import Role
from lindungi.agencies.models import Agency, ForeignParty
from lindungi.common.bulk import FastInsert
from lindungi.common.errors import DomainError
from lindungi.common.inputs import parse_date
from lindungi.imports import reconciliation
from lindungi.imports.mappings import MappingIndex
from lindungi.imports.models import ImportBatch, ImportRowError, ValueMapping
from lindungi.imports.persons import (
    Column,
    _cell_text,
    _is_blank,
    _read_header,
    _Written,
    commit_chunk,
    feed_chunks,
    map_header,
    open_rows,
    write_chunk,
)
from lindungi.placements import services as placement_services
from lindungi.placements.bulk import (
    MigratedRow,
    PlacementBulk,
    PlacementRow,
    placement_bulk_create,
    placement_bulk_migrate,
)
from lindungi.placements.checklist import ChecklistKind
from lindungi.placements.models import Placement, Scheme, Sector, Sip2mi
from lindungi.placements.services import TransitionRefused
from lindungi.placements.states import scheme_country_problem
from lindungi.reference.models import Country, Occupation, OrgUnit
from lindungi.registry.models import Person
from lindungi.registry.nik import parse_nik
from lindungi.registry.validation import PASSPORT_RE, ReferenceIndex

DEFAULT_CHUNK_SIZE = 2000
_TEXT_LIMIT = 120

# --- columns -------------------------------------------------------------------------------------

PLACEMENT_COLUMNS: tuple[Column, ...] = (
    Column("nik", ("no_ktp", "nomor_ktp", "nomor_induk_kependudukan"), True,
           gettext_lazy("16 digits; the person must already be registered (import people first)"),
           "3201014201900001"),
    Column("legacy_id", ("id_lama", "legacy", "source_id", "id_siskop2mi"), False,
           gettext_lazy("Historical only: the record's id in the old system (unique); makes re-imports safe"), ""),
    Column("scheme", ("skema", "scheme_code", "kode_skema"), True,
           gettext_lazy("p_to_p, g_to_g, g_to_g_korea, g_to_p, ukps, perseorangan, ssw_japan, special"), "p_to_p"),
    Column("p3mi", ("sip3mi", "sip3mi_number", "nomor_sip3mi", "p3mi_sip3mi"), False,
           gettext_lazy("SIP3MI number of the P3MI; required when the scheme needs one (taken from the SIP2MI "
                        "otherwise)"), "001/SIP3MI/2022"),
    Column("sip2mi", ("sip2mi_number", "nomor_sip2mi", "no_sip2mi"), False,
           gettext_lazy("SIP2MI number; brings its job order, P3MI, employer, country and occupation"),
           "SIP2MI/0001/2026"),
    Column("employer", ("pemberi_kerja", "employer_name", "employer_id", "nama_pemberi_kerja"), False,
           gettext_lazy("Foreign employer: its registered name or id"), ""),
    Column("country", ("negara", "negara_tujuan", "country_iso2", "kode_negara"), False,
           gettext_lazy("Destination, ISO 3166 two-letter code (TW, HK, MY, …); required unless an SIP2MI "
                        "is given"), "TW"),
    Column("occupation", ("jabatan", "isco", "isco_code", "kode_jabatan", "occupation_code"), False,
           gettext_lazy("ISCO-08 code, 4 digits; required unless an SIP2MI is given"), "5322"),
    Column("sector", ("sektor",), False, gettext_lazy("formal or informal; default: from the occupation"), ""),
    Column("unit", ("unit_code", "kode_unit"), False,
           gettext_lazy("Code of the responsible unit, e.g. BP3MI-JABAR (optional)"), ""),
    Column("contract_start", ("mulai_kontrak", "tanggal_mulai_kontrak", "awal_kontrak"), False,
           gettext_lazy("YYYY-MM-DD or DD-MM-YYYY"), "2026-09-01"),
    Column("contract_end", ("akhir_kontrak", "selesai_kontrak", "tanggal_akhir_kontrak"), False,
           gettext_lazy("After the contract start"), "2028-08-31"),
    Column("state", ("status", "tahap", "status_penempatan"), False,
           gettext_lazy("Historical only, required there: the state the record is in (registered … returnee)"), ""),
    Column("state_date", ("tanggal_status",), False,
           gettext_lazy("Historical only, required there: the day the record entered that state"), ""),
    Column("departed_on", ("tanggal_berangkat", "departure_date"), False,
           gettext_lazy("Historical only: departure date (states departed and later)"), ""),
    Column("returned_on", ("tanggal_pulang", "tanggal_kembali", "return_date"), False,
           gettext_lazy("Historical only: return date (returned, repatriated, deported, returnee)"), ""),
    Column("sex", ("jenis_kelamin", "jk"), False,
           gettext_lazy("Historical only, optional: sex as the old system counted it (reconciliation report; "
                        "default: from the NIK)"), ""),
    Column("province", ("provinsi", "kode_provinsi", "province_code"), False,
           gettext_lazy("Historical only, optional: province code as the old system counted it (reconciliation "
                        "report; default: from the NIK)"), ""),
)
HISTORICAL_ONLY = ("legacy_id", "state", "state_date", "departed_on", "returned_on", "sex", "province")


@dataclass(frozen=True)
class ItemColumns:
    """The columns of one checklist kind: ``<prefix>_issued_on``, ``<prefix>_number``,
    ``<prefix>_valid_until`` and any extra detail columns (column → ``details`` key)."""

    kind: str
    prefix: str
    label: Any
    aliases: dict[str, tuple[str, ...]] = field(default_factory=dict)
    extra: dict[str, str] = field(default_factory=dict)

    @property
    def issued(self) -> str:
        return f"{self.prefix}_issued_on"

    @property
    def number(self) -> str:
        return f"{self.prefix}_number"

    @property
    def valid_until(self) -> str:
        return f"{self.prefix}_valid_until"

    @property
    def names(self) -> tuple[str, ...]:
        return (self.issued, self.number, self.valid_until, *self.extra)


ITEM_COLUMNS: tuple[ItemColumns, ...] = (
    ItemColumns(ChecklistKind.PLACEMENT_AGREEMENT, "agreement", gettext_lazy("placement agreement"),
                {"agreement_issued_on": ("agreement_date", "agreement_signed_on", "tanggal_perjanjian_penempatan")},
                {"agreement_witness": "witnessed_by"}),
    ItemColumns(ChecklistKind.MEDICAL_FITNESS, "medical", gettext_lazy("medical fitness certificate"),
                {"medical_issued_on": ("medical_date", "mcu_date", "tanggal_medical")}),
    ItemColumns(ChecklistKind.COMPETENCY_CERTIFICATE, "competency", gettext_lazy("competency certificate"),
                {"competency_issued_on": ("competency_date",)}),
    ItemColumns(ChecklistKind.PASSPORT, "passport", gettext_lazy("passport (must be on the person's record; "
                                                                  "dates from there)"),
                {"passport_number": ("nomor_paspor", "no_paspor", "paspor")}),
    ItemColumns(ChecklistKind.BPJS_MEMBERSHIP, "bpjs", gettext_lazy("BPJS Ketenagakerjaan membership (JKK + JKM)"),
                {"bpjs_issued_on": ("bpjs_date",)}),
    ItemColumns(ChecklistKind.WORK_VISA, "visa", gettext_lazy("work visa"), {"visa_issued_on": ("visa_date",)}),
    ItemColumns(ChecklistKind.EMPLOYMENT_CONTRACT, "pk", gettext_lazy("employment contract (PK)"),
                {"pk_issued_on": ("pk_date", "pk_signed_on")}, {"pk_verified_on": "verified_on"}),
    ItemColumns(ChecklistKind.OPP_ATTENDANCE, "opp", gettext_lazy("pre-departure orientation (OPP)"),
                {"opp_issued_on": ("opp_date", "tanggal_opp")}),
    ItemColumns(ChecklistKind.EPMI_CARD, "epmi", gettext_lazy("E-PMI card"), {"epmi_issued_on": ("epmi_date",)}),
)


_EXTRA_HELP = {
    "agreement_witness": gettext_lazy("Name of the Disnaker official who witnessed the signing"),
    "pk_verified_on": gettext_lazy("Day the Perwakilan RI verified the PK"),
}


def _item_column_list() -> tuple[Column, ...]:
    out = []
    for item in ITEM_COLUMNS:
        out.append(Column(item.issued, item.aliases.get(item.issued, ()), False,
                          format_lazy(gettext_lazy("Issue date of the {item}"), item=item.label), ""))
        out.append(Column(item.number, item.aliases.get(item.number, ()), False,
                          format_lazy(gettext_lazy("Number of the {item}"), item=item.label), ""))
        out.append(Column(item.valid_until, item.aliases.get(item.valid_until, ()), False,
                          format_lazy(gettext_lazy("{item}: valid until (optional)"), item=item.label), ""))
        for name in item.extra:
            out.append(Column(name, (), False, _EXTRA_HELP[name], ""))
    return tuple(out)


CHECKLIST_COLUMNS = _item_column_list()
COLUMNS: tuple[Column, ...] = PLACEMENT_COLUMNS + CHECKLIST_COLUMNS
COLUMN_NAMES = tuple(c.name for c in COLUMNS)
REQUIRED_COLUMNS = tuple(c.name for c in COLUMNS if c.required)
_ALIASES = {alias: c.name for c in COLUMNS for alias in (c.name, *c.aliases)}
map_placement_header: Callable[[Sequence[Any]], dict[str, int]] = functools.partial(
    map_header, aliases=_ALIASES, required=REQUIRED_COLUMNS)

# Where errors raised by the placement services land (service field → column).
_SERVICE_FIELD_COLUMNS = {
    "person": "nik", "scheme": "scheme", "job_order": "sip2mi", "sip2mi": "sip2mi", "agency": "p3mi",
    "employer": "employer", "country": "country", "occupation": "occupation", "sector": "sector",
    "contract_start": "contract_start", "contract_end": "contract_end", "unit": "unit",
    "state": "state", "state_date": "state_date", "departed_on": "departed_on", "returned_on": "returned_on",
}
_ITEMS_BY_KIND = {item.kind: item for item in ITEM_COLUMNS}
# Unmet eligibility conditions (``states.Unmet.code`` prefix) → column.
_UNMET_COLUMNS = (("age_", "nik"), ("education_", "nik"), ("destination_", "country"), ("employer_", "employer"),
                  ("agency_", "p3mi"), ("job_order_", "sip2mi"), ("sip2mi_", "sip2mi"), ("contract_", "contract_end"))


def unmet_column(code: str) -> str:
    for prefix, column in _UNMET_COLUMNS:
        if code.startswith(prefix):
            return column
    return "scheme"


def _service_field_column(name: str) -> str:
    if name in _SERVICE_FIELD_COLUMNS:
        return _SERVICE_FIELD_COLUMNS[name]
    kind, _dot, rest = name.partition(".")
    item = _ITEMS_BY_KIND.get(kind)
    if item is None:
        return "nik"
    if rest == "issued_on":
        return item.issued
    if rest == "valid_until":
        return item.valid_until
    if rest == "reference_number":
        return item.number
    for column, key in item.extra.items():
        if rest == f"details.{key}":
            return column
    return item.number if kind == ChecklistKind.PASSPORT else item.issued


# --- small parsers --------------------------------------------------------------------------------

class _BadValue(ValueError):
    pass


def _day(value: Any) -> dt.date | None:
    """ISO dates fast, then what the people import accepts (DD-MM-YYYY, DD/MM/YYYY, date cells)."""
    if value is None:
        return None
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    text = str(value).strip()
    if not text:
        return None
    if len(text) == 10 and text[4] == "-":
        try:
            return dt.date.fromisoformat(text)
        except ValueError:
            raise _BadValue(text)
    try:
        return parse_date(text)
    except ValueError:
        raise _BadValue(text)


def _isco(text: str) -> str:
    return text.zfill(4) if text.isdigit() and len(text) < 4 else text


# --- reference data ------------------------------------------------------------------------------

class _References:
    """Codes looked up once per batch (schemes, countries, occupations, units, P3MI) or on first use
    (SIP2MI, employers), so a chunk of 2,000 rows costs no query per row."""

    def __init__(self):
        self.schemes = {s.code: s for s in Scheme.objects.all()}
        self.countries = {c.iso2: c for c in Country.objects.only("id", "iso2", "name_en", "name_id")}
        self._countries_by_id = {c.pk: c for c in self.countries.values()}
        self.occupations = {o.isco_code: o for o in Occupation.objects.only("id", "isco_code", "domestic_worker")}
        self.units = {u.code.upper(): u for u in OrgUnit.objects.only("id", "code")}
        self.agencies = {self.sip3mi_key(a.sip3mi_number): a
                         for a in Agency.objects.only("id", "public_id", "sip3mi_number", "legal_name")}
        self._sip2mi: dict[str, Sip2mi | None] = {}
        self._employers: dict[tuple[str, int | None], Any] = {}
        self._refs: ReferenceIndex | None = None

    def scheme_country_problem(self, scheme: Scheme, iso2: str) -> str | None:
        """The scheme rules (``Scheme.countries``, ``excluded_countries``) for a destination."""
        return scheme_country_problem(
            scheme_code=scheme.code, countries=scheme.countries, excluded_countries=scheme.excluded_countries,
            iso2=iso2, schemes_for_country=[s.code for s in self.schemes.values() if iso2 in (s.countries or ())])

    def countries_by_id(self, country_id: int):
        return self._countries_by_id.get(country_id)

    @staticmethod
    def sip3mi_key(number: str) -> str:
        return " ".join(str(number).split()).upper()

    def sip2mi(self, number: str) -> Sip2mi | None:
        key = number.upper()
        if key not in self._sip2mi:
            if len(self._sip2mi) > 50_000:
                self._sip2mi.clear()
            self._sip2mi[key] = (Sip2mi.objects.select_related("job_order__agency", "job_order__employer",
                                                               "job_order__occupation", "job_order__country")
                                 .filter(number=key).first())
        return self._sip2mi[key]

    def employer(self, value: str, country_id: int | None):
        """(employer, error). By id, or by exact name (case-insensitive) in the destination country."""
        key = (value, country_id)
        if key not in self._employers:
            if len(self._employers) > 50_000:
                self._employers.clear()
            qs = ForeignParty.objects.filter(role=ForeignParty.Role.EMPLOYER)
            try:
                uid = uuid.UUID(value)
            except ValueError:
                uid = None
            if uid is not None:
                found = list(qs.filter(public_id=uid)[:1])
            else:
                qs = qs.filter(name__iexact=value)
                if country_id:
                    qs = qs.filter(country_id=country_id)
                found = list(qs[:2])
            if not found:
                result = (None, _("No foreign employer %(name)s is registered%(where)s.") % {
                    "name": value, "where": _(" in this country") if country_id else ""})
            elif len(found) > 1:
                result = (None, _("Several employers are named %(name)s; give the employer's id instead.")
                          % {"name": value})
            else:
                result = (found[0], None)
            self._employers[key] = result
        return self._employers[key]

    def nik_problem(self, nik: str) -> list[str]:
        if self._refs is None:
            self._refs = ReferenceIndex.load()
        _info, errors = parse_nik(nik, known_regency_codes=self._refs.regencies,
                                  known_province_codes=self._refs.provinces)
        return errors


# --- the importer --------------------------------------------------------------------------------

@dataclass
class _Row:
    line: int
    nik: str
    legacy_id: str | None
    values: dict  # resolved references (model instances) and contract dates
    items: list  # (ItemColumns, dict) pairs
    history: dict  # state, state_date, departed_on, returned_on
    cells: Sequence[Any]
    mapped: list[str] = field(default_factory=list)  # mapping-table entries applied to the row


@dataclass
class _Chunk:
    first_line: int = 0
    last_line: int = 0
    lines: int = 0
    rows: list[_Row] = field(default_factory=list)
    errors: list[dict] = field(default_factory=list)
    error_lines: int = 0
    counts: Counter = field(default_factory=Counter)  # historical: the reconciliation's source counts




class PlacementImporter:
    """Runs one placements batch (either mode) from its resume point to the end of the file."""

    def __init__(self, batch: ImportBatch, *, chunk_size: int = DEFAULT_CHUNK_SIZE,
                 on_progress: Callable[[ImportBatch], None] | None = None):
        self.batch = batch
        self.historical = batch.mode == ImportBatch.Mode.HISTORICAL
        self.chunk_size = max(1, int(chunk_size))
        self.on_progress = on_progress
        self.actor = batch.created_by
        self.refs = _References()
        self.today = timezone.localdate()
        self.seen: dict[int, int] = {}  # hash of the row's key → first line (good rows only)
        self.rows_this_run = 0
        self.error_insert = FastInsert(ImportRowError)
        # Made on the first chunk with good rows: new mode / historical mode.
        self.bulk: PlacementBulk | None = None
        self.migration: PlacementBulk | None = None
        self.mappings = MappingIndex()

    # Reading ------------------------------------------------------------------------------------

    def run(self, binary, fmt: str) -> ImportBatch:
        resume_after = self.batch.last_line_done
        with open_rows(binary, fmt) as rows:
            _header_line, self.mapping = _read_header(rows, map_placement_header)
            self.items = [item for item in ITEM_COLUMNS if any(name in self.mapping for name in item.names)]
            if resume_after:
                self._replay(rows, resume_after)
            feed_chunks(rows, chunk_size=self.chunk_size, check_row=self._check_row, commit=self._commit,
                        new_chunk=_Chunk)
        return self.batch

    def _get(self, cells: Sequence[Any], name: str) -> str:
        index = self.mapping.get(name)
        if index is None or index >= len(cells):
            return ""
        return _cell_text(cells[index])

    def _raw(self, cells: Sequence[Any], name: str) -> Any:
        index = self.mapping.get(name)
        return cells[index] if index is not None and index < len(cells) else None

    def _file_key(self, cells: Sequence[Any]) -> int:
        """The row's identity within the file: its legacy id, else NIK, scheme, destination and
        contract start."""
        legacy = self._get(cells, "legacy_id")
        if legacy:
            return hash(("legacy", legacy))
        try:
            start = _day(self._raw(cells, "contract_start"))
        except _BadValue:
            start = None
        country = self._get(cells, "country").upper() or "@" + self._get(cells, "sip2mi").upper()
        return hash((self._get(cells, "nik"), self._get(cells, "scheme").lower(), country, start))

    def _replay(self, rows, resume_after: int) -> None:
        """Skip the lines committed before an interruption, remembering their keys so that repeats
        later in the file are still reported."""
        error_lines = set(ImportRowError.objects.filter(batch=self.batch, line__lte=resume_after)
                          .values_list("line", flat=True).distinct())
        for line, cells in rows:
            if line not in error_lines and not _is_blank(cells):
                self.seen.setdefault(self._file_key(cells), line)
            if line >= resume_after:
                return

    def _check_row(self, line: int, cells: Sequence[Any], chunk: _Chunk) -> None:
        """Everything that needs no query per row: formats, codes, dates and their order."""
        errors: dict[str, list[str]] = {}
        refs = self.refs
        get = functools.partial(self._get, cells)
        mapped = self.mappings.apply
        self.mappings.row = []

        def err(column: str, message: str) -> None:
            errors.setdefault(column, []).append(str(message))

        def day(column: str, *, past: bool = True) -> dt.date | None:
            """A date cell; ``past``: the day something happened, so not after today."""
            try:
                value = _day(self._raw(cells, column))
            except _BadValue:
                err(column, _("Enter a date such as 2025-01-31 or 31-01-2025."))
                return None
            if past and value is not None and value > self.today:
                err(column, _("The date cannot be in the future."))
            return value

        nik = get("nik")
        if not nik:
            err("nik", _("This field is required."))
        elif not (len(nik) == 16 and nik.isdigit()):
            for message in refs.nik_problem(nik) or [_("NIK must be exactly 16 digits.")]:
                err("nik", message)

        legacy_id = get("legacy_id")[:64] or None
        if not self.historical:
            for name in HISTORICAL_ONLY:
                if get(name):
                    err(name, _("Only for historical imports: new placements start at the beginning of the "
                                "lifecycle."))

        code = mapped(ValueMapping.Kind.SCHEME, get("scheme")).lower()
        scheme = refs.schemes.get(code)
        if scheme is None:
            err("scheme", _("Unknown scheme %(code)s. Allowed: %(all)s.") % {
                "code": code or "-", "all": ", ".join(sorted(refs.schemes))})

        sip2mi = None
        number = get("sip2mi")
        if number:
            sip2mi = refs.sip2mi(number)
            if sip2mi is None:
                err("sip2mi", _("No SIP2MI %(n)s is on record.") % {"n": number.upper()})
        job_order = sip2mi.job_order if sip2mi is not None else None

        agency = None
        sip3mi = get("p3mi")
        if sip3mi:
            agency = refs.agencies.get(refs.sip3mi_key(sip3mi))
            if agency is None:
                err("p3mi", _("No P3MI with SIP3MI number %(n)s is on record.") % {"n": sip3mi})
            elif job_order is not None and job_order.agency_id != agency.pk:
                err("sip2mi", _("The SIP2MI was issued to another P3MI."))
        if self.actor.role == Role.P3MI_STAFF and agency is not None and agency.pk != self.actor.agency_id:
            err("p3mi", _("You can import placements for your own P3MI only."))

        country = None
        iso2 = mapped(ValueMapping.Kind.COUNTRY, get("country")).upper()
        if iso2:
            country = refs.countries.get(iso2)
            if country is None:
                err("country", _("Unknown country code %(c)s.") % {"c": iso2})
            elif job_order is not None and job_order.country_id != country.pk:
                err("country", _("The country differs from the SIP2MI's job order."))
        elif job_order is None and not number:
            err("country", _("This field is required (or give an SIP2MI)."))

        destination = country or (job_order.country if job_order is not None else None)
        if self.historical and scheme is not None and destination is not None:
            problem = refs.scheme_country_problem(scheme, destination.iso2)
            if problem:
                err("scheme", problem)

        occupation = None
        isco = _isco(mapped(ValueMapping.Kind.OCCUPATION, get("occupation")))
        if isco:
            occupation = refs.occupations.get(isco)
            if occupation is None:
                err("occupation", _("Unknown ISCO-08 occupation code %(c)s.") % {"c": isco})
        elif job_order is None and not number:
            err("occupation", _("This field is required (or give an SIP2MI)."))

        employer = None
        employer_text = get("employer")
        if employer_text:
            country_id = country.pk if country is not None else (job_order.country_id if job_order else None)
            employer, problem = refs.employer(employer_text, country_id)
            if problem:
                err("employer", problem)
            elif job_order is not None and employer.pk != job_order.employer_id:
                err("employer", _("The employer differs from the SIP2MI's job order."))

        sector = get("sector").lower()
        if sector and sector not in Sector.values:
            err("sector", _("Must be one of: %(c)s.") % {"c": ", ".join(Sector.values)})

        unit = None
        unit_code = get("unit")
        if unit_code:
            unit = refs.units.get(unit_code.upper())
            if unit is None:
                err("unit", _("Unknown unit %(c)s.") % {"c": unit_code})

        start, end = day("contract_start", past=False), day("contract_end", past=False)
        if start and end and end <= start:
            err("contract_end", _("Must be after the contract start."))

        history: dict[str, Any] = {}
        if self.historical:
            state = get("state").lower()
            state_date = day("state_date")
            departed_on, returned_on = day("departed_on"), day("returned_on")
            if not state:
                err("state", _("This field is required."))
            if state_date is None and "state_date" not in errors:
                err("state_date", _("This field is required."))
            if state:
                for column, message in placement_services.historical_state_errors(
                        state=state, state_date=state_date, departed_on=departed_on,
                        returned_on=returned_on).items():
                    err(column, message)
            if scheme is not None and scheme.requires_p3mi and agency is None and job_order is None \
                    and "p3mi" not in errors:
                err("p3mi", _("The %(s)s scheme needs a P3MI: give its SIP3MI number.") % {"s": scheme.code})
            history = {"state": state, "state_date": state_date, "departed_on": departed_on,
                       "returned_on": returned_on}

        items = []
        for item in self.items:
            parsed = self._check_item(item, cells, errors, err, day)
            if parsed is not None:
                items.append((item, parsed))

        if self.historical:
            reconciliation.count_row(chunk.counts, reconciliation.row_values(
                nik=nik, scheme=code, country=iso2, contract_start=start, sex=get("sex"), province=get("province")))

        key = self._file_key(cells)
        if not errors and key in self.seen:
            column = "legacy_id" if legacy_id else "nik"
            err(column, _("This placement already appears on line %(line)d of this file.") % {"line": self.seen[key]})

        if errors:
            chunk.error_lines += 1
            chunk.errors.extend(self._error_rows(line, cells, errors))
            return
        self.seen[key] = line
        if job_order is not None:
            agency = agency or job_order.agency
            country = country or refs.countries_by_id(job_order.country_id)
            employer = employer or (job_order.employer if self.historical else None)
        occupation = occupation or (job_order.occupation if job_order is not None else None)
        values = {"scheme": scheme, "agency": agency, "sip2mi": sip2mi, "job_order": job_order, "employer": employer,
                  "country": country, "occupation": occupation, "sector": sector, "unit": unit,
                  "contract_start": start, "contract_end": end}
        chunk.rows.append(_Row(line, nik, legacy_id, values, items, history, cells, list(self.mappings.row)))

    def _check_item(self, item: ItemColumns, cells, errors: dict, err, day) -> dict | None:
        """The item's columns, parsed; None when the row leaves them all empty."""
        get = functools.partial(self._get, cells)
        if not any(get(name) for name in item.names):
            return None
        issued_on, valid_until = day(item.issued), day(item.valid_until, past=False)
        number = get(item.number)[:_TEXT_LIMIT]
        details: dict[str, Any] = {}
        for column, key in item.extra.items():
            if key == "verified_on":
                verified = day(column)
                if verified is not None:
                    details[key] = verified.isoformat()
            elif get(column):
                details[key] = get(column)[:_TEXT_LIMIT]
        if item.kind == ChecklistKind.PASSPORT:
            number = number.upper().replace(" ", "")
            if not number:
                err(item.number, _("Give the passport number (it must be on the person's record)."))
            elif not PASSPORT_RE.match(number):
                err(item.number, _("Passport number must be 7 to 9 letters and digits, starting with a letter."))
        elif issued_on is None and item.issued not in errors:
            err(item.issued, _("Give the issue date of the %(item)s.") % {"item": item.label})
        if issued_on and valid_until and valid_until < issued_on:
            err(item.valid_until, _("Must not be before the issue date."))
        return {"issued_on": issued_on, "valid_until": valid_until, "reference_number": number, "details": details}

    def _error_rows(self, line: int, cells, errors: dict[str, list[str]]) -> list[dict]:
        out = []
        for column, messages in errors.items():
            value = self._get(cells, column) if column in self.mapping else ""
            for message in messages:
                out.append({"batch_id": self.batch.pk, "line": line, "field": column[:60],
                            "message": str(message)[:500], "value": value[:255]})
        return out

    # Writing ------------------------------------------------------------------------------------

    def _commit(self, chunk: _Chunk) -> None:
        write_chunk(self, chunk)

    def _write(self, chunk: _Chunk) -> _Written:
        batch = self.batch
        errors = list(chunk.errors)
        error_lines = chunk.error_lines
        rows = chunk.rows
        people = {}
        if rows:
            people = {nik: (pk, public_id, birth, merged) for nik, pk, public_id, birth, merged in
                      Person.objects.visible_to(self.actor).filter(nik__in={r.nik for r in rows})
                      .values_list("nik", "id", "public_id", "birth_date", "merged_into_id")}
        good: list[tuple[_Row, tuple]] = []
        for r in rows:
            person = people.get(r.nik)
            problems = self._person_problems(r, person)
            if problems:
                error_lines += 1
                errors.extend(self._error_rows(r.line, r.cells, problems))
            else:
                good.append((r, person))

        existing, fresh = self._split_existing(good)
        if self.historical:
            imported, more_errors, more_lines = self._insert_historical(fresh)
        else:
            imported, more_errors, more_lines = self._create_new(fresh)
        errors.extend(more_errors)
        error_lines += more_lines

        if errors:
            errors.sort(key=lambda e: e["line"])
            self.error_insert.insert(errors)
        also = {"source_counts": reconciliation.merge(batch.source_counts, chunk.counts)} if chunk.counts else {}
        return commit_chunk(self, chunk, imported=imported, existing=existing, error_lines=error_lines, **also)

    def _person_problems(self, r: _Row, person) -> dict[str, list[str]]:
        """The NIK must name a registered person the importer may see (the placement rules check
        the rest)."""
        if person is not None:
            return {}
        problems = self.refs.nik_problem(r.nik)
        if problems:
            return {"nik": problems}
        where = "" if self.actor.role in (Role.ADMIN, Role.ANALYST) else _(" that you can see")
        return {"nik": [_("No person with NIK %(nik)s is registered%(where)s. Import the people first.")
                        % {"nik": r.nik, "where": where}]}

    def _split_existing(self, good: list) -> tuple[int, list]:
        """Rows already imported (by legacy id, else by person, scheme, country and contract start
        among placements of the same mode) are counted and dropped."""
        if not good:
            return 0, []
        legacy = {r.legacy_id for r, _p in good if r.legacy_id}
        taken_legacy = set(Placement.objects.filter(legacy_id__in=legacy).values_list("legacy_id", flat=True)) \
            if legacy else set()
        natural = [(r, p) for r, p in good if not r.legacy_id]
        taken_keys = set()
        if natural:
            taken_keys = set(Placement.objects.filter(person_id__in={p[0] for _r, p in natural},
                                                      migrated=self.historical)
                             .values_list("person_id", "scheme_id", "country_id", "contract_start"))
        fresh = []
        existing = 0
        for r, person in good:
            v = r.values
            if r.legacy_id:
                found = r.legacy_id in taken_legacy
            else:
                found = (person[0], v["scheme"].pk, v["country"].pk, v["contract_start"]) in taken_keys
            if found:
                existing += 1
            else:
                fresh.append((r, person))
        return existing, fresh

    # Historical: through placements.bulk.placement_bulk_migrate ----------------------------------

    def _insert_historical(self, rows: list) -> tuple[int, list[dict], int]:
        reason_template = _("Recorded in the historical system; migrated by import %(batch)s, line %(line)d.")
        batch_id = str(self.batch.public_id)
        lines, migrated = {}, []
        for r, person in rows:
            reason = reason_template % {"batch": batch_id, "line": r.line}
            if r.legacy_id:
                reason += f" legacy_id={r.legacy_id}"
            if r.mapped:
                reason += " " + _("Mapped: %(m)s.") % {"m": "; ".join(r.mapped)}
            migrated.append(MigratedRow(r.line, person[0], r.values, r.history,
                                        [(item.kind, data) for item, data in r.items], r.legacy_id, reason))
            lines[r.line] = r
        if self.migration is None:
            self.migration = PlacementBulk(actor=self.actor, via="migration", import_batch_id=self.batch.pk)
        return self._outcome(placement_bulk_migrate(actor=self.actor, rows=migrated, bulk=self.migration), lines)

    def _outcome(self, results, lines: dict) -> tuple[int, list[dict], int]:
        """Imported rows, the error rows of the refused ones and their count."""
        imported, errors, error_lines = 0, [], 0
        for result in results:
            if result.error is None:
                imported += 1
                continue
            error_lines += 1
            errors.extend(self._error_rows(result.line, lines[result.line].cells, self._problems(result.error)))
        return imported, errors, error_lines

    # New: through the services, one savepoint per row --------------------------------------------

    def _create_new(self, rows: list) -> tuple[int, list[dict], int]:
        """Map each row to what ``placement_create`` and ``checklist_record`` take and register the
        chunk through ``placements.bulk.placement_bulk_create`` (the same rules, guards and rows)."""
        lines = {}
        bulk_rows = []
        for r, person in rows:
            v = r.values
            data: dict[str, Any] = {"person": str(person[1]), "scheme": v["scheme"].code,
                                    "contract_start": v["contract_start"], "contract_end": v["contract_end"]}
            if v["sip2mi"] is not None:
                data["sip2mi"] = str(v["sip2mi"].public_id)
                data["job_order"] = str(v["job_order"].public_id)
            if v["agency"] is not None and self.actor.role != Role.P3MI_STAFF:
                data["agency"] = str(v["agency"].public_id)
            if v["employer"] is not None:
                data["employer"] = str(v["employer"].public_id)
            if v["country"] is not None:
                data["country"] = v["country"].iso2
            if v["occupation"] is not None:
                data["occupation"] = v["occupation"].isco_code
            if v["sector"]:
                data["sector"] = v["sector"]
            if v["unit"] is not None:
                data["unit"] = v["unit"].code
            items = []
            for item, parsed in r.items:
                item_data = {"reference_number": parsed["reference_number"], "details": dict(parsed["details"])}
                if parsed["issued_on"] is not None:
                    item_data["issued_on"] = parsed["issued_on"]
                if parsed["valid_until"] is not None and item.kind != ChecklistKind.PASSPORT:
                    item_data["valid_until"] = parsed["valid_until"]
                items.append((item.kind, item_data))
            bulk_rows.append(PlacementRow(r.line, data, items))
            lines[r.line] = r
        if self.bulk is None:
            self.bulk = PlacementBulk(actor=self.actor, via="import")
        return self._outcome(placement_bulk_create(actor=self.actor, rows=bulk_rows, bulk=self.bulk), lines)

    @staticmethod
    def _problems(exc: DomainError) -> dict[str, list[str]]:
        """A refusal of the placement services, by column."""
        problems: dict[str, list[str]] = {}
        if isinstance(exc, TransitionRefused):
            language = (get_language() or "id")[:2]
            for unmet in exc.unmet:
                problems.setdefault(unmet_column(unmet.code), []).append(unmet.message(language))
            return problems
        for name, messages in (exc.fields or {}).items():
            problems.setdefault(_service_field_column(name), []).extend(messages)
        return problems or {"nik": [exc.message]}
