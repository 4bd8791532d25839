"""Bulk imports of people and placements: upload a CSV/XLSX file, follow its progress, read its row errors.

Thin: the file is checked and queued by ``lindungi.imports.services``; the import itself runs in the
background worker, so the upload answers 202 at once.
"""

from typing import Literal
from uuid import UUID

from django.http import FileResponse, HttpResponse, StreamingHttpResponse
from django.utils import timezone
from ninja import Field, File, Form, Router, Schema, UploadedFile
from ninja.responses import Status

from lindungi.api.schemas import ERRORS, coded, related
from lindungi.imports import reconciliation, reports, selectors, services
from lindungi.imports.models import ImportBatch

router = Router(tags=["imports"])


def _iso(value):
    return timezone.localtime(value).isoformat() if value else None


class ImportBatchOut(Schema):
    id: UUID = Field(..., alias="public_id")
    kind: coded(ImportBatch.Kind) = Field(..., description="persons, placements, foreign_parties, agencies or users")
    mode: coded(ImportBatch.Mode, blank=True) = Field(
        ..., description="placements: new or historical; persons: empty or historical; other kinds: empty")
    mapping_counts: dict[str, int] = Field(..., description="mapping table entries applied: 'kind: source → target' "
                                                            "→ rows")
    filename: str
    status: coded(ImportBatch.Status) = Field(..., description="queued, running, done or failed")
    message: str
    via: str
    total_rows: int = Field(..., description="data rows read so far (imported + existing + with errors)")
    imported_rows: int
    existing_rows: int = Field(..., description="already on record (people: NIK registered; placements: imported "
                                                "before): skipped")
    error_rows: int = Field(..., description="rows refused; see /errors")
    last_line_done: int = Field(..., description="last spreadsheet line committed (header is line 1)")
    expected_rows: int = Field(..., description="data rows estimated on upload (0 if unknown)")
    progress_percent: int
    sha256: str
    created_by: str
    created_at: str
    started_at: str | None
    finished_at: str | None

    resolve_created_by = related("created_by.username")

    @staticmethod
    def resolve_created_at(obj):
        return _iso(obj.created_at)

    @staticmethod
    def resolve_started_at(obj):
        return _iso(obj.started_at)

    @staticmethod
    def resolve_finished_at(obj):
        return _iso(obj.finished_at)


class ImportBatchPageOut(Schema):
    items: list[ImportBatchOut]
    total: int
    page: int
    page_size: int


class ImportErrorOut(Schema):
    line: int = Field(..., description="spreadsheet line (header is line 1)")
    field: str = Field(..., description="column name")
    message: str
    value: str


class ImportErrorPageOut(Schema):
    items: list[ImportErrorOut]
    total: int
    page: int
    page_size: int


KIND_FORM, MODE_FORM = Form("persons"), Form("")  # multipart fields with their defaults


@router.post("", response={202: ImportBatchOut, **ERRORS}, operation_id="imports_create")
def imports_create(
    request, file: File[UploadedFile],
    kind: coded(ImportBatch.Kind, also=("placements_new", "placements_historical", "persons_historical")) = KIND_FORM,
    mode: coded(ImportBatch.Mode, blank=True) = MODE_FORM,
):
    """Upload a CSV or XLSX file (multipart field `file`) of people or, with `kind=placements`, of
    placements and their checklist items (`mode=new`, the default: registered through every rule;
    `mode=historical`, central administrators only: migrated in the recorded state). `kind` also takes
    `placements_new`, `placements_historical` and `persons_historical` (people migrated from the old
    system, central administrators) and, for a migration (central administrators), `foreign_parties`
    (foreign employers and agencies), `agencies` (P3MI with their licence history) and `users`. The
    columns are checked at once; the rows are imported in the background: poll `GET /imports/{id}`."""
    batch = services.import_batch_create(actor=request.user, uploaded_file=file, filename=file.name, kind=kind,
                                         mode=mode, via="api")
    services.import_batch_enqueue(batch=batch)
    return Status(202, batch)


