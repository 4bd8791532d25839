"""Reads of the exports app. Everyone sees the exports they requested; central administrators may
also open (and download) anyone's. Anything else is 404, exactly like a missing export."""

import uuid

from django.db.models import QuerySet
from django.utils.translation import gettext as _

from lindungi.accounts.roles import Role
from lindungi.audit.models import AccessLog
from lindungi.audit.selectors import persons_logged
from lindungi.audit.services import access_log
from lindungi.common.errors import Conflict, NotFound, PermissionDenied
from lindungi.common.pagination import Page, paginate
from lindungi.exports.models import ExportJob
from lindungi.registry.perms import PERSON_EXPORT


def export_job_queryset_for(actor) -> QuerySet:
    if actor is None or not getattr(actor, "is_authenticated", False) or not actor.is_active:
        return ExportJob.objects.none()
    qs = ExportJob.objects.select_related("created_by")
    if actor.role == Role.ADMIN:
        return qs
    return qs.filter(created_by=actor)


def export_job_list_for(actor, *, page: int = 1, page_size: int = 25) -> Page:
    """The actor's own exports, newest first (administrators too: the list is "my exports")."""
    qs = export_job_queryset_for(actor)
    if actor is not None and getattr(actor, "pk", None):
        qs = qs.filter(created_by=actor)
    return paginate(qs, page=page, page_size=page_size)


def export_job_get_for(actor, public_id) -> ExportJob:
    try:
        key = public_id if isinstance(public_id, uuid.UUID) else uuid.UUID(str(public_id))
    except ValueError:
        raise NotFound(_("Export not found."))
    job = export_job_queryset_for(actor).filter(public_id=key).first()
    if job is None:
        raise NotFound(_("Export not found."))
    return job


def export_file_for(actor, public_id, *, via: str = "web") -> ExportJob:
    """A finished export whose file may be downloaded by the actor. Each download is logged with the
    people the file holds (those logged when it was generated)."""
    job = export_job_get_for(actor, public_id)
    if not actor.has_role_perm(PERSON_EXPORT):
        raise PermissionDenied(_("You are not allowed to export people."))
    if job.is_active:
        raise Conflict(_("The export is not ready yet."))
    if job.status != ExportJob.Status.DONE:
        raise Conflict(_("The export failed; there is nothing to download."))
    if job.is_expired or not job.file:
        raise NotFound(_("This export has expired. Request it again."))
    access_log(actor=actor, kind=AccessLog.Kind.DOWNLOAD, object_type="exportjob", object_id=job.pk,
               persons=persons_logged(object_type="exportjob", object_id=job.pk, kind=AccessLog.Kind.EXPORT),
               via=via, detail=f"{job.row_count or 0} rows ({job.format})")
    return job
