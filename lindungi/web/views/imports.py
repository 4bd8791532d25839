"""Staff screens for bulk imports: upload, progress (polled with htmx), error reports, template.

Thin adapters over ``lindungi.imports.services`` / ``selectors``; the import itself runs in the
background worker (``lindungi.imports.tasks.run_import``).
"""

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import FileResponse, HttpResponse, StreamingHttpResponse
from django.shortcuts import redirect, render
from django.urls import path, reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST
from django.views.decorators.vary import vary_on_headers

from lindungi.common.errors import Conflict, PermissionDenied, ValidationFailed
from lindungi.imports import persons, reconciliation, records, reports, selectors, services
from lindungi.imports import placements as placement_rows
from lindungi.imports.models import ValueMapping
from lindungi.imports.perms import IMPORT_MAPPINGS, IMPORT_RUN
from lindungi.web.forms.imports import ValueMappingForm
from lindungi.web.helpers import apply_domain_error, domain_errors_to_http, page_number

BATCH_PAGE_SIZE = 25


class ImportUploadForm(forms.Form):
    kind = forms.ChoiceField(
        label=gettext_lazy("What the file holds"), initial="persons", required=False,
        help_text=gettext_lazy("New placements start at registration and go through every rule; historical "
                               "placements are migrated in the state they were recorded in."),
    )
    file = forms.FileField(
        label=gettext_lazy("File (.csv or .xlsx)"),
        help_text=gettext_lazy("The first row holds the column names; see the template."),
        widget=forms.ClearableFileInput(attrs={"accept": ".csv,.xlsx"}),
    )

    def __init__(self, *args, kinds=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["kind"].choices = list(kinds)

    def clean_kind(self) -> str:
        return self.cleaned_data.get("kind") or "persons"


@login_required
@domain_errors_to_http
def import_list(request):
    user = request.user
    can_import = user.has_role_perm(IMPORT_RUN)
    kinds = services.import_types_for(user) if can_import else []
    form = ImportUploadForm(request.POST or None, request.FILES or None, kinds=kinds)
    status = 200
    if request.method == "POST":
        if not can_import:
            raise PermissionDenied(_("You are not allowed to import data."))
        if form.is_valid():
            upload = form.cleaned_data["file"]
            try:
                batch = services.import_batch_create(actor=user, uploaded_file=upload, filename=upload.name,
                                                     kind=form.cleaned_data["kind"], via="web")
            except ValidationFailed as exc:
                apply_domain_error(form, exc)
                status = exc.status_code
            else:
                services.import_batch_enqueue(batch=batch)
                messages.success(request, _("%(name)s was received and will be imported in the background.")
                                 % {"name": batch.filename})
                return redirect("web:import-detail", public_id=batch.public_id)
        else:
            status = 400
    page = selectors.import_batch_list_for(user, page=page_number(request), page_size=BATCH_PAGE_SIZE)
    kind_values = {value for value, _label in kinds}
    return render(request, "web/imports/list.html", {
        "form": form, "page": page, "can_import": can_import, "columns": persons.COLUMNS,
        "placement_columns": placement_rows.COLUMNS if kind_values - {"persons"} else (),
        "historical_only": placement_rows.HISTORICAL_ONLY,
        "mapping_link": user.has_role_perm(IMPORT_MAPPINGS),
        "record_kinds": [(kind, label, records.IMPORTERS[kind].columns) for kind, label in kinds
                         if kind in records.IMPORTERS],
    }, status=status)


@login_required
@domain_errors_to_http
@vary_on_headers("HX-Request")
def import_detail(request, public_id):
    batch = selectors.import_batch_get_for(request.user, public_id)
    context = {"batch": batch, "errors": selectors.import_errors_preview(batch, actor=request.user),
               "preview_limit": selectors.ERROR_PREVIEW,
               "can_resume": batch.status == batch.Status.FAILED and request.user.has_role_perm(IMPORT_RUN)
               and (batch.created_by_id == request.user.pk or request.user.is_national)}
    if request.htmx:
        return render(request, "web/imports/_progress.html", context)
    return render(request, "web/imports/detail.html", context)


@login_required
@domain_errors_to_http
@require_POST
def import_resume(request, public_id):
    batch = selectors.import_batch_get_for(request.user, public_id)
    try:
        services.import_batch_resume(actor=request.user, batch=batch, via="web")
    except Conflict as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, _("The import will continue after line %(line)d.") % {"line": batch.last_line_done})
    return redirect("web:import-detail", public_id=batch.public_id)


