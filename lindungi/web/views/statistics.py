"""The statistics dashboard (indicator, target, realisation, achievement for the viewer's unit and
year, with the records behind each figure) and the public open-data page. Thin: forms parse,
``lindungi.statistics.selectors`` reads and scopes. Mirrors ``lindungi.api.routers.statistics``."""

import datetime as dt
from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.urls import path, reverse
from django.utils import formats, timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from lindungi.accounts.roles import NATIONAL_ROLES
from lindungi.common.downloads import attachment
from lindungi.common.errors import ValidationFailed
from lindungi.statistics import publication, reports, selectors, services
from lindungi.statistics.perms import PUBLISH, STATISTICS_VIEW, TARGET_SET
from lindungi.web.choices import indicator_choices, statistics_unit_choices, unit_choices
from lindungi.web.forms.statistics import (
    BREAKDOWN_LABELS,
    EditionReleaseForm,
    PublicStatisticsForm,
    StatisticsFilterForm,
    TargetForm,
)
from lindungi.web.helpers import apply_domain_error, domain_errors_to_http
from lindungi.web.helpers import partial_or_full as _partial_or_full
from lindungi.web.views.placements import _require_perm

VIA = "web"


def _drill_down_url(link: dict | None) -> str:
    if not link:
        return ""
    query = urlencode(link["query"])
    return reverse(link["url"]) + (f"?{query}" if query else "")


def _year_value(form, table) -> str:
    """The year the filter shows: as typed, else the year of the table shown."""
    return form.data.get("year") or (str(table["year"]) if table else "")


def _dashboard(request, data, *, target_form=None, status: int = 200):
    actor = request.user
    national = actor.role in NATIONAL_ROLES
    form = StatisticsFilterForm(data or None, units=statistics_unit_choices(actor), national=national)
    filters = form.cleaned_data if form.is_valid() else {}
    table, error = None, ""
    try:
        table = selectors.realisation_for(actor, year=filters.get("year"), unit=filters.get("unit", ""))
    except ValidationFailed as exc:
        error, status = exc.message, 400
    if form.errors:
        error, status = _("Check the filters."), 400
    rows = [{"row": row, "url": _drill_down_url(row.drill_down)} for row in (table["rows"] if table else [])]
    can_set = actor.has_role_perm(TARGET_SET)
    if can_set and target_form is None:
        target_form = TargetForm(initial={"year": table["year"] if table else "",
                                          "unit": table["unit"].code if table and table["unit"] else "PUSAT"},
                                 indicators=indicator_choices(), units=unit_choices(), prefix="target")
    today = timezone.localdate()
    context = {"form": form, "table": table, "rows": rows, "error": error, "can_set_targets": can_set,
               "months": [(m, formats.date_format(dt.date(2000, m, 1), "F")) for m in range(1, 13)],
               "report_month": today.month if not table or table["year"] == today.year else 12,
               "target_form": target_form, "year_value": _year_value(form, table)}
    return _partial_or_full(request, "web/statistics/dashboard.html", "web/statistics/_indicator_table.html",
                            context, status=status)


@login_required
@domain_errors_to_http
def statistics_dashboard(request):
    _require_perm(request.user, STATISTICS_VIEW, _("You are not allowed to view statistics."))
    return _dashboard(request, request.GET)


@login_required
@domain_errors_to_http
@require_POST
def target_set(request):
    actor = request.user
    _require_perm(actor, TARGET_SET, _("You are not allowed to set targets."))
    form = TargetForm(request.POST, indicators=indicator_choices(), units=unit_choices(), prefix="target")
    data = {name: form[name].data or "" for name in form.fields}
    try:
        target = services.target_set(actor=actor, via=VIA, **data)
    except ValidationFailed as exc:
        form.is_valid()
        apply_domain_error(form, exc)
        return _dashboard(request, {"year": data["year"]} if str(data["year"]).isdigit() else {},
                          target_form=form, status=422)
    messages.success(request, _("Target saved: %(i)s %(y)s %(u)s = %(v)s.") % {
        "i": target.indicator.code, "y": target.year, "u": target.unit.code, "v": target.value})
    query = {"year": target.year}
    if target.unit.kind != "pusat":
        query["unit"] = target.unit.code
    return redirect(reverse("web:statistics") + "?" + urlencode(query))


