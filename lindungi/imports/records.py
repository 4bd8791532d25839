"""Streaming import of reference records for a migration: foreign employers and agencies
(``foreign_parties``), P3MI with their licence history (``agencies``) and user accounts (``users``).

Same machinery as the people import (``persons.py``): the streaming readers, the chunk loop with one
transaction per chunk holding the records, their ``ImportRowError`` rows, the batch counters, the
mapping-table counts and the resume point, and one ``import.chunk_committed`` audit event. Each kind
maps its columns to what the owning app's bulk function takes and reports that function's field
errors by column; the rules live in the owning app, never here.
"""

import abc
import functools
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

from django.db import transaction
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from lindungi.accounts.services import user_migrate
from lindungi.agencies.bulk import ForeignPartyBulk, PartyRow, foreign_party_bulk_create
from lindungi.agencies.models import Agency
from lindungi.agencies.services import agency_migrate
from lindungi.common.bulk import FastInsert
from lindungi.common.errors import DomainError, ValidationFailed
from lindungi.imports.mappings import MappingIndex
from lindungi.imports.models import ImportBatch, ImportRowError, ValueMapping
from lindungi.imports.persons import (
    DEFAULT_CHUNK_SIZE,
    Column,
    _cell_text,
    _read_header,
    _Written,
    commit_chunk,
    feed_chunks,
    map_header,
    normalise_header,
    open_rows,
    write_chunk,
)


@dataclass
class _Chunk:
    first_line: int = 0
    last_line: int = 0
    lines: int = 0
    rows: list[tuple[int, dict[str, str], Sequence[Any]]] = field(default_factory=list)




def column_mapper(columns: tuple[Column, ...]) -> Callable[[Sequence[Any]], dict[str, int]]:
    aliases = {alias: c.name for c in columns for alias in (c.name, *c.aliases)}
    return functools.partial(map_header, aliases=aliases, required=tuple(c.name for c in columns if c.required))


class RecordImporter(abc.ABC):
    """One batch of a record kind from its resume point to the end of the file. Subclasses give
    ``columns`` and ``write_rows``; a re-run relies on the owning app's idempotence (a record on file
    is ``existing``)."""

    columns: tuple[Column, ...] = ()
    title: Any = ""
    # Field names of the owning app's errors → column names, where they differ.
    field_columns: dict[str, str] = {}

    def __init__(self, batch: ImportBatch, *, chunk_size: int = DEFAULT_CHUNK_SIZE,
                 on_progress: Callable[[ImportBatch], None] | None = None):
        self.batch = batch
        self.chunk_size = max(1, int(chunk_size))
        self.on_progress = on_progress
        self.actor = batch.created_by
        self.rows_this_run = 0
        self.error_insert = FastInsert(ImportRowError)
        self.mappings = MappingIndex()

    @classmethod
    def header_mapper(cls) -> Callable[[Sequence[Any]], dict[str, int]]:
        return column_mapper(cls.columns)

    def run(self, binary, fmt: str) -> ImportBatch:
        resume_after = self.batch.last_line_done
        with open_rows(binary, fmt) as rows:
            _header_line, self.mapping = _read_header(rows, self.header_mapper())
            if resume_after:
                for line, _cells in rows:
                    if line >= resume_after:
                        break
            feed_chunks(rows, chunk_size=self.chunk_size, check_row=self._check_row, commit=self._commit,
                        new_chunk=_Chunk)
        return self.batch

    def _check_row(self, line: int, cells: Sequence[Any], chunk: _Chunk) -> None:
        width = len(cells)
        values = {name: _cell_text(cells[index]) if index < width else "" for name, index in self.mapping.items()}
        chunk.rows.append((line, values, cells))

    def map_value(self, kind: str, value: str) -> str:
        return self.mappings.apply(kind, value)

    @abc.abstractmethod
    def write_rows(self, rows: list[tuple[int, dict[str, str]]]) -> list:
        """Results with ``line``, ``status`` (created / existing / refused) and ``fields``."""

    def _commit(self, chunk: _Chunk) -> None:
        write_chunk(self, chunk)

    def _write(self, chunk: _Chunk) -> _Written:
        batch = self.batch
        cells_by_line = {line: values for line, values, _cells in chunk.rows}
        results = self.write_rows([(line, values) for line, values, _cells in chunk.rows]) if chunk.rows else []
        imported = existing = error_lines = 0
        errors = []
        for result in results:
            if result.status == "created":
                imported += 1
            elif result.status == "existing":
                existing += 1
            else:
                error_lines += 1
                values = cells_by_line[result.line]
                for name, messages in result.fields.items():
                    column = self.field_columns.get(name, name)
                    for message in messages:
                        errors.append({"batch_id": batch.pk, "line": result.line, "field": column[:60],
                                       "message": str(message)[:500], "value": values.get(column, "")[:255]})
        self.error_insert.insert(errors)
        return commit_chunk(self, chunk, imported=imported, existing=existing, error_lines=error_lines)


