"""Streaming import of people from CSV and XLSX files.

The file is read row by row (never loaded whole): CSV through the ``csv`` module on a text stream,
XLSX through openpyxl in read-only mode. Every row is checked with the same rules as the API
(``lindungi.registry.validation``); good rows are written in chunks, each chunk in one transaction
together with its row errors, the batch counters and the resume point (``last_line_done``), so an
interrupted import never loses a row it reported as imported and never counts one twice.

Re-running is safe: a NIK already on record is counted in ``existing_rows`` and skipped.
Duplicate detection against similar records is *not* run per row (far too slow for large files);
``manage.py scan_duplicates`` finds possible duplicates among imported people afterwards.
"""

import csv
import io
import itertools
import re
import zipfile
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from lindungi.audit.services import audit_record
from lindungi.common.bulk import FastInsert
from lindungi.common.errors import ValidationFailed
from lindungi.common.workers import ClaimLost
from lindungi.imports import files
from lindungi.imports.mappings import MappingIndex, merge_counts
from lindungi.imports.models import ImportBatch, ImportRowError, ValueMapping
from lindungi.registry.bulk import CREATED, EXISTING, PersonBulk, PersonRow, person_bulk_create
from lindungi.registry.validation import MAY_BE_UNKNOWN

DEFAULT_CHUNK_SIZE = 2000
# A cell is judged by the row's rules (too long for its field is a row error), never by the csv
# module's 131,072-character guard, which would fail the whole file, on every retry.
csv.field_size_limit(1 << 30)
FORMATS = {".csv": "csv", ".xlsx": "xlsx"}


@dataclass(frozen=True)
class Column:
    name: str
    aliases: tuple[str, ...]
    required: bool
    help: Any
    example: str


COLUMNS: tuple[Column, ...] = (
    Column("nik", ("no_ktp", "nomor_ktp", "nomor_induk_kependudukan"), True,
           gettext_lazy("16 digits"), "3201014201900001"),
    Column("full_name", ("nama", "nama_lengkap"), True, gettext_lazy("Full name as on the KTP"), "Siti Aminah"),
    Column("sex", ("jenis_kelamin", "kelamin", "jk"), True, gettext_lazy("M or F (L/P accepted)"), "F"),
    Column("birth_date", ("tanggal_lahir", "tgl_lahir"), True,
           gettext_lazy("YYYY-MM-DD or DD-MM-YYYY"), "1990-01-02"),
    Column("birth_place", ("tempat_lahir",), True, gettext_lazy("Place of birth"), "Bogor"),
    Column("address", ("alamat",), True, gettext_lazy("Address"), "Jl. Raya Cibinong No. 1"),
    Column("regency_code", ("kode_kabupaten", "kode_kab", "kode_kabupaten_kota", "kode_kab_kota"), True,
           gettext_lazy("Kemendagri regency/city code, e.g. 3201 or 32.01"), "3201"),
    Column("village_code", ("kode_desa", "kode_kelurahan", "kode_desa_kelurahan"), False,
           gettext_lazy("Kemendagri village code (optional)"), ""),
    Column("village_name", ("desa", "kelurahan", "desa_kelurahan", "nama_desa"), False,
           gettext_lazy("Village (desa/kelurahan)"), "Cibinong"),
    Column("education", ("pendidikan", "pendidikan_terakhir"), True,
           gettext_lazy("none, sd, smp, sma, diploma, s1, s2, s3"), "sma"),
    Column("marital_status", ("status_perkawinan", "status_kawin"), True,
           gettext_lazy("single, married, divorced, widowed (or belum kawin, kawin, cerai hidup, cerai mati)"),
           "single"),
    Column("recorded_on", ("tanggal_pendataan", "tanggal_daftar", "tanggal_terdaftar", "registered_on"), False,
           gettext_lazy("Historical people only: the day the old system recorded the person; a regency/city code "
                        "in force on that day is kept even if it was retired since"), ""),
    Column("religion", ("agama",), False,
           gettext_lazy("islam, protestant, catholic, hindu, buddhist, confucian, belief"), "islam"),
    Column("phone", ("telepon", "no_telepon", "telp", "no_hp", "nomor_hp", "hp"), False,
           gettext_lazy("8 to 15 digits, optionally starting with +"), "081234567890"),
    Column("passport_number", ("nomor_paspor", "no_paspor", "paspor"), False,
           gettext_lazy("Passport number (optional)"), "C1234567"),
    Column("passport_office", ("kantor_imigrasi", "kantor_paspor", "kantor_penerbit_paspor"), False,
           gettext_lazy("Issuing immigration office"), "Kantor Imigrasi Bogor"),
    Column("passport_issue_date", ("tanggal_terbit_paspor", "tgl_terbit_paspor"), False,
           gettext_lazy("Passport issue date"), "2024-01-10"),
    Column("passport_expiry_date", ("tanggal_habis_paspor", "tanggal_berlaku_paspor", "masa_berlaku_paspor",
                                    "tgl_habis_paspor"), False,
           gettext_lazy("Passport expiry date"), "2034-01-10"),
)
COLUMN_NAMES = tuple(c.name for c in COLUMNS)
REQUIRED_COLUMNS = tuple(c.name for c in COLUMNS if c.required)
# Historical people (migration): what the old system may lack can be left out, even as a column.
REQUIRED_HISTORICAL_COLUMNS = tuple(name for name in REQUIRED_COLUMNS if name not in MAY_BE_UNKNOWN)
_ALIASES = {alias: c.name for c in COLUMNS for alias in (c.name, *c.aliases)}
# clean_passport input key for each passport column, and the error field back to the column.
PASSPORT_COLUMNS = {"passport_number": "number", "passport_office": "issuing_office",
                    "passport_issue_date": "issue_date", "passport_expiry_date": "expiry_date"}
