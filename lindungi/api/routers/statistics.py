"""Statistics: indicators, targets, realisation per unit, and the public open-data tables. Thin:
calls ``lindungi.statistics`` services and selectors."""

import csv
import io
from decimal import Decimal
from typing import Literal

from django.http import HttpResponse
from ninja import Field, Query, Router, Schema, Status

from lindungi.api.schemas import ERRORS, InputSchema, coded
from lindungi.common.downloads import CONTENT_TYPES, attachment
from lindungi.statistics import publication, reports, selectors, services
from lindungi.statistics.models import Measure, Rule, TargetVersion

router = Router(tags=["statistics"])
public_router = Router(tags=["public"])


class IndicatorOut(Schema):
    code: str
    name_id: str
    name_en: str
    definition_id: str
    definition_en: str
    rule: coded(Rule)
    date_basis: str
    measure: coded(Measure)
    within_days: int | None
    plan_reference: str
    valid_from: str | None = None
    valid_to: str | None = None
    legal_basis: str

    @staticmethod
    def resolve_valid_from(obj):
        return obj.valid_from.isoformat() if obj.valid_from else None

    @staticmethod
    def resolve_valid_to(obj):
        return obj.valid_to.isoformat() if obj.valid_to else None


class RealisationRowOut(Schema):
    indicator: str
    name: str
    definition: str
    target: int | None
    target_version: str
    source_document: str
    realisation: int
    achievement: Decimal | None = Field(None, description="realisation as a percentage of the target")

    @staticmethod
    def resolve_indicator(obj):
        return obj.indicator.code


class RealisationOut(Schema):
    year: int
    unit: str | None = Field(None, description="unit code; null for the nation")
    rows: list[RealisationRowOut]

    @staticmethod
    def resolve_unit(obj):
        return obj["unit"].code if obj["unit"] else None


class RealisationQuery(InputSchema):
    year: int | None = None
    unit: str = Field("", description="unit code; default your unit (the nation for national roles)")


class TargetIn(InputSchema):
    indicator: str = Field(..., description="indicator code, e.g. PEN-BERANGKAT")
    year: int
    month: int = Field(0, description="1-12, or 0 for the whole year")
    unit: str = Field(..., description="unit code, e.g. PUSAT for the national target")
    version: coded(TargetVersion) = "planned"
    value: int
    source_document: str = Field(..., description="the plan, agreement or decree the figure comes from")
    reason: str = ""


class TargetOut(Schema):
    indicator: str
    year: int
    month: int
    unit: str
    version: str
    value: int
    source_document: str

    @staticmethod
    def resolve_indicator(obj):
        return obj.indicator.code

    @staticmethod
    def resolve_unit(obj):
        return obj.unit.code


class TargetQuery(InputSchema):
    year: int | None = None


@router.get("/indicators", response={200: list[IndicatorOut], **ERRORS}, operation_id="statistics_indicators")
def statistics_indicators(request):
    """Every indicator in force today with its definition: what is counted, from which records, by
    which date, and the plan it serves."""
    selectors.units_for(request.user)  # permission
    return selectors.indicators()


@router.get("/realisation", response={200: RealisationOut, **ERRORS}, operation_id="statistics_realisation")
def statistics_realisation(request, query: Query[RealisationQuery]):
    """Target, realisation and achievement of each indicator for one unit (or the nation) and year."""
    return selectors.realisation_for(request.user, year=query.year, unit=query.unit)


class MonthlyReportRowOut(Schema):
    indicator: str
    name: str
    target: int | None = Field(None, description="the year's target in force (revised over planned)")
    month: int = Field(..., description="realisation in the month")
    to_date: int = Field(..., description="realisation from 1 January to the end of the month")
    achievement: Decimal | None = Field(None, description="to_date as a percentage of the year's target")

    @staticmethod
    def resolve_indicator(obj):
        return obj.indicator.code


class MonthlyReportOut(Schema):
    year: int
    month: int
    unit: str | None = Field(None, description="unit code; null for the nation")
    rows: list[MonthlyReportRowOut]

    @staticmethod
    def resolve_unit(obj):
        return obj["unit"].code if obj["unit"] else None


class MonthlyReportQuery(InputSchema):
    year: int | None = None
    month: int | None = Field(None, description="1–12; default: this month (this year) or December")
    unit: str = ""
    format: Literal["json", "pdf", "xlsx"] = "json"


@router.get("/monthly-report", response={200: MonthlyReportOut, **ERRORS}, operation_id="statistics_monthly_report",
            openapi_extra={"responses": {200: {"content": {
                CONTENT_TYPES["pdf"]: {"schema": {"type": "string", "format": "binary"}},
                CONTENT_TYPES["xlsx"]: {"schema": {"type": "string", "format": "binary"}}}}}})
def statistics_monthly_report(request, query: Query[MonthlyReportQuery]):
    """The monthly performance report of a unit (or the nation): per indicator the year's target,
    the month's realisation, the realisation to date and the achievement so far. `format=pdf` gives
    the printable report with its chart, `format=xlsx` the table as a workbook."""
    report = selectors.monthly_report_for(request.user, year=query.year, month=query.month, unit=query.unit)
    files = {"pdf": reports.monthly_report_pdf, "xlsx": reports.monthly_report_xlsx}
    if query.format in files:
        return attachment(files[query.format](report), kind=query.format,
                          filename=reports.monthly_report_name(report, query.format))
    return report


