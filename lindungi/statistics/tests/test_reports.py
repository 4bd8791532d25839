"""The monthly performance report and the public tables as files: the figures by their definition,
the PDF (with its chart) and the workbooks opened back, scoping, and refused input."""

import io
from decimal import Decimal

import openpyxl
import pytest
from pypdf import PdfReader

from lindungi.common.errors import NotFound, PermissionDenied, ValidationFailed
from lindungi.statistics import reports, selectors
from lindungi.statistics.services import target_set
from lindungi.statistics.tests.fixtures import YEAR, at, reach

pytestmark = pytest.mark.django_db


@pytest.fixture
def departures(admin_user, hq, make_placement, make_person):
    """Two departures in February and one in March; the nation's target for the year is 10."""
    reach(make_placement(), "departed", at(YEAR, 2, 10))
    reach(make_placement(person=make_person()), "departed", at(YEAR, 2, 20))
    reach(make_placement(person=make_person()), "departed", at(YEAR, 3, 5))
    reach(make_placement(person=make_person()), "departed", at(YEAR, 4, 1))  # after the report's month
    target_set(actor=admin_user, indicator="PEN-BERANGKAT", year=YEAR, unit=hq.code, value=10, source_document="PK")


def row_of(report, code):
    return next(r for r in report["rows"] if r.indicator.code == code)


def test_month_and_to_date_by_the_indicator_s_definition(analyst, departures):
    report = selectors.monthly_report_for(analyst, year=YEAR, month=3)
    row = row_of(report, "PEN-BERANGKAT")
    assert (row.target, row.month, row.to_date, row.achievement) == (10, 1, 3, Decimal("30.0"))
    february = row_of(selectors.monthly_report_for(analyst, year=YEAR, month=2), "PEN-BERANGKAT")
    assert (february.month, february.to_date) == (2, 2)
    assert row_of(report, "KEPULANGAN").target is None


def test_the_pdf_opens_with_its_table_and_chart(analyst, departures):
    report = selectors.monthly_report_for(analyst, year=YEAR, month=3)
    content = reports.monthly_report_pdf(report)
    assert content.startswith(b"%PDF-")
    pdf = PdfReader(io.BytesIO(content))
    text = "\n".join(page.extract_text() for page in pdf.pages)
    assert "Monthly performance report" in text and "National" in text and "March 2025" in text
    for row in report["rows"]:
        assert row.indicator.code in text
    assert "30.0" in text  # the achievement to date
    # The chart's legend repeats the series names the table heads also carry.
    assert "Target 2025" in text.split("Code")[0]  # the chart's legend, drawn before the table
    assert pdf.metadata.title.startswith("Monthly performance report")


def test_the_workbooks_open_with_numbers_as_numbers(analyst, departures):
    report = selectors.monthly_report_for(analyst, year=YEAR, month=3)
    sheet = openpyxl.load_workbook(io.BytesIO(reports.monthly_report_xlsx(report))).active
    rows = list(sheet.iter_rows(values_only=True))
    header = rows[2]
    assert header[:2] == ("Code", "Indicator") and "Realisation to date" in header
    departures_row = next(r for r in rows[3:] if r[0] == "PEN-BERANGKAT")
    assert departures_row[2:6] == (10, 1, 3, 30.0)

    table = selectors.public_placements(year=YEAR, by="province")
    public = openpyxl.load_workbook(io.BytesIO(reports.public_table_xlsx(table, title="province 2025"))).active
    values = list(public.iter_rows(values_only=True))
    assert values[2] == ("province", "name", "total")
    assert values[-1][1:] == ("TOTAL", 4)


def test_a_formula_in_a_label_is_not_run(analyst):
    from lindungi.exports.documents import Table, tables_xlsx

    sheet = openpyxl.load_workbook(io.BytesIO(tables_xlsx([Table(
        title="t", headers=["a"], rows=[["=HYPERLINK(\"http://x\")"]])]))).active
    assert sheet["A4"].value.startswith("'=")


def test_scoping_and_refusals(unit_officer, unit_jatim, p3mi_user, analyst):
    assert selectors.monthly_report_for(unit_officer, year=YEAR, month=1)["unit"] == unit_officer.unit
    with pytest.raises(NotFound):
        selectors.monthly_report_for(unit_officer, year=YEAR, month=1, unit=unit_jatim.code)
    with pytest.raises(PermissionDenied):
        selectors.monthly_report_for(p3mi_user, year=YEAR, month=1)
    for month in (0, 13, "maret"):
        with pytest.raises(ValidationFailed) as exc:
            selectors.monthly_report_for(analyst, year=YEAR, month=month)
        assert set(exc.value.fields) == {"month"}
    with pytest.raises(ValidationFailed) as exc:
        selectors.monthly_report_for(analyst, year=2100, month=1)
    assert "not begun" in exc.value.fields["month"][0]


def test_api_and_web_give_the_files(client, api_client_for, analyst, departures):
    api = api_client_for(analyst)
    answer = api.get(f"/api/v1/statistics/monthly-report?year={YEAR}&month=3")
    assert answer.status_code == 200
    assert next(r for r in answer.json()["rows"] if r["indicator"] == "PEN-BERANGKAT")["to_date"] == 3
    pdf = api.get(f"/api/v1/statistics/monthly-report?year={YEAR}&month=3&format=pdf")
    assert pdf.status_code == 200 and pdf["Content-Type"] == "application/pdf"
    assert 'filename="laporan-kinerja-nasional-2025-03.pdf"' in pdf["Content-Disposition"]
    bad = api.get(f"/api/v1/statistics/monthly-report?year={YEAR}&month=14")
    assert bad.status_code in (400, 422) and "month" in bad.json()["fields"]
    public = client.get(f"/api/v1/public/statistics/placements?year={YEAR}&by=country&format=xlsx")
    assert public.status_code == 200 and public["Content-Type"].startswith("application/vnd.openxmlformats")

    client.force_login(analyst)
    page = client.get(f"/statistik/laporan/?year={YEAR}&month=3&format=xlsx")
    assert page.status_code == 200 and page["Content-Type"].startswith("application/vnd.openxmlformats")
    assert PdfReader(io.BytesIO(client.get(f"/statistik/laporan/?year={YEAR}&month=3").content)).pages
    refused = client.get(f"/statistik/laporan/?year={YEAR}&month=13")
    assert refused.status_code == 400 and "1" in refused.content.decode()
