"""Exports of the people registry, generated in the background: request one, poll it, download it.

Thin: ``lindungi.exports.services`` checks the request (permission, filters through the list's own
scoped selector) and queues it; the file is written by the background worker.
"""

from typing import Any
from uuid import UUID

from django.http import FileResponse
from django.urls import reverse
from django.utils import timezone
from ninja import Field, Router, Schema
from ninja.responses import Status

from lindungi.api.schemas import ERRORS, InputSchema, coded, related
from lindungi.exports import persons as person_format
from lindungi.exports import selectors, services
from lindungi.exports.models import ExportJob

router = Router(tags=["exports"])


def _iso(value):
    return timezone.localtime(value).isoformat() if value else None


class ExportIn(InputSchema):
    kind: coded(ExportJob.Kind) = Field("persons", description="what to export: persons")
    format: coded(ExportJob.Format) = Field("csv", description="csv or xlsx")
    filters: dict[str, Any] = Field(
        default_factory=dict,
        description="the person-list filters: q, nik, passport, regency, province, sex, agency (text), "
                    "include_merged (boolean)")


class ExportJobOut(Schema):
    id: UUID = Field(..., alias="public_id")
    kind: coded(ExportJob.Kind)
    format: coded(ExportJob.Format)
    filters: dict[str, Any]
    status: coded(ExportJob.Status) = Field(..., description="queued, running, done or failed")
    row_count: int
    message: str
    via: str
    created_by: str
    created_at: str
    finished_at: str | None
    expires_at: str
    download_url: str | None = Field(None, description="set when the file can be downloaded")

    resolve_created_by = related("created_by.username")

    @staticmethod
    def resolve_created_at(obj):
        return _iso(obj.created_at)

    @staticmethod
    def resolve_finished_at(obj):
        return _iso(obj.finished_at)

    @staticmethod
    def resolve_expires_at(obj):
        return _iso(obj.expires_at)

    @staticmethod
    def resolve_download_url(obj):
        if not obj.is_downloadable:
            return None
        return reverse("api:exports_download", kwargs={"public_id": obj.public_id})


class ExportJobPageOut(Schema):
    items: list[ExportJobOut]
    total: int
    page: int
    page_size: int


@router.post("", response={202: ExportJobOut, **ERRORS}, operation_id="exports_create")
def exports_create(request, payload: ExportIn):
    """Request an export of the people you may see, filtered like `GET /persons`. Bad filters are
    refused at once (422); the file is written in the background: poll `GET /exports/{id}`."""
    job = services.export_request(actor=request.user, kind=payload.kind, fmt=payload.format,
                                  filters=payload.filters, via="api")
    return Status(202, job)


@router.get("", response={200: ExportJobPageOut, **ERRORS}, operation_id="exports_list")
def exports_list(request, page: int = 1, page_size: int = 25):
    """Your exports, newest first."""
    result = selectors.export_job_list_for(request.user, page=page, page_size=page_size)
    return {"items": result.items, "total": result.total, "page": result.page, "page_size": result.page_size}


@router.get("/{public_id}", response={200: ExportJobOut, **ERRORS}, operation_id="exports_detail")
def exports_detail(request, public_id: UUID):
    """Status of one export."""
    return selectors.export_job_get_for(request.user, public_id)


@router.get("/{public_id}/download", response={200: None, **ERRORS}, operation_id="exports_download",
            url_name="exports_download")
def exports_download(request, public_id: UUID):
    """The finished file (409 while it is being written, 404 once it has expired). The export was
    download is recorded in the access log with the people the file holds."""
    job = selectors.export_file_for(request.user, public_id, via="api")
    job.file.open("rb")
    return FileResponse(job.file, as_attachment=True, filename=job.download_name,
                        content_type=person_format.CONTENT_TYPES[job.format])