_ERROR_FIELD_TO_COLUMN = {f"passport.{key}": column for column, key in PASSPORT_COLUMNS.items()}


def normalise_header(value: Any) -> str:
    text = "" if value is None else str(value)
    return re.sub(r"[^0-9a-z]+", "_", text.strip().lower()).strip("_")


def file_format(filename: str) -> str | None:
    name = (filename or "").lower()
    return next((fmt for ext, fmt in FORMATS.items() if name.endswith(ext)), None)


def map_header(cells: Sequence[Any], *, aliases: dict[str, str] | None = None,
               required: Sequence[str] | None = None) -> dict[str, int]:
    """Column name → cell index. Unknown headers are ignored; missing or repeated ones refuse the file.
    ``aliases`` (normalised header → column name) and ``required`` default to the people columns;
    other importers pass their own."""
    aliases = _ALIASES if aliases is None else aliases
    required = REQUIRED_COLUMNS if required is None else required
    mapping: dict[str, int] = {}
    repeated = []
    for index, cell in enumerate(cells):
        name = aliases.get(normalise_header(cell))
        if name is None:
            continue
        if name in mapping:
            repeated.append(str(cell))
            continue
        mapping[name] = index
    missing = [name for name in required if name not in mapping]
    if missing:
        raise ValidationFailed.from_fields({"file": _(
            "Required columns are missing: %(columns)s. The first row must hold the column names "
            "(see the template)."
        ) % {"columns": ", ".join(missing)}})
    if repeated:
        raise ValidationFailed.from_fields({"file": _("Columns appear more than once: %(columns)s.")
                                            % {"columns": ", ".join(repeated)}})
    return mapping


def header_mapper(historical: bool = False) -> Callable[[Sequence[Any]], dict[str, int]]:
    """The people columns' header check; historical imports may leave out what may be unknown."""
    if not historical:
        return map_header
    return lambda cells: map_header(cells, required=REQUIRED_HISTORICAL_COLUMNS)


