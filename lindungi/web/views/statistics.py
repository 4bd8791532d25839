"""The statistics dashboard (indicator, target, realisation, achievement for the viewer's unit and
year, with the records behind each figure) and the public open-data page. Thin: forms parse,
``lindungi.statistics.selectors`` reads and scopes. Mirrors ``lindungi.api.routers.statistics``."""

from urllib.parse import urlencode

from django.contrib.auth.decorators import login_required
from django.urls import path, reverse
from django.utils.translation import gettext as _

from lindungi.accounts.roles import NATIONAL_ROLES
from lindungi.common.errors import ValidationFailed
from lindungi.statistics import selectors
from lindungi.statistics.perms import STATISTICS_VIEW, TARGET_SET
from lindungi.web.choices import statistics_unit_choices
from lindungi.web.forms.statistics import BREAKDOWN_LABELS, PublicStatisticsForm, StatisticsFilterForm
from lindungi.web.helpers import domain_errors_to_http
from lindungi.web.views.placements import _partial_or_full, _require_perm


def _drill_down_url(link: dict | None) -> str:
    if not link:
        return ""
    query = urlencode(link["query"])
    return reverse(link["url"]) + (f"?{query}" if query else "")


def _year_value(form, table) -> str:
    """The year the filter shows: as typed, else the year of the table shown."""
    return form.data.get("year") or (str(table["year"]) if table else "")


@login_required
@domain_errors_to_http
def statistics_dashboard(request):
    actor = request.user
    _require_perm(actor, STATISTICS_VIEW, _("You are not allowed to view statistics."))
    national = actor.role in NATIONAL_ROLES
    form = StatisticsFilterForm(request.GET or None, units=statistics_unit_choices(actor), national=national)
    filters = form.cleaned_data if form.is_valid() else {}
    table, error, status = None, "", 200
    try:
        table = selectors.realisation_for(actor, year=filters.get("year"), unit=filters.get("unit", ""))
    except ValidationFailed as exc:
        error, status = exc.message, 400
    rows = [{"row": row, "url": _drill_down_url(row.drill_down)} for row in (table["rows"] if table else [])]
    context = {"form": form, "table": table, "rows": rows, "error": error or (form.errors and _("Check the filters.")),
               "can_set_targets": actor.has_role_perm(TARGET_SET), "year_value": _year_value(form, table)}
    return _partial_or_full(request, "web/statistics/dashboard.html", "web/statistics/_indicator_table.html",
                            context, status=status if not form.errors else 400)


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
    csv_url = ""
    if table:
        csv_url = "/api/v1/public/statistics/placements?" + urlencode(
            {"year": table["year"], "by": table["by"], "format": "csv"})
    context = {"form": form, "table": table, "csv_url": csv_url, "year_value": _year_value(form, table),
               "breakdown": BREAKDOWN_LABELS.get(table["by"]) if table else ""}
    return _partial_or_full(request, "web/statistics/public.html", "web/statistics/_public_table.html", context,
                            status=status)


urlpatterns = [
    path("statistik/", statistics_dashboard, name="statistics"),
    path("statistik/publik/", public_statistics, name="public-statistics"),
]
