"""Writes of the exports app: requesting an export, running it in the background, purging old files.

An export is requested with the same filters as the list it comes from. The request runs the same
scoped selector (``registry.selectors.person_search_queryset``) so a bad filter fails at once with the
list's own errors; the job then re-builds the queryset with its creator as the actor, so the file holds
exactly what that user may see when it is generated.
"""

import logging
import tempfile
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from datetime import timedelta

from django.conf import settings
from django.core.files import File
from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from lindungi.accounts.permissions import require_perm
from lindungi.audit.models import AccessLog
from lindungi.audit.services import access_log, audit_record
from lindungi.common.errors import DomainError, NotFound, PermissionDenied, ValidationFailed
from lindungi.common.replica import reporting_reads
from lindungi.common.workers import ClaimLost, Heartbeat, new_claim, stale_running
from lindungi.exports import persons as person_format
from lindungi.exports.models import ExportJob
from lindungi.registry.perms import PERSON_EXPORT
from lindungi.registry.selectors import as_listed, described_filters

logger = logging.getLogger(__name__)

EXPIRES_AFTER = timedelta(days=7)
# The immediate download and the background job share this cap (the person list says so).
MAX_ROWS = 100_000
# Lists up to this long download at once; longer ones are exported in the background.
DIRECT_MAX_ROWS = 10_000
PERSON_FILTERS = {"q": str, "nik": str, "passport": str, "regency": str, "province": str, "sex": str,
                  "agency": str, "include_merged": bool}
_MAX_FILTER_LENGTH = 150


def _check_kind(kind: str) -> str:
    kind = (kind or ExportJob.Kind.PERSONS).strip().lower()
    if kind not in ExportJob.Kind.values:
        raise ValidationFailed.from_fields({"kind": _("Unknown export kind. Allowed: %(k)s.")
                                            % {"k": ", ".join(ExportJob.Kind.values)}})
    return kind


def _check_format(fmt: str) -> str:
    fmt = (fmt or ExportJob.Format.CSV).strip().lower()
    if fmt not in ExportJob.Format.values:
        raise ValidationFailed.from_fields({"format": _("Unknown format. Allowed: %(f)s.")
                                            % {"f": ", ".join(ExportJob.Format.values)}})
    return fmt


def clean_filters(filters) -> dict:
    """The person-list filters, checked for names and types; empty values are dropped. Errors are
    keyed by the filter name, like the selector's own."""
    if filters is None:
        return {}
    if not isinstance(filters, Mapping):
        raise ValidationFailed.from_fields({"filters": _("Filters must be an object of name: value.")})
    cleaned, errors = {}, {}
    for name, value in filters.items():
        kind = PERSON_FILTERS.get(name)
        if kind is None:
            errors[str(name)] = [_("Unknown filter. Allowed: %(f)s.") % {"f": ", ".join(PERSON_FILTERS)}]
        elif value is None or value == "" or value is False:
            continue
        elif kind is bool:
            if not isinstance(value, bool):
                errors[name] = [_("Must be true or false.")]
            else:
                cleaned[name] = value
        elif not isinstance(value, str):
            errors[name] = [_("Must be text.")]
        elif len(value) > _MAX_FILTER_LENGTH:
            errors[name] = [_("At most %(n)d characters.") % {"n": _MAX_FILTER_LENGTH}]
        elif value.strip():
            cleaned[name] = value.strip()
    if errors:
        raise ValidationFailed.from_fields(errors)
    return cleaned


def export_queryset(actor, *, kind: str, filters: Mapping) -> QuerySet:
    """The scoped, filtered rows of an export: the list's own selector, with its errors."""
    from lindungi.registry.selectors import person_search_queryset

    if kind == ExportJob.Kind.PERSONS:
        return person_search_queryset(actor, **filters)
    raise ValidationFailed.from_fields({"kind": _("Unknown export kind.")})  # pragma: no cover


def filters_text(filters: Mapping) -> str:
    """The filters as the access log records them (identifiers masked)."""
    return ", ".join(f"{k}={v}" for k, v in described_filters(dict(filters)).items()) or "-"