def _is_blank(cells: Sequence[Any]) -> bool:
    for cell in cells:
        if cell is not None and (not isinstance(cell, str) or cell.strip()):
            return False
    return True


def _cell_text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return str(value).strip()


# --- readers -------------------------------------------------------------------------------------

def _detect_delimiter(line: str) -> str:
    counts = {d: line.count(d) for d in (",", ";", "\t")}
    best = max(counts, key=counts.get)
    return best if counts[best] else ","


@contextmanager
def _csv_rows(binary) -> Iterator[Iterator[tuple[int, Sequence[Any]]]]:
    encoding = files.csv_encoding(binary)
    text = io.TextIOWrapper(binary, encoding=encoding, errors="strict", newline="")
    try:
        first = text.readline()
        reader = csv.reader(itertools.chain([first], text), delimiter=_detect_delimiter(first))
        yield enumerate(reader, start=1)
    finally:
        text.detach()  # leave the caller's file open


@contextmanager
def _xlsx_rows(binary) -> Iterator[Iterator[tuple[int, Sequence[Any]]]]:
    import openpyxl
    from openpyxl.utils.exceptions import InvalidFileException

    files.check_xlsx_container(binary)
    try:
        workbook = openpyxl.load_workbook(binary, read_only=True, data_only=True)
    except (zipfile.BadZipFile, InvalidFileException, KeyError, OSError, ValueError):
        raise ValidationFailed.from_fields({"file": _("The file is not a readable XLSX workbook.")})
    try:
        sheet = workbook.worksheets[0]
        # Some programs write a wrong <dimension>; without it openpyxl reads every row there is.
        sheet.reset_dimensions()
        yield enumerate(sheet.iter_rows(values_only=True), start=1)
    finally:
        workbook.close()


def open_rows(binary, fmt: str):
    """Context manager yielding (spreadsheet line number, cells) pairs; line 1 is the first row."""
    return _csv_rows(binary) if fmt == "csv" else _xlsx_rows(binary)


def _read_header(rows, mapper: Callable[[Sequence[Any]], dict[str, int]] = map_header) -> tuple[int, dict[str, int]]:
    for line, cells in rows:
        if not _is_blank(cells):
            return line, mapper(cells)
    raise ValidationFailed.from_fields({"file": _("The file is empty.")})


def inspect_file(binary, fmt: str, *, mapper: Callable[[Sequence[Any]], dict[str, int]] = map_header) -> int:
    """Checks the header and that there is at least one data row; returns the data-row estimate
    (0 when unknown). Raises ``ValidationFailed`` naming the problem. ``mapper`` checks the header
    (default: the people columns)."""
    with open_rows(binary, fmt) as rows:
        try:
            header_line, _mapping = _read_header(rows, mapper)
            if not any(not _is_blank(cells) for _line, cells in itertools.islice(rows, 1000)):
                raise ValidationFailed.from_fields({"file": _("The file has column names but no data rows.")})
        except csv.Error as exc:
            raise ValidationFailed.from_fields({"file": _("The CSV file cannot be read: %(e)s") % {"e": exc}})
    if fmt == "xlsx":
        return max(0, _declared_rows(binary) - header_line)
    return 0


def _declared_rows(binary) -> int:
    """The last row the sheet's ``<dimension>`` declares, or 0 when it declares none: counting the
    rows of an unsized sheet means reading all of them, which is the import's work, not the upload's."""
    import openpyxl
    from openpyxl.utils.cell import range_boundaries

    binary.seek(0)
    workbook = openpyxl.load_workbook(binary, read_only=True)
    try:
        dimension = workbook.worksheets[0].calculate_dimension(force=False)
        return range_boundaries(dimension)[3] or 0
    except (ValueError, TypeError):
        return 0
    finally:
        workbook.close()


# --- the importer --------------------------------------------------------------------------------