@router.get("", response={200: ImportBatchPageOut, **ERRORS}, operation_id="imports_list")
def imports_list(request, page: int = 1, page_size: int = 25):
    """Your imports (every import for central roles), newest first."""
    result = selectors.import_batch_list_for(request.user, page=page, page_size=page_size)
    return {"items": result.items, "total": result.total, "page": result.page, "page_size": result.page_size}


@router.get("/{public_id}", response={200: ImportBatchOut, **ERRORS}, operation_id="imports_detail")
def imports_detail(request, public_id: UUID):
    """Status and counts of one import."""
    return selectors.import_batch_get_for(request.user, public_id)


@router.post("/{public_id}/resume", response={202: ImportBatchOut, **ERRORS}, operation_id="imports_resume")
def imports_resume(request, public_id: UUID):
    """Queue a failed or interrupted import again; it continues after its last committed line."""
    batch = selectors.import_batch_get_for(request.user, public_id)
    return Status(202, services.import_batch_resume(actor=request.user, batch=batch, via="api"))


@router.get("/{public_id}/errors", response={200: ImportErrorPageOut, **ERRORS}, operation_id="imports_errors")
def imports_errors(request, public_id: UUID, page: int = 1, page_size: int = 100):
    """The refused rows of an import, by line: one item per failing column."""
    _batch, result = selectors.import_errors_page_for(request.user, public_id, page=page, page_size=page_size,
                                                      via="api")
    return {"items": result.items, "total": result.total, "page": result.page, "page_size": result.page_size}


@router.get("/{public_id}/errors/report", response={200: None, **ERRORS}, operation_id="imports_error_report")
def imports_error_report(request, public_id: UUID, format: Literal["csv", "xlsx"] = "csv"):
    """The whole error report as a file (CSV or XLSX): line, field, reason, value."""
    batch, rows = selectors.import_error_report_for(request.user, public_id, via="api", fmt=format)
    name = f"import-{batch.public_id}-errors.{format}"
    if format == "xlsx":
        return FileResponse(reports.error_report_xlsx(rows), as_attachment=True, filename=name,
                            content_type=reports.XLSX_CONTENT_TYPE)
    response = StreamingHttpResponse(reports.error_report_csv(rows), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response


class ReconciliationLineOut(Schema):
    dimension: str = Field(..., description="year (of contract start), scheme, country, province or sex")
    value: str = Field(..., description="'-' when the file gave none")
    source: int = Field(..., description="rows of the file (refused rows included)")
    lindungi: int = Field(..., description="placements migrated from this file (any run of it)")
    difference: int = Field(..., description="lindungi - source")


class ReconciliationOut(Schema):
    file_rows: int
    lindungi_rows: int
    items: list[ReconciliationLineOut]


@router.get("/{public_id}/reconciliation", response={200: ReconciliationOut, **ERRORS},
            operation_id="imports_reconciliation")
def imports_reconciliation(request, public_id: UUID):
    """Historical placement imports: the file's counts (by year of contract start, scheme, country,
    province and sex) beside Lindungi's for the placements migrated from it."""
    _batch, lines = selectors.import_reconciliation_for(request.user, public_id)
    file_rows, lindungi_rows = reconciliation.totals(lines)
    return {"file_rows": file_rows, "lindungi_rows": lindungi_rows,
            "items": [{"dimension": line.dimension, "value": line.value, "source": line.source,
                       "lindungi": line.lindungi, "difference": line.difference} for line in lines]}


@router.get("/{public_id}/reconciliation/report", response={200: None, **ERRORS},
            operation_id="imports_reconciliation_report")
def imports_reconciliation_report(request, public_id: UUID, format: Literal["csv", "xlsx"] = "csv"):
    """The reconciliation report as a file (CSV, or XLSX with the differing lines highlighted)."""
    batch, lines = selectors.import_reconciliation_for(request.user, public_id)
    content, content_type = reports.reconciliation_file(lines, format)
    response = HttpResponse(content, content_type=content_type)
    name = f"import-{batch.public_id}-reconciliation.{format}"
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response
