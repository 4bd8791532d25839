"""Tables as files: an XLSX workbook of one or more tables (any table a page shows), and a PDF
report of a table with a bar chart (reportlab, drawn in vector so it prints sharp). Both take plain
values, so every domain hands over what it already shows and nothing is computed twice."""

import io
from collections.abc import Sequence
from dataclasses import dataclass, field
from decimal import Decimal

from lindungi.exports.persons import safe_cell

SHEET_NAME_MAX = 31  # Excel's limit
_SHEET_FORBIDDEN = str.maketrans({c: " " for c in "[]:*?/\\"})


@dataclass
class Table:
    title: str
    headers: Sequence[str]
    rows: Sequence[Sequence]
    notes: Sequence[str] = field(default_factory=tuple)


def tables_xlsx(tables: Sequence[Table]) -> bytes:
    """One sheet per table: the title, the header in bold, numbers as numbers (an empty cell for
    None, e.g. a suppressed count), text neutralised against formula injection, notes below."""
    import xlsxwriter

    out = io.BytesIO()
    workbook = xlsxwriter.Workbook(out, {"in_memory": True, "strings_to_formulas": False, "strings_to_urls": False})
    bold = workbook.add_format({"bold": True})
    title_format = workbook.add_format({"bold": True, "font_size": 13})
    used: set[str] = set()
    for number, table in enumerate(tables, start=1):
        name = (table.title.translate(_SHEET_FORBIDDEN).strip() or f"Tabel {number}")[:SHEET_NAME_MAX]
        if name.lower() in used:
            name = f"{name[:SHEET_NAME_MAX - 4]} ({number})"
        used.add(name.lower())
        sheet = workbook.add_worksheet(name)
        sheet.write_string(0, 0, table.title, title_format)
        for col, header in enumerate(table.headers):
            sheet.write_string(2, col, str(header), bold)
        widths = [len(str(h)) for h in table.headers]
        for r, row in enumerate(table.rows, start=3):
            for col, value in enumerate(row):
                if value is None or value == "":
                    continue
                if isinstance(value, bool):
                    value = str(value)
                if isinstance(value, int | float | Decimal):
                    sheet.write_number(r, col, float(value))
                else:
                    sheet.write_string(r, col, str(safe_cell(str(value))))
                if col < len(widths):
                    widths[col] = max(widths[col], len(str(value)))
        for col, width in enumerate(widths):
            sheet.set_column(col, col, min(max(width + 2, 8), 60))
        sheet.freeze_panes(3, 0)
        for offset, note in enumerate(table.notes, start=len(table.rows) + 4):
            sheet.write_string(offset, 0, str(note))
    workbook.close()
    return out.getvalue()


@dataclass
class BarChart:
    """Horizontal bars: one group per category, one bar per series (e.g. target and realisation)."""

    categories: Sequence[str]
    series: Sequence[tuple[str, Sequence[float | int | None]]]


_PALETTE = ("#1d5fa6", "#c2571a", "#2e7d32")


def report_pdf(*, title: str, subtitle: str, table: Table, chart: BarChart | None = None, footer: str = "") -> bytes:
    """An A4 report: title, subtitle, the chart (when there is something to draw), the table, notes."""
    from reportlab.graphics.charts.barcharts import HorizontalBarChart
    from reportlab.graphics.charts.legends import Legend
    from reportlab.graphics.shapes import Drawing
    from reportlab.lib import colors
    from reportlab.lib.pagesizes import A4
    from reportlab.lib.styles import getSampleStyleSheet
    from reportlab.lib.units import mm
    from reportlab.platypus import Paragraph, SimpleDocTemplate, Spacer, TableStyle
    from reportlab.platypus import Table as PdfTable

    styles = getSampleStyleSheet()
    out = io.BytesIO()
    document = SimpleDocTemplate(out, pagesize=A4, title=title, author="Lindungi", leftMargin=15 * mm,
                                 rightMargin=15 * mm, topMargin=15 * mm, bottomMargin=15 * mm)
    width = A4[0] - 30 * mm
    story = [Paragraph(_escape(title), styles["Title"]), Paragraph(_escape(subtitle), styles["Normal"]),
             Spacer(1, 6 * mm)]

    if chart and chart.categories and any(v for _name, values in chart.series for v in values if v):
        rows = len(chart.categories)
        height = max(60, rows * 14 * max(1, len(chart.series)) + 40)
        drawing = Drawing(width, height + 30)
        bars = HorizontalBarChart()
        bars.x, bars.y, bars.width, bars.height = 110, 30, width - 130, height
        bars.data = [[float(v or 0) for v in values] for _name, values in chart.series]
        bars.categoryAxis.categoryNames = [str(c) for c in chart.categories]
        bars.categoryAxis.labels.fontSize = 7
        bars.categoryAxis.reverseDirection = True  # first row at the top, as in the table
        bars.valueAxis.valueMin = 0
        bars.valueAxis.labels.fontSize = 7
        bars.barSpacing = 1
        for index, _series in enumerate(chart.series):
            bars.bars[index].fillColor = colors.HexColor(_PALETTE[index % len(_PALETTE)])
            bars.bars[index].strokeColor = None
        drawing.add(bars)
        legend = Legend()
        legend.x, legend.y = 110, 12
        legend.fontSize = 8
        legend.alignment = "right"
        legend.columnMaximum = 1
        legend.deltax = 90
        legend.colorNamePairs = [(colors.HexColor(_PALETTE[i % len(_PALETTE)]), str(name))
                                 for i, (name, _values) in enumerate(chart.series)]
        drawing.add(legend)
        story += [drawing, Spacer(1, 4 * mm)]

    cell = styles["BodyText"].clone("cell", fontSize=8, leading=10)
    data = [[Paragraph(_escape(str(h)), cell) for h in table.headers]]
    for row in table.rows:
        data.append([Paragraph(_escape(_shown(v)), cell) for v in row])
    grid = PdfTable(data, repeatRows=1, hAlign="LEFT", colWidths=_column_widths(width, len(table.headers)))
    grid.setStyle(TableStyle([
        ("BACKGROUND", (0, 0), (-1, 0), colors.HexColor("#e8eef6")),
        ("GRID", (0, 0), (-1, -1), 0.25, colors.HexColor("#9aa5b1")),
        ("VALIGN", (0, 0), (-1, -1), "TOP"),
    ]))
    story.append(grid)
    for note in table.notes:
        story += [Spacer(1, 2 * mm), Paragraph(_escape(str(note)), styles["Italic"])]
    if footer:
        story += [Spacer(1, 4 * mm), Paragraph(_escape(footer), styles["Normal"])]
    document.build(story)
    return out.getvalue()


def _column_widths(total: float, count: int) -> list[float]:
    """Code and name columns wider (a code such as PENGADUAN-SELESAI must fit on one line), the
    figures after them equal."""
    if count < 3:
        return [total / count] * count
    figure = total * 0.46 / (count - 2)
    return [total * 0.22, total * 0.32] + [figure] * (count - 2)


def _shown(value) -> str:
    if value is None:
        return "—"
    if isinstance(value, float):
        return f"{value:.1f}"
    return str(value)


def _escape(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
