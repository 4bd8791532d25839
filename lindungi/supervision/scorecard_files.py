"""The evaluation-meeting pack: a unit's scorecards as XLSX (every column) or PDF (the ranking with
a chart of complaints per 100 departures)."""

from django.utils.translation import gettext as _

from lindungi.exports.documents import BarChart, Table, report_pdf, tables_xlsx
from lindungi.supervision.scorecards import scorecard_table

PDF_CHART_ROWS = 15


def _title(board: dict) -> str:
    where = _("province %(p)s") % {"p": board["province"]} if board["province"] else _("all provinces")
    return _("P3MI scorecards %(year)s, %(where)s") % {"year": board["year"], "where": where}


def pack_name(board: dict, extension: str) -> str:
    return f"rapor-p3mi-{board['year']}{'-' + board['province'] if board['province'] else ''}.{extension}"


def scorecards_xlsx(board: dict) -> bytes:
    headers, rows = scorecard_table(board)
    return tables_xlsx([Table(title=_title(board), headers=headers, rows=rows)])


def scorecards_pdf(board: dict) -> bytes:
    headers, rows = scorecard_table(board)
    keep = (0, 1, 3, 4, 5, 7, 8, 9)  # the columns that fit an A4 page
    table = Table(title=_title(board), headers=[headers[i] for i in keep], rows=[[r[i] for i in keep] for r in rows],
                  notes=[_("Ranked by %(sort)s, largest first.") % {"sort": board["sort"]}])
    top = board["cards"][:PDF_CHART_ROWS]
    chart = BarChart(categories=[c.agency.sip3mi_number for c in top], series=[
        (_("Complaints per 100"), [c.complaints_per_100 for c in top])])
    return report_pdf(title=_title(board), subtitle=_("Evaluation of placement companies"), table=table, chart=chart)
