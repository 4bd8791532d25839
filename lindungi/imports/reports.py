"""Files handed to users: the error report (CSV or XLSX) and the import template (XLSX).

The error report can hold a million rows, so CSV is streamed and XLSX is written with xlsxwriter's
constant-memory mode to a temporary file.
"""

import csv
import io
import re
import tempfile
from collections.abc import Iterable, Iterator

from django.utils.translation import gettext as _

from lindungi.imports.persons import COLUMNS

XLSX_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
_XLSX_MAX_ROWS = 1_000_000  # a sheet holds 1,048,576 rows; continue on a new sheet after this many
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
_NUMBER_LIKE = re.compile(r"^[+-]?[\d\s.,]+$")


def report_headers() -> list[str]:
    return [_("line"), _("field"), _("reason"), _("value")]


def _safe(text: str) -> str:
    """Keep spreadsheet programs from running cell text as a formula (CSV injection)."""
    if text and text.startswith(_FORMULA_START) and not _NUMBER_LIKE.match(text):
        return "'" + text
    return text


class _Echo:
    def write(self, value: str) -> str:
        return value


def error_report_csv(rows: Iterable[tuple]) -> Iterator[str]:
    """CSV text in pieces, with a BOM so spreadsheet programs read it as UTF-8."""
    writer = csv.writer(_Echo())
    yield "\ufeff" + writer.writerow(report_headers())
    buffer: list[str] = []
    for line, field, message, value in rows:
        buffer.append(writer.writerow([line, field, _safe(message), _safe(value)]))
        if len(buffer) >= 1000:
            yield "".join(buffer)
            buffer = []
    if buffer:
        yield "".join(buffer)


def error_report_xlsx(rows: Iterable[tuple]):
    """A temporary file (open, at position 0) holding the XLSX report; closing it deletes it."""
    import xlsxwriter

    out = tempfile.TemporaryFile()
    workbook = xlsxwriter.Workbook(out, {"constant_memory": True, "strings_to_formulas": False,
                                         "strings_to_urls": False})
    bold = workbook.add_format({"bold": True})
    sheet, row_index, sheet_no = None, 0, 0
    for row in rows:
        if sheet is None or row_index > _XLSX_MAX_ROWS:
            sheet_no += 1
            sheet = workbook.add_worksheet(_("Errors") if sheet_no == 1 else f"{_('Errors')} {sheet_no}")
            sheet.set_column(0, 0, 8)
            sheet.set_column(1, 1, 22)
            sheet.set_column(2, 2, 70)
            sheet.set_column(3, 3, 30)
            sheet.write_row(0, 0, report_headers(), bold)
            row_index = 1
        line, field, message, value = row
        sheet.write_number(row_index, 0, line)
        sheet.write_string(row_index, 1, field)
        sheet.write_string(row_index, 2, message)
        sheet.write_string(row_index, 3, value)
        row_index += 1
    if sheet is None:
        sheet = workbook.add_worksheet(_("Errors"))
        sheet.write_row(0, 0, report_headers(), bold)
    workbook.close()
    out.seek(0)
    return out


def template_xlsx(kind: str = "persons") -> bytes:
    """The import template of a kind (``persons`` or ``placements``): the column names and example
    rows, plus a sheet explaining them."""
    import xlsxwriter

    from lindungi.imports import placements, records

    if kind in records.IMPORTERS:
        columns, title = records.IMPORTERS[kind].columns, str(records.IMPORTERS[kind].title)
        examples = [[c.example for c in columns]]
        note_text = _("Only the first sheet is imported. Column names are not case-sensitive. Records already on "
                      "file are skipped, so a file can be imported again safely.")
    elif kind == "placements":
        columns, title = placements.COLUMNS, _("Placements")
        examples = [[c.example for c in columns]]
        historical = dict.fromkeys((c.name for c in columns), "")
        historical.update(nik="3201014201900001", legacy_id="SISKO-2019-000123", scheme="p_to_p",
                          p3mi="001/SIP3MI/2018", country="HK", occupation="9111", contract_start="2019-03-01",
                          contract_end="2021-02-28", state="returnee", state_date="2021-04-10",
                          departed_on="2019-02-25", returned_on="2021-03-01", medical_issued_on="2019-01-10",
                          epmi_number="EPMI-2019-55", epmi_issued_on="2019-02-20")
        examples.append([historical[c.name] for c in columns])
        note_text = _("Only the first sheet is imported. Column names are not case-sensitive. Row 2 is a new "
                      "placement, row 3 a historical record (historical imports are for central administrators). "
                      "The people must be registered first. Rows already imported are skipped, so a file can be "
                      "imported again safely.")
    else:
        columns, title = COLUMNS, _("People")
        examples = [[c.example for c in columns]]
        note_text = _("Only the first sheet is imported. Column names are not case-sensitive. "
                      "A NIK already on record is skipped, so a file can be imported again safely.")

    buffer = io.BytesIO()
    workbook = xlsxwriter.Workbook(buffer, {"in_memory": True})
    bold = workbook.add_format({"bold": True, "bg_color": "#E8F0FE"})
    text = workbook.add_format({"num_format": "@"})
    sheet = workbook.add_worksheet(title)
    for index, column in enumerate(columns):
        sheet.write_string(0, index, column.name, bold)
        for row, example in enumerate(examples, start=1):
            sheet.write_string(row, index, example[index], text)
        sheet.set_column(index, index, max(14, len(column.name) + 2), text)
    sheet.freeze_panes(1, 0)

    guide = workbook.add_worksheet(_("Guide"))
    guide.write_row(0, 0, [_("column"), _("required"), _("also accepted"), _("content")], bold)
    for index, column in enumerate(columns, start=1):
        guide.write_row(index, 0, [column.name, _("yes") if column.required else _("no"), ", ".join(column.aliases),
                                   str(column.help)])
    guide.set_column(0, 0, 22)
    guide.set_column(2, 2, 45)
    guide.set_column(3, 3, 70)
    guide.write_string(len(columns) + 2, 0, note_text)
    workbook.close()
    return buffer.getvalue()


def reconciliation_headers() -> list[str]:
    return [_("dimension"), _("value"), _("in the file"), _("in Lindungi"), _("difference")]


def reconciliation_csv(lines) -> str:
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(reconciliation_headers())
    for line in lines:
        writer.writerow([line.label, _safe(line.value), line.source, line.lindungi, line.difference])
    return "\ufeff" + out.getvalue()


def reconciliation_xlsx(lines) -> bytes:
    """One sheet; rows whose counts differ are highlighted."""
    import xlsxwriter

    buffer = io.BytesIO()
    workbook = xlsxwriter.Workbook(buffer, {"in_memory": True, "strings_to_formulas": False})
    bold = workbook.add_format({"bold": True})
    differs = workbook.add_format({"bg_color": "#FDE2E1"})
    sheet = workbook.add_worksheet(_("Reconciliation"))
    sheet.write_row(0, 0, reconciliation_headers(), bold)
    for index, line in enumerate(lines, start=1):
        style = differs if line.difference else None
        sheet.write_row(index, 0, [line.label, line.value, line.source, line.lindungi, line.difference], style)
    sheet.set_column(0, 0, 26)
    sheet.set_column(1, 4, 14)
    workbook.close()
    return buffer.getvalue()


def reconciliation_file(lines, fmt: str) -> tuple[bytes | str, str]:
    """(content, content type) of the reconciliation report as CSV or XLSX."""
    if fmt == "xlsx":
        return reconciliation_xlsx(lines), XLSX_CONTENT_TYPE
    return reconciliation_csv(lines), "text/csv; charset=utf-8"