REPORT_FORMATS = {"pdf": reports.monthly_report_pdf, "xlsx": reports.monthly_report_xlsx}


@login_required
@domain_errors_to_http
def monthly_report(request):
    """The unit's monthly performance report as a file (PDF with its chart, or XLSX); a bad year,
    month or unit goes back to the dashboard with the reason."""
    actor = request.user
    _require_perm(actor, STATISTICS_VIEW, _("You are not allowed to view statistics."))
    kind = request.GET.get("format", "pdf")
    if kind not in REPORT_FORMATS:
        kind = "pdf"
    try:
        report = selectors.monthly_report_for(actor, year=request.GET.get("year"), month=request.GET.get("month"),
                                              unit=request.GET.get("unit", ""))
    except ValidationFailed as exc:
        labels = {"year": _("Year"), "month": _("Month"), "unit": _("Unit")}
        messages.error(request, "; ".join(f"{labels.get(field, field)}: {' '.join(errors)}"
                                          for field, errors in exc.fields.items()) or exc.message)
        return _dashboard(request, {k: v for k, v in request.GET.items() if k in ("year", "unit")}, status=400)
    return attachment(REPORT_FORMATS[kind](report), kind=kind, filename=reports.monthly_report_name(report, kind))


def public_statistics(request):
    form = PublicStatisticsForm(request.GET or None)
    filters = form.cleaned_data if form.is_valid() else {}
    table, status = None, 200
    if form.errors:
        status = 400
    else:
        try:
            table = selectors.public_placements(year=filters.get("year"), by=filters.get("by") or "province")
        except ValidationFailed:
            status = 400
    csv_url = xlsx_url = ""
    if table:
        query = {"year": table["year"], "by": table["by"]}
        csv_url = "/api/v1/public/statistics/placements?" + urlencode({**query, "format": "csv"})
        xlsx_url = "/api/v1/public/statistics/placements?" + urlencode({**query, "format": "xlsx"})
    context = {"form": form, "table": table, "csv_url": csv_url, "xlsx_url": xlsx_url,
               "year_value": _year_value(form, table),
               "breakdown": BREAKDOWN_LABELS.get(table["by"]) if table else ""}
    return _partial_or_full(request, "web/statistics/public.html", "web/statistics/_public_table.html", context,
                            status=status)


def _edition_list_context(request, form) -> dict:
    user = request.user
    return {"editions": publication.edition_list(), "form": form,
            "can_release": user.is_authenticated and user.has_role_perm(PUBLISH)}


def public_editions(request):
    return render(request, "web/statistics/editions.html", _edition_list_context(request, EditionReleaseForm()))


@login_required
@domain_errors_to_http
@require_POST
def edition_release(request):
    actor = request.user
    _require_perm(actor, PUBLISH, _("You are not allowed to release editions."))
    form = EditionReleaseForm(request.POST)
    try:
        edition = publication.edition_release(actor=actor, year=form.data.get("year"), month=form.data.get("month"),
                                              reason=form.data.get("reason", ""), via=VIA)
    except ValidationFailed as exc:
        form.is_valid()
        apply_domain_error(form, exc)
        return render(request, "web/statistics/editions.html", _edition_list_context(request, form), status=422)
    messages.success(request, _("Edition %(n)s released.") % {"n": edition.number})
    return redirect("web:public-edition", number=edition.number)


@domain_errors_to_http
def public_edition(request, number: int):
    edition = publication.edition_get(number)
    tables = [{"name": name, "label": BREAKDOWN_LABELS[name], "table": edition.tables.get(name)}
              for name in publication.TABLES if edition.tables.get(name)]
    return render(request, "web/statistics/edition.html", {
        "edition": edition, "tables": tables, "changes": publication.edition_changes(edition)})


urlpatterns = [
    path("statistik/publikasi/", public_editions, name="public-editions"),
    path("statistik/publikasi/terbitkan/", edition_release, name="edition-release"),
    path("statistik/publikasi/<int:number>/", public_edition, name="public-edition"),
    path("statistik/", statistics_dashboard, name="statistics"),
    path("statistik/target/", target_set, name="target-set"),
    path("statistik/laporan/", monthly_report, name="statistics-report"),
    path("statistik/publik/", public_statistics, name="public-statistics"),
]