def export_request(*, actor, kind: str = ExportJob.Kind.PERSONS, fmt: str = ExportJob.Format.CSV,
                   filters: Mapping | None = None, via: str = "web") -> ExportJob:
    """Record a queued export and hand it to the background worker once the transaction commits.

    Needs ``person.export``. The filters are checked by running the list's scoped selector, so a bad
    filter fails here (422) rather than in the worker."""
    require_perm(actor, PERSON_EXPORT, _("You are not allowed to export people."))
    kind, fmt, cleaned = _check_kind(kind), _check_format(fmt), clean_filters(filters)
    export_queryset(actor, kind=kind, filters=cleaned)  # raises ValidationFailed / PermissionDenied
    with transaction.atomic():
        job = ExportJob.objects.create(
            kind=kind, format=fmt, filters=cleaned, created_by=actor, via=via,
            language=translation.get_language() or settings.LANGUAGE_CODE,
            expires_at=timezone.now() + EXPIRES_AFTER,
        )
        audit_record(actor=actor, action="export.requested", obj=job, via=via,
                     changes={"kind": [None, kind], "format": [None, fmt], "filters": [None, cleaned]})
        export_enqueue(job=job)
    job.refresh_from_db()  # an immediate backend has already run it
    return job


@dataclass(frozen=True)
class ExportStart:
    """How an export of a list begins: ``rows`` to download at once (a lazy stream of people, NIKs as
    the list shows them to the exporter), or a background ``job``."""

    count: int
    rows: Iterator | None = None
    job: ExportJob | None = None


def export_start(*, actor, kind: str = ExportJob.Kind.PERSONS, fmt: str = ExportJob.Format.CSV,
                 filters: Mapping | None = None, via: str = "web") -> ExportStart:
    """Export a list as the page shows it: at most ``DIRECT_MAX_ROWS`` rows are handed back to be
    downloaded now (the access log records the export here); a longer list becomes a background
    job (``export_request``), which logs the export when the file is made."""
    require_perm(actor, PERSON_EXPORT, _("You are not allowed to export people."))
    kind, fmt, cleaned = _check_kind(kind), _check_format(fmt), clean_filters(filters)
    rows = export_queryset(actor, kind=kind, filters=cleaned)
    count = rows[: MAX_ROWS + 1].count()
    if count > DIRECT_MAX_ROWS:
        return ExportStart(count=count, job=export_request(actor=actor, kind=kind, fmt=fmt, filters=cleaned, via=via))
    access_log(actor=actor, kind=AccessLog.Kind.EXPORT, object_type=f"{kind[:-1]}_list", object_id=None, via=via,
               persons=rows.values_list("pk", flat=True)[:MAX_ROWS], detail=f"{count} rows: {filters_text(cleaned)}")
    return ExportStart(count=count, rows=as_listed(actor, rows[:MAX_ROWS].iterator(chunk_size=2000)))


def export_enqueue(*, job: ExportJob) -> None:
    from lindungi.exports.tasks import run_export

    job_id = job.pk
    transaction.on_commit(lambda: run_export.enqueue(job_id))


def export_run(*, job_id: int) -> ExportJob:
    """Generate the file of a queued job (the worker calls this). The rows are read with the job's
    creator as the actor, so the scope is the creator's scope now. Writes an AccessLog row (kind
    ``export``) for each person in the file; each download of the file repeats them (kind
    ``download``, ``exports.selectors.export_file_for``).

    A job that is not queued (finished, failed or running elsewhere) is left alone."""
    job = ExportJob.objects.select_related("created_by").filter(pk=job_id).first()
    if job is None:
        raise NotFound(_("Export not found."))
    now, claim = timezone.now(), new_claim()
    claimed = ExportJob.objects.filter(pk=job.pk, status=ExportJob.Status.QUEUED).update(
        status=ExportJob.Status.RUNNING, started_at=now, updated_at=now, message="", claim=claim, heartbeat_at=now)
    if not claimed:
        return job
    job.status, job.started_at, job.claim = ExportJob.Status.RUNNING, now, claim
    with translation.override(job.language or settings.LANGUAGE_CODE), Heartbeat(ExportJob, job.pk, claim):
        try:
            _generate(job)
        except ClaimLost:
            pass  # another worker took the job over and writes the file itself
        except Exception as exc:
            if isinstance(exc, DomainError):
                message = exc.message
            else:
                logger.exception("Export job %s failed", job.pk)
                message = _("The export failed (%(error)s). Request it again.") % {
                    "error": str(exc) or type(exc).__name__}
            _fail(job, message)
    return job


