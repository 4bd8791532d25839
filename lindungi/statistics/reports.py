"""The statistics as files: the monthly performance report of a unit (PDF with a chart, or XLSX)
and any public table as XLSX. The figures come from the selectors; this module only lays them out."""

import datetime as dt

from django.utils import formats, timezone
from django.utils.translation import gettext as _

from lindungi.exports.documents import BarChart, Table, report_pdf, tables_xlsx
from lindungi.statistics.selectors import monthly_report_table, public_csv_rows


def _unit_name(report: dict) -> str:
    return report["unit"].name if report["unit"] else _("National")


def _period(report: dict) -> str:
    month = formats.date_format(dt.date(report["year"], report["month"], 1), "F Y")
    return _("%(month)s (realisation to date: January–%(month)s)") % {"month": month}


def monthly_report_name(report: dict, extension: str) -> str:
    unit = report["unit"].code if report["unit"] else "nasional"
    return f"laporan-kinerja-{unit}-{report['year']}-{report['month']:02d}.{extension}"


def _table(report: dict) -> Table:
    headers, rows = monthly_report_table(report)
    notes = [f"{r.indicator.code}: {r.name}" for r in report["rows"] if r.target is None]
    notes = [_("No target in force for: %(list)s.") % {"list": "; ".join(notes)}] if notes else []
    return Table(title=_("Monthly performance report"), headers=headers, rows=rows, notes=notes)


def monthly_report_pdf(report: dict) -> bytes:
    table = _table(report)
    chart = BarChart(categories=[r.indicator.code for r in report["rows"]], series=[
        (_("Target %(year)s") % {"year": report["year"]}, [r.target for r in report["rows"]]),
        (_("Realisation to date"), [r.to_date for r in report["rows"]]),
    ])
    generated = formats.date_format(timezone.localtime(report["generated_at"]), "DATETIME_FORMAT")
    return report_pdf(
        title=f"{_('Monthly performance report')} · {_unit_name(report)}", subtitle=_period(report),
        table=table, chart=chart,
        footer=_("Counted from the records by each indicator's definition, %(when)s. Lindungi.") % {
            "when": generated})


def monthly_report_xlsx(report: dict) -> bytes:
    table = _table(report)
    table.title = f"{_unit_name(report)} {report['year']}-{report['month']:02d}"
    return tables_xlsx([table])


def public_table_xlsx(table: dict, *, title: str) -> bytes:
    header, *rows = public_csv_rows(table)
    notes = [_("Empty cells are suppressed: fewer than %(n)s, or a count that would reveal one.") % {
        "n": table["threshold"]}] if table.get("threshold") else []
    return tables_xlsx([Table(title=title, headers=header, rows=rows, notes=notes)])