@dataclass
class _Chunk:
    first_line: int = 0
    last_line: int = 0
    lines: int = 0
    rows: list[PersonRow] = field(default_factory=list)
    cells: dict[int, Sequence[Any]] = field(default_factory=dict)


@dataclass
class _Written:
    imported: int
    existing: int
    error_lines: int


def record_progress(importer, written, *, last_line: int) -> None:
    """Mirror a committed chunk's counts on the in-memory batch and report progress (every importer)."""
    batch = importer.batch
    batch.imported_rows += written.imported
    batch.existing_rows += written.existing
    batch.error_rows += written.error_lines
    batch.total_rows = batch.processed_rows
    batch.last_line_done = last_line
    importer.rows_this_run += written.imported + written.existing + written.error_lines
    if importer.on_progress:
        importer.on_progress(batch)


def write_chunk(importer, chunk) -> None:
    """``importer._write(chunk)`` in one transaction, tried again (up to three times) when another
    import wrote one of the same keys meanwhile (NIK, passport, legacy id): it looks again and counts
    the row as existing. Then the progress (every importer)."""
    for attempt in range(3):
        try:
            with transaction.atomic():
                written = importer._write(chunk)
            break
        except IntegrityError:
            if attempt == 2:
                raise
    record_progress(importer, written, last_line=chunk.last_line)


def commit_chunk(importer, chunk, *, imported: int, existing: int, error_lines: int, **also) -> "_Written":
    """Inside the chunk's transaction, after its rows and row errors: the batch counters, the resume
    point, the mapping-table counts (and ``also``: other batch fields) under the batch's claim, then
    one ``import.chunk_committed`` audit event (every importer)."""
    batch = importer.batch
    also["mapping_counts"] = merge_counts(batch.mapping_counts, importer.mappings.take_counts())
    now = timezone.now()
    committed = ImportBatch.objects.filter(pk=batch.pk, claim=batch.claim).update(
        imported_rows=batch.imported_rows + imported,
        existing_rows=batch.existing_rows + existing,
        error_rows=batch.error_rows + error_lines,
        total_rows=batch.processed_rows + imported + existing + error_lines,
        last_line_done=chunk.last_line, updated_at=now, heartbeat_at=now, **also)
    if not committed:  # another worker took the batch over: undo this chunk
        raise ClaimLost(_("Another worker took this import over."))
    for name, value in also.items():
        setattr(batch, name, value)
    audit_record(actor=importer.actor, action="import.chunk_committed", object_type="importbatch",
                 object_id=batch.pk, via="import",
                 changes={"lines": [chunk.first_line, chunk.last_line], "imported": imported,
                          "existing": existing, "errors": error_lines})
    return _Written(imported=imported, existing=existing, error_lines=error_lines)


def feed_chunks(rows, *, chunk_size: int, check_row, commit, new_chunk) -> None:
    """Validate lines into chunks of ``chunk_size`` and commit each chunk (shared by every importer)."""
    chunk = new_chunk()
    for line, cells in rows:
        if not chunk.lines:
            chunk.first_line = line
        chunk.last_line = line
        chunk.lines += 1
        if not _is_blank(cells):
            check_row(line, cells, chunk)
        if chunk.lines >= chunk_size:
            commit(chunk)
            chunk = new_chunk()
    if chunk.lines:
        commit(chunk)


