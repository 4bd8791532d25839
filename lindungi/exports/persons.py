"""The person-list export format, shared by the immediate download (``web.views.registry``) and the
background job (``exports.services.export_run``), so both files are the same.

Formula-injection guards: CSV cells that a spreadsheet would run as a formula are prefixed with
``'`` (``safe_cell``); XLSX cells are written with ``write_string`` and ``strings_to_formulas`` off,
so they are stored as text and never evaluated.
"""

import csv
import re
from collections.abc import Iterable, Iterator
from datetime import date
from typing import IO

from django.utils.translation import gettext as _

XLSX_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
CSV_CONTENT_TYPE = "text/csv; charset=utf-8"
CONTENT_TYPES = {"csv": CSV_CONTENT_TYPE, "xlsx": XLSX_CONTENT_TYPE}

_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
_NUMBERISH = re.compile(r"^\+?[0-9]+$")


def headers() -> list[str]:
    return [_("NIK"), _("Full name"), _("Sex"), _("Date of birth"), _("Place of birth"), _("Address"),
            _("Regency/city code"), _("Regency/city"), _("Province"), _("Village (desa/kelurahan)"),
            _("Education"), _("Marital status"), _("Religion"), _("Phone"), _("P3MI"), _("NIK warnings")]


def row(p) -> list:
    """One person (with ``regency``, ``regency__province`` and ``agency`` selected) as cell values. The
    NIK is as the list shows it to the exporter (``registry.selectors.as_listed``)."""
    return [p.nik_display, p.full_name, p.get_sex_display(), p.birth_date, p.birth_place, p.address, p.regency.code,
            p.regency.name, p.regency.province.name, p.village_name, p.get_education_display(),
            p.get_marital_status_display(), p.get_religion_display() if p.religion else "", p.phone,
            p.agency.legal_name if p.agency_id else "", "; ".join(p.nik_warning_texts)]


def safe_cell(value):
    """Neutralise text a spreadsheet would run as a formula (CSV/formula injection). Phone numbers
    such as ``+62812…`` are left alone."""
    if isinstance(value, str) and value.startswith(_FORMULA_START) and not _NUMBERISH.match(value):
        return "'" + value
    return value


class _Echo:
    def write(self, value):
        return value


def csv_lines(people: Iterable) -> Iterator[str]:
    """The CSV as text pieces: a BOM (so spreadsheet programs read UTF-8), the header, one line per person."""
    writer = csv.writer(_Echo())
    yield "\ufeff" + writer.writerow(headers())
    for person in people:
        yield writer.writerow([safe_cell(v.isoformat() if isinstance(v, date) else v) for v in row(person)])


def write_csv(people: Iterable, out: IO[bytes]) -> int:
    """Write the CSV (UTF-8) to a binary file; returns the number of people written."""
    count = -1  # the first piece is the header
    buffer: list[str] = []
    for piece in csv_lines(people):
        count += 1
        buffer.append(piece)
        if len(buffer) >= 1000:
            out.write("".join(buffer).encode("utf-8"))
            buffer = []
    if buffer:
        out.write("".join(buffer).encode("utf-8"))
    return count


def write_xlsx(people: Iterable, out: IO[bytes]) -> int:
    """Write the workbook to a binary file with xlsxwriter's constant-memory mode (rows are flushed
    as they are written); returns the number of people written."""
    import xlsxwriter

    workbook = xlsxwriter.Workbook(out, {"constant_memory": True, "strings_to_formulas": False,
                                         "strings_to_urls": False})
    sheet = workbook.add_worksheet(_("People"))
    bold = workbook.add_format({"bold": True})
    date_format = workbook.add_format({"num_format": "yyyy-mm-dd"})
    titles = headers()
    for col, title in enumerate(titles):
        sheet.write_string(0, col, title, bold)
    sheet.set_column(0, 0, 18)
    sheet.set_column(1, 1, 28)
    sheet.set_column(2, len(titles) - 1, 14)
    count = 0
    for count, person in enumerate(people, start=1):
        for col, value in enumerate(row(person)):
            if isinstance(value, date):
                sheet.write_datetime(count, col, value, date_format)
            else:
                sheet.write_string(count, col, str(value or ""))
    workbook.close()
    return count