# --- foreign employers and agencies ---------------------------------------------------------------

_ROLE_ALIASES = {"employer": "employer", "pemberi kerja": "employer", "majikan": "employer", "pengguna": "employer",
                 "agency": "agency", "foreign agency": "agency", "agensi": "agency", "mitra usaha": "agency",
                 "p3mi asing": "agency"}
_LEGAL_TYPE_ALIASES = {
    "individual": "individual", "perseorangan": "individual", "individu": "individual", "household": "individual",
    "private household": "individual", "rumah tangga": "individual", "legal entity": "legal_entity",
    "legal_entity": "legal_entity", "company": "legal_entity", "badan hukum": "legal_entity",
    "perusahaan": "legal_entity", "government": "government", "pemerintah": "government",
}

FOREIGN_PARTY_COLUMNS: tuple[Column, ...] = (
    Column("role", ("peran", "jenis"), True,
           gettext_lazy("employer or agency (pemberi kerja, agensi accepted)"), "employer"),
    Column("legal_type", ("bentuk", "jenis_badan", "bentuk_hukum"), True,
           gettext_lazy("individual (a private household, e.g. in Taiwan or Hong Kong), legal_entity or "
                        "government (perseorangan, badan hukum, pemerintah accepted)"), "individual"),
    Column("name", ("nama", "nama_pemberi_kerja"), True, gettext_lazy("Name in Latin script"), "Chen Mei-Ling"),
    Column("name_local", ("nama_lokal", "local_name", "name_in_local_script"), False,
           gettext_lazy("Name in the local script (optional)"), "陳美玲"),
    Column("country", ("negara", "country_iso2", "kode_negara"), True,
           gettext_lazy("ISO 3166 two-letter code, or a country name in the mapping table"), "TW"),
    Column("address", ("alamat",), False, gettext_lazy("Address"), "No. 1, Sec. 2, Zhongshan Rd, Taipei"),
    Column("registration_number", ("nomor_registrasi", "no_registrasi", "registration_no", "nomor_izin"), False,
           gettext_lazy("Company or licence registration number; used to recognise the party on a re-run"), ""),
)


def _choice(value: str, aliases: dict[str, str]) -> str:
    key = " ".join(value.replace("_", " ").replace("-", " ").lower().split())
    return aliases.get(key, aliases.get(key.replace(" ", "_"), value))


class ForeignPartyImporter(RecordImporter):
    title = gettext_lazy("Foreign parties")
    columns = FOREIGN_PARTY_COLUMNS
    field_columns = {"country_iso2": "country"}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.bulk = ForeignPartyBulk(actor=self.actor, via="import")

    def write_rows(self, rows):
        party_rows = []
        for line, values in rows:
            country = values.get("country", "")
            if len(country) != 2:
                country = self.map_value(ValueMapping.Kind.COUNTRY, country)
            party_rows.append(PartyRow(line, {
                "role": _choice(values.get("role", ""), _ROLE_ALIASES),
                "legal_type": _choice(values.get("legal_type", ""), _LEGAL_TYPE_ALIASES),
                "name": values.get("name", ""), "name_local": values.get("name_local", ""),
                "country_iso2": country, "address": values.get("address", ""),
                "registration_number": values.get("registration_number", ""),
            }))
        return foreign_party_bulk_create(actor=self.actor, rows=party_rows, bulk=self.bulk)