@router.get("/targets", response={200: list[TargetOut], **ERRORS}, operation_id="statistics_targets")
def statistics_targets(request, query: Query[TargetQuery]):
    """Every target of the year you may read, every version."""
    return selectors.target_list_for(request.user, year=query.year)


@router.post("/targets", response={201: TargetOut, **ERRORS}, operation_id="statistics_target_set")
def statistics_target_set(request, payload: TargetIn):
    """Set or correct a target. A unit's targets may not add up to more than its parent unit's
    (the national target for the BP3MI), nor a parent's fall below what its units hold."""
    return Status(201, services.target_set(actor=request.user, via="api", **payload.dict()))


class PublicItemOut(Schema):
    code: str
    label: str
    value: int | None = Field(None, description="null: suppressed (fewer than 10, or a complement)")
    province: str | None = None
    province_label: str | None = None
    female: int | None = None
    male: int | None = None


class PublicTotalOut(Schema):
    code: str
    label: str
    female: int
    male: int
    value: int


class PublicTableOut(Schema):
    year: int
    by: str
    threshold: int | None = Field(None, description="counts below this are suppressed; null: no suppression")
    total: int
    items: list[PublicItemOut]
    totals: list[PublicTotalOut] = Field(default_factory=list, description="province totals (by=regency)")


class PublicQuery(InputSchema):
    year: int | None = None
    by: coded(selectors.PUBLIC_BREAKDOWNS) = "province"
    format: Literal["json", "csv", "xlsx"] = "json"


@public_router.get("/placements", auth=None, response={200: PublicTableOut, **ERRORS},
                   operation_id="public_statistics_placements",
                   openapi_extra={"responses": {200: {"content": {
                       "text/csv": {"schema": {"type": "string"}},
                       CONTENT_TYPES["xlsx"]: {"schema": {"type": "string", "format": "binary"}}}}}})
def public_statistics_placements(request, query: Query[PublicQuery]):
    """**No login.** Departures of the year (placements that passed the exit check) by province,
    regency, country, scheme, sex, sector, occupation, education or month, as JSON or CSV
    (`format=csv`) or XLSX (`format=xlsx`). Below province level (`regency`) counts under 10 are
    suppressed, with enough other cells that none can be worked out from the totals; a suppressed count
    is `null` (an empty cell in CSV and XLSX)."""
    table = selectors.public_placements(year=query.year, by=query.by)
    if query.format == "xlsx":
        return attachment(reports.public_table_xlsx(table, title=f"{table['by']} {table['year']}"), kind="xlsx",
                          filename=f"penempatan-{table['year']}-{table['by']}.xlsx")
    if query.format == "csv":
        out = io.StringIO()
        csv.writer(out).writerows(selectors.public_csv_rows(table))
        response = HttpResponse(out.getvalue(), content_type="text/csv; charset=utf-8")
        response["Content-Disposition"] = f'attachment; filename="penempatan-{table["year"]}-{table["by"]}.csv"'
        return response
    return table


# ---------------------------------------------------------------------------------------------
# Monthly editions
# ---------------------------------------------------------------------------------------------


class EditionOut(Schema):
    number: int
    year: int
    month: int
    released_at: str
    revises: int | None = Field(None, description="number of the edition this one revises")
    reason: str

    @staticmethod
    def resolve_released_at(obj):
        return obj.released_at.isoformat()

    @staticmethod
    def resolve_revises(obj):
        return obj.revises.number if obj.revises_id else None


class EditionChangeOut(Schema):
    table: str
    code: str
    label: str
    field: str
    before: int | None
    after: int | None


class EditionDetailOut(EditionOut):
    definitions: list[dict]
    tables: dict
    changes: list[EditionChangeOut]

    @staticmethod
    def resolve_changes(obj):
        return publication.edition_changes(obj)


class EditionIn(InputSchema):
    year: int
    month: int
    reason: str = Field("", description="required when the month has an edition already")


@router.post("/editions", response={201: EditionOut, **ERRORS}, operation_id="statistics_edition_release")
def statistics_edition_release(request, payload: EditionIn):
    """Release the next numbered edition of the standard tables for a month that is over (from
    1 January to the end of the month). A second edition of a month revises the latest and needs a
    reason."""
    return Status(201, publication.edition_release(actor=request.user, via="api", **payload.dict()))


@public_router.get("/editions", auth=None, response={200: list[EditionOut], **ERRORS},
                   operation_id="public_statistics_editions")
def public_statistics_editions(request):
    """**No login.** Every released edition, newest first."""
    return publication.edition_list()


@public_router.get("/editions/{number}", auth=None, response={200: EditionDetailOut, **ERRORS},
                   operation_id="public_statistics_edition")
def public_statistics_edition(request, number: int):
    """**No login.** One edition exactly as released: the definitions it followed, its tables
    (suppressed cells `null`) and, for a revised edition, every cell that changed."""
    return publication.edition_get(number)
