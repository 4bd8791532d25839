"""Auditor screens: the access log searched by account, person, days and route, and the
"who saw this record" report of one person (a printable page and an XLSX file to hand to the
worker). Thin adapters over ``lindungi.registry.access``; both need ``audit.view``."""

import io

from django import forms
from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import render
from django.urls import path
from django.utils.translation import gettext_lazy as _

from lindungi.audit.models import AccessLog
from lindungi.common.errors import ValidationFailed
from lindungi.registry import access
from lindungi.web.helpers import apply_domain_error, domain_errors_to_http, page_number

ACCESS_PAGE_SIZE = 50
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


class AccessLogFilterForm(forms.Form):
    user = forms.CharField(label=_("Account (username)"), required=False, max_length=150)
    person = forms.CharField(label=_("Person (id or NIK)"), required=False, max_length=64)
    since = forms.CharField(label=_("From (day)"), required=False, widget=forms.DateInput(attrs={"type": "date"}))
    until = forms.CharField(label=_("To (day)"), required=False, widget=forms.DateInput(attrs={"type": "date"}))
    route = forms.CharField(label=_("Route starts with"), required=False, max_length=120)
    kind = forms.ChoiceField(label=_("What"), required=False, choices=[("", "—"), *AccessLog.Kind.choices])

    def filters(self) -> dict:
        return {name: (self.data.get(name) or "").strip() for name in self.fields}


@login_required
@domain_errors_to_http
def access_log_search(request):
    form = AccessLogFilterForm(request.GET)
    result, status = None, 200
    try:
        result = access.access_log_page_for(request.user, page=page_number(request), page_size=ACCESS_PAGE_SIZE,
                                            via="web", **form.filters())
    except ValidationFailed as exc:
        apply_domain_error(form, exc)
        status = 422
    page = result["page"] if result else None
    rows = [(row, result["people"].get(row.person_id)) for row in page.items] if page else []
    return render(request, "web/audit/access_log.html", {"form": form, "page": page, "rows": rows}, status=status)


@login_required
@domain_errors_to_http
def person_access_report(request, public_id):
    report = access.person_access_report_for(request.user, public_id, via="web")
    rows = [access.report_row(row) for row in report["rows"]]
    return render(request, "web/audit/person_report.html", {**report, "lines": rows,
                                                             "headers": access.report_headers()})


@login_required
@domain_errors_to_http
def person_access_report_xlsx(request, public_id):
    report = access.person_access_report_for(request.user, public_id, via="web")
    out = io.BytesIO()
    access.write_report_xlsx(report, out)
    response = HttpResponse(out.getvalue(), content_type=XLSX)
    response["Content-Disposition"] = f'attachment; filename="access-report-{report["person"].public_id}.xlsx"'
    return response


urlpatterns = [
    path("audit/access-log/", access_log_search, name="access-log"),
    path("audit/persons/<uuid:public_id>/", person_access_report, name="person-access-report"),
    path("audit/persons/<uuid:public_id>/report.xlsx", person_access_report_xlsx, name="person-access-report-xlsx"),
]