# --- P3MI with their licence history ---------------------------------------------------------------

@dataclass
class RowOutcome:
    line: int
    status: str  # created / existing / refused
    fields: dict[str, list[str]] = field(default_factory=dict)


def one_by_one(rows, write) -> list[RowOutcome]:
    """Each row in its own savepoint through ``write(line, values) -> status``: a refused row
    (``DomainError``) leaves nothing behind and its field errors are reported by column."""
    out = []
    for line, values in rows:
        try:
            with transaction.atomic():
                status = write(line, values)
        except DomainError as exc:
            out.append(RowOutcome(line, "refused", dict(exc.fields) or {"_": [exc.message]}))
        else:
            out.append(RowOutcome(line, status))
    return out


AGENCY_COLUMNS: tuple[Column, ...] = (
    Column("sip3mi_number", ("sip3mi", "nomor_sip3mi", "no_sip3mi"), True,
           gettext_lazy("SIP3MI number; identifies the company (rows repeating it add its status history)"),
           "001/SIP3MI/2018"),
    Column("legal_name", ("nama", "nama_perusahaan", "nama_p3mi"), True, gettext_lazy("Legal name (PT)"),
           "PT Karya Migran Sejahtera"),
    Column("licence_issued_on", ("tanggal_terbit", "tanggal_izin", "tanggal_terbit_sip3mi"), True,
           gettext_lazy("Day the SIP3MI was issued"), "2018-03-01"),
    Column("licence_expires_on", ("tanggal_berakhir", "masa_berlaku", "berlaku_sampai"), False,
           gettext_lazy("Day the SIP3MI expires (optional)"), "2023-02-28"),
    Column("head_office_regency_code", ("kode_kabupaten", "kode_kab", "regency_code"), True,
           gettext_lazy("Kemendagri code of the head office's regency/city (a code retired since is kept)"), "3201"),
    Column("head_office_address", ("alamat", "alamat_kantor_pusat"), False, gettext_lazy("Head office address"),
           "Jl. Raya Bogor No. 5"),
    Column("paid_up_capital", ("modal_disetor",), True, gettext_lazy("Paid-up capital in rupiah"), "5000000000"),
    Column("deposit_bank", ("bank_deposito",), True, gettext_lazy("Bank holding the deposit"), "Bank Mandiri"),
    Column("deposit_amount", ("jumlah_deposito", "deposito"), True, gettext_lazy("Deposit in rupiah"), "1500000000"),
    Column("deposit_holder", ("pemegang_deposito",), False, gettext_lazy("Deposit holder"), ""),
    Column("deposit_reference", ("nomor_bilyet", "no_bilyet"), False, gettext_lazy("Deposit bilyet number"), ""),
    Column("responsible_officer", ("penanggung_jawab",), False, gettext_lazy("Responsible officer"), ""),
    Column("phone", ("telepon", "telp"), False, gettext_lazy("Phone"), ""),
    Column("email", ("surel",), False, gettext_lazy("Email"), ""),
    Column("status", ("status_izin", "status_sip3mi"), False,
           gettext_lazy("Licence status of this history row: active, suspended or revoked (default active)"),
           "suspended"),
    Column("status_from", ("berlaku_mulai", "tanggal_status", "mulai"), False,
           gettext_lazy("Day the status took effect (required for suspended and revoked)"), "2021-06-01"),
    Column("status_until", ("berlaku_hingga", "sampai"), False,
           gettext_lazy("Suspended only: last day of the suspension (optional)"), "2021-12-31"),
    Column("decree_number", ("nomor_sk", "no_sk", "nomor_keputusan"), False,
           gettext_lazy("Number of the decree (required for suspended and revoked)"), "KEP.12/2021"),
    Column("status_reason", ("alasan", "keterangan"), False, gettext_lazy("Reason recorded for the status"), ""),
)


