"""Files of placements for the import tests."""

import csv
import io

from lindungi.imports.placements import COLUMN_NAMES


def placements_csv(rows: list[dict], header: list[str] | None = None) -> bytes:
    """A CSV whose header is the union of the rows' keys (in template order), or ``header``."""
    if header is None:
        used = {key for row in rows for key in row}
        header = [name for name in COLUMN_NAMES if name in used]
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=header, restval="", lineterminator="\r\n")
    writer.writeheader()
    for row in rows:
        writer.writerow(row)
    return out.getvalue().encode("utf-8")


def placements_xlsx(rows: list[dict]) -> bytes:
    import openpyxl

    used = {key for row in rows for key in row}
    header = [name for name in COLUMN_NAMES if name in used]
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.append(header)
    for row in rows:
        sheet.append([row.get(name, None) for name in header])
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()
