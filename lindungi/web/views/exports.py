"""Staff screens for background exports: the list of one's exports, a job's progress (polled with
htmx until it is done) and the download.

Thin adapters over ``lindungi.exports.services`` / ``selectors``. Exports are requested from the
person list (``web.views.registry.person_export_csv`` / ``_xlsx``); the file is written by the
background worker (``lindungi.exports.tasks.run_export``). Generating the file and each download
are recorded in the access log, naming every person in the file.
"""

from django.contrib.auth.decorators import login_required
from django.http import FileResponse
from django.shortcuts import render
from django.urls import path
from django.utils.translation import gettext as _
from django.views.decorators.vary import vary_on_headers

from lindungi.common.errors import Conflict, PermissionDenied
from lindungi.exports import persons as person_format
from lindungi.exports import selectors
from lindungi.registry.perms import PERSON_EXPORT
from lindungi.web.helpers import domain_errors_to_http, page_number

EXPORT_PAGE_SIZE = 25


def _require_export(user) -> None:
    if not user.has_role_perm(PERSON_EXPORT):
        raise PermissionDenied(_("You are not allowed to export people."))


@login_required
@domain_errors_to_http
def export_list(request):
    _require_export(request.user)
    page = selectors.export_job_list_for(request.user, page=page_number(request), page_size=EXPORT_PAGE_SIZE)
    return render(request, "web/exports/list.html", {"page": page})


@login_required
@domain_errors_to_http
@vary_on_headers("HX-Request")
def export_detail(request, public_id):
    job = selectors.export_job_get_for(request.user, public_id)
    context = {"job": job}
    if request.htmx:
        return render(request, "web/exports/_status.html", context)
    return render(request, "web/exports/detail.html", context)


@login_required
@domain_errors_to_http
def export_download(request, public_id):
    try:
        job = selectors.export_file_for(request.user, public_id)
    except Conflict as exc:
        job = selectors.export_job_get_for(request.user, public_id)
        return render(request, "web/exports/detail.html", {"job": job, "error": exc.message}, status=409)
    job.file.open("rb")
    return FileResponse(job.file, as_attachment=True, filename=job.download_name,
                        content_type=person_format.CONTENT_TYPES[job.format])


urlpatterns = [
    path("exports/", export_list, name="export-list"),
    path("exports/<uuid:public_id>/", export_detail, name="export-detail"),
    path("exports/<uuid:public_id>/download/", export_download, name="export-download"),
]
