"""Files for the migration record imports (foreign parties, P3MI, users)."""

import csv
import io


def records_csv(rows: list[dict], header: list[str] | None = None) -> bytes:
    """A CSV whose header is the union of the rows' keys in first-seen order, or ``header``."""
    if header is None:
        header = list(dict.fromkeys(key for row in rows for key in row))
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=header, restval="", lineterminator="\r\n")
    writer.writeheader()
    for row in rows:
        writer.writerow(row)
    return out.getvalue().encode("utf-8")
