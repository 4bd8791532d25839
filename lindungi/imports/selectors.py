"""Reads of the imports app. Central roles see every batch; everyone else sees the batches they started."""

import uuid

from django.db.models import QuerySet
from django.utils.translation import gettext as _

from lindungi.accounts.roles import NATIONAL_ROLES
from lindungi.audit.models import AccessLog
from lindungi.audit.services import access_log
from lindungi.common.errors import NotFound
from lindungi.common.pagination import Page, paginate
from lindungi.imports.models import ImportBatch, ImportRowError

ERROR_PREVIEW = 200


def import_batch_queryset_for(actor) -> QuerySet:
    if actor is None or not getattr(actor, "is_authenticated", False) or not actor.is_active:
        return ImportBatch.objects.none()
    qs = ImportBatch.objects.select_related("created_by")
    if actor.role in NATIONAL_ROLES:
        return qs
    return qs.filter(created_by=actor)


def import_batch_list_for(actor, *, page: int = 1, page_size: int = 25) -> Page:
    return paginate(import_batch_queryset_for(actor), page=page, page_size=page_size)


def import_batch_get_for(actor, public_id) -> ImportBatch:
    try:
        key = public_id if isinstance(public_id, uuid.UUID) else uuid.UUID(str(public_id))
    except ValueError:
        raise NotFound(_("Import not found."))
    batch = import_batch_queryset_for(actor).filter(public_id=key).first()
    if batch is None:
        raise NotFound(_("Import not found."))
    return batch


def import_errors_preview(batch: ImportBatch, *, limit: int = ERROR_PREVIEW, actor=None,
                          via: str = "web") -> list[ImportRowError]:
    """The first errors of a batch the caller already obtained through ``import_batch_get_for``;
    shown to ``actor``, they are logged (they repeat values from the file)."""
    errors = list(ImportRowError.objects.filter(batch=batch).order_by("line", "id")[:limit])
    if errors and actor is not None:
        access_log(actor=actor, kind=AccessLog.Kind.VIEW, object_type="importbatch", object_id=batch.pk, via=via,
                   detail=f"import errors, first {len(errors)}")
    return errors


def import_errors_page_for(actor, public_id, *, page: int = 1, page_size: int = 50,
                           via: str = "web") -> tuple[ImportBatch, Page]:
    """A page of a batch's row errors. They repeat values from the file (NIKs, names): logged."""
    batch = import_batch_get_for(actor, public_id)
    result = paginate(ImportRowError.objects.filter(batch=batch).order_by("line", "id"), page=page,
                      page_size=page_size)
    access_log(actor=actor, kind=AccessLog.Kind.VIEW, object_type="importbatch", object_id=batch.pk, via=via,
               detail=f"import errors, page {result.page}")
    return batch, result


def import_error_report_for(actor, public_id, *, via: str = "web", fmt: str = "csv"):
    """Every error of a batch as (line, field, message, value) tuples, streamed from the database.
    The report repeats values from the file (NIKs, names), so the download is logged as an export."""
    batch = import_batch_get_for(actor, public_id)
    rows = (ImportRowError.objects.filter(batch=batch).order_by("line", "id")
            .values_list("line", "field", "message", "value").iterator(chunk_size=5000))
    access_log(actor=actor, kind=AccessLog.Kind.EXPORT, object_type="importbatch", object_id=batch.pk, via=via,
               detail=f"import error report ({fmt}), {batch.error_rows} rows with errors")
    return batch, rows


def value_mapping_list_for(actor, *, kind: str = "", page: int = 1, page_size: int = 50) -> Page:
    """The mapping table, for the administrators who edit it (others: refused)."""
    from lindungi.accounts.permissions import require_perm
    from lindungi.imports.models import ValueMapping
    from lindungi.imports.perms import IMPORT_MAPPINGS

    require_perm(actor, IMPORT_MAPPINGS, _("Only central administrators may edit the mapping table."))
    qs = ValueMapping.objects.select_related("updated_by")
    if kind in ValueMapping.Kind.values:
        qs = qs.filter(kind=kind)
    return paginate(qs, page=page, page_size=page_size)


def import_reconciliation_for(actor, public_id):
    """A historical placement import and its reconciliation lines (aggregate counts, no personal data)."""
    from lindungi.imports import reconciliation

    batch = import_batch_get_for(actor, public_id)
    if not (batch.kind == ImportBatch.Kind.PLACEMENTS and batch.mode == ImportBatch.Mode.HISTORICAL):
        raise NotFound(_("Only historical placement imports have a reconciliation report."))
    return batch, reconciliation.report(batch)