class PersonImporter:
    """Runs one batch from its resume point to the end of the file: reads and maps the columns;
    ``registry.bulk.person_bulk_create`` validates and registers each chunk."""

    def __init__(self, batch: ImportBatch, *, chunk_size: int = DEFAULT_CHUNK_SIZE,
                 on_progress: Callable[[ImportBatch], None] | None = None):
        self.batch = batch
        self.chunk_size = max(1, int(chunk_size))
        self.on_progress = on_progress
        self.actor = batch.created_by
        self.historical = batch.mode == ImportBatch.Mode.HISTORICAL
        self.bulk = PersonBulk(actor=self.actor, via="import", import_batch_id=batch.pk, historical=self.historical)
        self.rows_this_run = 0
        self.error_insert = FastInsert(ImportRowError)
        self.mappings = MappingIndex()

    # Reading ------------------------------------------------------------------------------------

    def run(self, binary, fmt: str) -> ImportBatch:
        resume_after = self.batch.last_line_done
        with open_rows(binary, fmt) as rows:
            _header_line, self.mapping = _read_header(rows, header_mapper(self.historical))
            self.passport_indexes = {name: self.mapping[name] for name in PASSPORT_COLUMNS if name in self.mapping}
            self.person_indexes = [(name, index) for name, index in self.mapping.items()
                                   if name not in PASSPORT_COLUMNS]
            if resume_after:
                self._replay(rows, resume_after)
            feed_chunks(rows, chunk_size=self.chunk_size, check_row=self._check_row, commit=self._commit,
                        new_chunk=_Chunk)
        return self.batch

    def _replay(self, rows, resume_after: int) -> None:
        """Skip the lines committed before an interruption, remembering their NIKs and passport
        numbers so that repeats later in the file are still reported as such."""
        error_lines = set(ImportRowError.objects.filter(batch=self.batch, line__lte=resume_after)
                          .values_list("line", flat=True).distinct())
        nik_index = self.mapping["nik"]
        passport_index = self.passport_indexes.get("passport_number")
        for line, cells in rows:
            if line not in error_lines and not _is_blank(cells):
                nik = _cell_text(cells[nik_index] if nik_index < len(cells) else None)
                number = ""
                if passport_index is not None and passport_index < len(cells):
                    number = _cell_text(cells[passport_index]).upper().replace(" ", "")
                self.bulk.remember(line, nik=nik, passport_number=number)
            if line >= resume_after:
                return

    def _check_row(self, line: int, cells: Sequence[Any], chunk: _Chunk) -> None:
        width = len(cells)
        data = {name: (cells[index] if index < width else None) for name, index in self.person_indexes}
        if data.get("regency_code") is not None:
            data["regency_code"] = self.mappings.apply(ValueMapping.Kind.REGENCY, _cell_text(data["regency_code"]))
        passport = None
        if self.passport_indexes:
            passport = {PASSPORT_COLUMNS[name]: (cells[index] if index < width else None)
                        for name, index in self.passport_indexes.items()}
            if not any(_cell_text(v) for v in passport.values()):
                passport = None
        chunk.rows.append(PersonRow(line, data, passport))
        chunk.cells[line] = cells

    # Writing ------------------------------------------------------------------------------------

    def _commit(self, chunk: _Chunk) -> None:
        write_chunk(self, chunk)

    def _error_rows(self, line: int, cells: Sequence[Any], fields: dict[str, list[str]]) -> list[dict]:
        out = []
        width = len(cells)
        for error_field, messages in fields.items():
            column = _ERROR_FIELD_TO_COLUMN.get(error_field, error_field)
            index = self.mapping.get(column)
            value = _cell_text(cells[index]) if index is not None and index < width else ""
            for message in messages:
                out.append({"batch_id": self.batch.pk, "line": line, "field": column[:60],
                            "message": str(message)[:500], "value": value[:255]})
        return out

    def _write(self, chunk: _Chunk) -> _Written:
        results = person_bulk_create(actor=self.actor, rows=chunk.rows, bulk=self.bulk)
        errors = []
        imported = skipped = error_lines = 0
        for result in results:
            if result.status == CREATED:
                imported += 1
            elif result.status == EXISTING:
                skipped += 1
            else:
                error_lines += 1
                errors.extend(self._error_rows(result.line, chunk.cells[result.line], result.fields))
        self.error_insert.insert(errors)
        return commit_chunk(self, chunk, imported=imported, existing=skipped, error_lines=error_lines)