@login_required
@domain_errors_to_http
def import_errors_csv(request, public_id):
    batch, rows = selectors.import_error_report_for(request.user, public_id, via="web", fmt="csv")
    response = StreamingHttpResponse(reports.error_report_csv(rows), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="import-{batch.public_id}-errors.csv"'
    return response


@login_required
@domain_errors_to_http
def import_errors_xlsx(request, public_id):
    batch, rows = selectors.import_error_report_for(request.user, public_id, via="web", fmt="xlsx")
    return FileResponse(reports.error_report_xlsx(rows), as_attachment=True,
                        filename=f"import-{batch.public_id}-errors.xlsx", content_type=reports.XLSX_CONTENT_TYPE)


@login_required
def import_template(request):
    kind = request.GET.get("kind", "")
    kind = kind if kind == "placements" or kind in records.IMPORTERS else "persons"
    response = HttpResponse(reports.template_xlsx(kind), content_type=reports.XLSX_CONTENT_TYPE)
    name = "lindungi-import-template.xlsx" if kind == "persons" else f"lindungi-{kind.replace('_', '-')}-template.xlsx"
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response


@login_required
@domain_errors_to_http
def import_mappings(request):
    """The mapping table (central administrators): add or change an entry, list, filter by kind."""
    kind = request.GET.get("kind", "")
    page = selectors.value_mapping_list_for(request.user, kind=kind, page=page_number(request))
    form = ValueMappingForm(request.POST or None, initial={"kind": kind or None})
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                mapping = services.value_mapping_save(actor=request.user, via="web", **form.cleaned_data)
            except ValidationFailed as exc:
                apply_domain_error(form, exc)
                status = exc.status_code
            else:
                messages.success(request, _("Saved: %(source)s → %(target)s.")
                                 % {"source": mapping.source, "target": mapping.target})
                return redirect(f"{reverse('web:import-mappings')}?kind={mapping.kind}")
        else:
            status = 400
    return render(request, "web/imports/mappings.html", {
        "form": form, "page": page, "kind": kind, "kinds": ValueMapping.Kind.choices}, status=status)


@login_required
@domain_errors_to_http
@require_POST
def import_mapping_delete(request, mapping_id: int):
    services.value_mapping_delete(actor=request.user, mapping_id=mapping_id, via="web")
    messages.success(request, _("The mapping was deleted."))
    return redirect("web:import-mappings")


@login_required
@domain_errors_to_http
def import_reconciliation(request, public_id):
    """The file's counts beside Lindungi's for a historical placement import, differences highlighted."""
    batch, lines = selectors.import_reconciliation_for(request.user, public_id)
    file_rows, lindungi_rows = reconciliation.totals(lines)
    return render(request, "web/imports/reconciliation.html", {
        "batch": batch, "lines": lines, "file_rows": file_rows, "lindungi_rows": lindungi_rows,
        "differences": sum(1 for line in lines if line.difference)})


def _reconciliation_download(request, public_id, fmt):
    batch, lines = selectors.import_reconciliation_for(request.user, public_id)
    name = f"import-{batch.public_id}-reconciliation.{fmt}"
    content, content_type = reports.reconciliation_file(lines, fmt)
    response = HttpResponse(content, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response


@login_required
@domain_errors_to_http
def import_reconciliation_csv(request, public_id):
    return _reconciliation_download(request, public_id, "csv")


@login_required
@domain_errors_to_http
def import_reconciliation_xlsx(request, public_id):
    return _reconciliation_download(request, public_id, "xlsx")


urlpatterns = [
    path("imports/<uuid:public_id>/reconciliation/", import_reconciliation, name="import-reconciliation"),
    path("imports/<uuid:public_id>/reconciliation.csv", import_reconciliation_csv, name="import-reconciliation-csv"),
    path("imports/<uuid:public_id>/reconciliation.xlsx", import_reconciliation_xlsx,
         name="import-reconciliation-xlsx"),
    path("imports/mappings/", import_mappings, name="import-mappings"),
    path("imports/mappings/<int:mapping_id>/delete/", import_mapping_delete, name="import-mapping-delete"),
    path("imports/", import_list, name="import-list"),
    path("imports/template.xlsx", import_template, name="import-template"),
    path("imports/<uuid:public_id>/", import_detail, name="import-detail"),
    path("imports/<uuid:public_id>/resume/", import_resume, name="import-resume"),
    path("imports/<uuid:public_id>/errors.csv", import_errors_csv, name="import-errors-csv"),
    path("imports/<uuid:public_id>/errors.xlsx", import_errors_xlsx, name="import-errors-xlsx"),
]