class AgencyImporter(RecordImporter):
    title = gettext_lazy("P3MI")
    columns = AGENCY_COLUMNS
    field_columns = {"_": "sip3mi_number"}

    def write_rows(self, rows):
        regency = ValueMapping.Kind.REGENCY

        def write(line, values):
            values = dict(values, head_office_regency_code=self.map_value(regency,
                                                                          values.get("head_office_regency_code", "")))
            status, _agency = agency_migrate(actor=self.actor, values=values, via="import",
                                             source=f"import {self.batch.public_id} line {line}")
            return status

        return one_by_one(rows, write)


# --- user accounts ---------------------------------------------------------------------------------

_ROLE_NAMES = {"administrator": "admin", "admin pusat": "admin", "analis": "analyst", "petugas unit": "unit_officer",
               "officer": "unit_officer", "staf p3mi": "p3mi_staff", "p3mi": "p3mi_staff",
               "petugas pos": "checkpoint"}

USER_COLUMNS: tuple[Column, ...] = (
    Column("username", ("nama_pengguna", "user", "login"), True,
           gettext_lazy("Sign-in name: letters, digits and . @ + - _"), "siti.aminah"),
    Column("full_name", ("nama", "nama_lengkap"), True, gettext_lazy("Full name"), "Siti Aminah"),
    Column("email", ("surel", "e_mail"), False, gettext_lazy("E-mail address"), "siti.aminah@bp2mi.go.id"),
    Column("role", ("peran",), True,
           gettext_lazy("admin, analyst, unit_officer, p3mi_staff, checkpoint or partner_api"), "unit_officer"),
    Column("unit", ("unit_code", "kode_unit"), False,
           gettext_lazy("Code of the unit (unit officers, checkpoint officers)"), "BP3MI-JABAR"),
    Column("sip3mi", ("p3mi", "agency", "sip3mi_number", "nomor_sip3mi"), False,
           gettext_lazy("SIP3MI number of the company (P3MI staff)"), ""),
)


class UserImporter(RecordImporter):
    """Accounts are created without a usable password (``accounts.services.user_migrate``): a
    password column is refused with the whole file, never read."""

    title = gettext_lazy("User accounts")
    columns = USER_COLUMNS
    field_columns = {"first_name": "full_name", "agency": "sip3mi", "_": "username"}

    @classmethod
    def header_mapper(cls):
        check = column_mapper(cls.columns)

        def mapper(cells):
            names = {normalise_header(cell) for cell in cells}
            if names & {"password", "kata_sandi", "sandi", "pwd", "password_hash"}:
                raise ValidationFailed.from_fields({"file": _(
                    "The file has a password column. Passwords are never imported: remove the column; each "
                    "account gets a temporary password from an administrator.")})
            return check(cells)

        return mapper

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.agencies = {" ".join(number.split()).upper(): public_id for number, public_id in
                         Agency.objects.values_list("sip3mi_number", "public_id")}

    def write_rows(self, rows):
        def write(line, values):
            data = {"username": values.get("username", ""), "first_name": values.get("full_name", ""),
                    "last_name": "", "email": values.get("email", ""),
                    "role": _ROLE_NAMES.get(values.get("role", "").strip().lower(), values.get("role", "").strip())}
            if values.get("unit"):
                data["unit"] = values["unit"].upper()
            sip3mi = " ".join(values.get("sip3mi", "").split()).upper()
            if sip3mi:
                public_id = self.agencies.get(sip3mi)
                if public_id is None:
                    raise ValidationFailed.from_fields({"agency": _("No P3MI with SIP3MI number %(n)s is on record.")
                                                        % {"n": sip3mi}})
                data["agency"] = str(public_id)
            if not data["first_name"]:
                raise ValidationFailed.from_fields({"first_name": _("This field is required.")})
            status, _user = user_migrate(actor=self.actor, data=data, via="import")
            return status

        return one_by_one(rows, write)


IMPORTERS: dict[str, type[RecordImporter]] = {
    ImportBatch.Kind.FOREIGN_PARTIES: ForeignPartyImporter,
    ImportBatch.Kind.AGENCIES: AgencyImporter,
    ImportBatch.Kind.USERS: UserImporter,
}
