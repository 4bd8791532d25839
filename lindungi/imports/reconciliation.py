"""The reconciliation report of a historical placement import: what the file held, counted while it
was read (``ImportBatch.source_counts``), beside what Lindungi holds for the placements migrated from
that file (every run of the same file, by its sha256), by year of contract start, scheme, country,
province and sex.

From the file, province and sex are those the NIK encodes (first two digits; day of birth + 40 for
women) unless the file gives ``province``/``sex`` columns; in Lindungi they are the person's
(regency of address, recorded sex). Every row of the file is counted, refused rows included, so the
differences are the rows that did not make it (see the error report).
"""

from collections import Counter
from dataclasses import dataclass

from django.db.models import Count, F
from django.db.models.functions import ExtractYear
from django.utils.translation import gettext_lazy as _

from lindungi.imports.models import ImportBatch
from lindungi.placements.models import Placement

DIMENSIONS = (
    ("year", _("Year of contract start")),
    ("scheme", _("Scheme")),
    ("country", _("Country")),
    ("province", _("Province")),
    ("sex", _("Sex")),
)
NONE = "-"  # no value in the file (or a value that cannot be read)


def row_values(*, nik: str, scheme: str, country: str, contract_start, sex: str = "", province: str = "") -> dict:
    """The dimensions of one file row, from its cells (after the mapping table)."""
    if not sex and len(nik) == 16 and nik.isdigit():
        sex = "F" if int(nik[6:8]) > 40 else "M"
    if not province and len(nik) >= 2 and nik[:2].isdigit():
        province = nik[:2]
    sex = {"L": "M", "P": "F"}.get(sex.upper(), sex.upper())
    return {"year": str(contract_start.year) if contract_start else NONE, "scheme": scheme or NONE,
            "country": country or NONE, "province": province or NONE, "sex": sex or NONE}


def count_row(counter: Counter, values: dict) -> None:
    for name, value in values.items():
        counter[(name, value)] += 1


def merge(stored: dict, counter: Counter) -> dict:
    out = {name: dict(values) for name, values in (stored or {}).items()}
    for (name, value), n in counter.items():
        out.setdefault(name, {})
        out[name][value] = out[name].get(value, 0) + n
    return out


def lindungi_counts(batch: ImportBatch) -> dict[str, dict[str, int]]:
    """The same counts over the placements migrated from this file (any run of it)."""
    runs = ImportBatch.objects.filter(sha256=batch.sha256, kind=batch.kind, mode=batch.mode).values("pk")
    placements = Placement.objects.filter(import_batch__in=runs)
    expressions = {"year": ExtractYear("contract_start"), "scheme": F("scheme__code"), "country": F("country__iso2"),
                   "province": F("person__regency__province__code"), "sex": F("person__sex")}
    out: dict[str, dict[str, int]] = {}
    for name, expression in expressions.items():
        rows = placements.annotate(value=expression).values("value").annotate(n=Count("id")).values_list("value", "n")
        out[name] = {NONE if value is None else str(value): n for value, n in rows}
    return out


@dataclass(frozen=True)
class Line:
    dimension: str
    label: str
    value: str
    source: int
    lindungi: int

    @property
    def difference(self) -> int:
        return self.lindungi - self.source


def report(batch: ImportBatch) -> list[Line]:
    """Every value of every dimension found on either side, with both counts."""
    here = lindungi_counts(batch)
    lines = []
    for name, label in DIMENSIONS:
        source = (batch.source_counts or {}).get(name, {})
        found = here.get(name, {})
        for value in sorted(set(source) | set(found)):
            lines.append(Line(name, str(label), value, source.get(value, 0), found.get(value, 0)))
    return lines


def totals(lines: list[Line]) -> tuple[int, int]:
    """Rows in the file and placements in Lindungi (each dimension covers them all once)."""
    first = [line for line in lines if line.dimension == DIMENSIONS[0][0]]
    return sum(line.source for line in first), sum(line.lindungi for line in first)