def _generate(job: ExportJob) -> None:
    actor = job.created_by
    if not actor.is_active:
        raise PermissionDenied(_("The account that requested this export is no longer active."))
    require_perm(actor, PERSON_EXPORT, _("You are not allowed to export people."))
    qs = export_queryset(actor, kind=job.kind, filters=clean_filters(job.filters))
    with reporting_reads(), tempfile.TemporaryFile() as out:
        total = qs.count()
        included: list[int] = []
        people = _noting_ids(as_listed(actor, qs[:MAX_ROWS].iterator(chunk_size=2000)), included)
        if job.format == ExportJob.Format.XLSX:
            written = person_format.write_xlsx(people, out)
        else:
            written = person_format.write_csv(people, out)
        out.seek(0)
        name = f"{job.kind}-{job.public_id.hex[:12]}.{job.format}"
        job.file.save(name, File(out, name=name), save=False)
    message = _("%(n)d rows.") % {"n": written}
    if total > written:
        message = _("The first %(n)d of %(total)d rows (exports are limited to %(max)d rows).") % {
            "n": written, "total": total, "max": MAX_ROWS}
    now = timezone.now()
    try:
        with transaction.atomic():
            if not ExportJob.objects.filter(pk=job.pk, claim=job.claim).update(
                    status=ExportJob.Status.DONE, row_count=written, file=job.file.name, message=message,
                    finished_at=now, updated_at=now):
                raise ClaimLost(_("Another worker took this export over."))
            access_log(actor=actor, kind=AccessLog.Kind.EXPORT, object_type="exportjob", object_id=job.pk,
                       persons=included, via=job.via, detail=f"{written} rows: {filters_text(job.filters)}")
            audit_record(actor=actor, action="export.finished", obj=job, via=job.via,
                         changes={"status": [ExportJob.Status.RUNNING, ExportJob.Status.DONE],
                                  "row_count": [None, written]})
    except BaseException:
        job.file.delete(save=False)
        raise
    job.status, job.row_count, job.message, job.finished_at = ExportJob.Status.DONE, written, message, now


def _noting_ids(rows, ids: list[int]):
    for row in rows:
        ids.append(row.pk)
        yield row


def _fail(job: ExportJob, message: str) -> None:
    now = timezone.now()
    if job.file:
        job.file.delete(save=False)
    job.status, job.message, job.finished_at = ExportJob.Status.FAILED, message, now
    with transaction.atomic():
        if not ExportJob.objects.filter(pk=job.pk, claim=job.claim).update(
                status=ExportJob.Status.FAILED, file="", message=message, finished_at=now, updated_at=now):
            return  # taken over meanwhile
        audit_record(actor=job.created_by, action="export.failed", obj=job, via=job.via,
                     changes={"status": [ExportJob.Status.RUNNING, ExportJob.Status.FAILED]}, reason=message)


def export_recover_stale() -> list[int]:
    """Requeue every running export whose worker stopped beating its heartbeat; the file is written
    again from the start under a new claim (the dead worker's claim can no longer finish it)."""
    taken = []
    for job in ExportJob.objects.filter(stale_running(), status=ExportJob.Status.RUNNING):
        with transaction.atomic():
            requeued = ExportJob.objects.filter(pk=job.pk, status=ExportJob.Status.RUNNING, claim=job.claim).filter(
                stale_running()).update(status=ExportJob.Status.QUEUED, claim="", updated_at=timezone.now())
            if not requeued:
                continue
            audit_record(actor=None, action="export.taken_over", obj=job, via="worker",
                         changes={"status": [ExportJob.Status.RUNNING, ExportJob.Status.QUEUED]},
                         reason=f"no heartbeat since {job.heartbeat_at or job.updated_at:%Y-%m-%d %H:%M:%S}")
            export_enqueue(job=job)
        taken.append(job.pk)
    return taken


def export_purge_expired(*, now=None) -> int:
    """Delete the files of expired exports (the job rows stay, as a record). Returns how many."""
    now = now or timezone.now()
    purged = 0
    for job in ExportJob.objects.filter(expires_at__lte=now).exclude(file=""):
        job.file.delete(save=False)
        ExportJob.objects.filter(pk=job.pk).update(file="", updated_at=now)
        purged += 1
    return purged
