from lindungi.web.views import (
    accounts,
    agencies,
    audit,
    cases,
    core,
    departures,
    exports,
    imports,
    institutions,
    placements,
    registry,
    returns,
    sanctions,
    statistics,
    supervision,
)

app_name = "web"

urlpatterns = [
    *core.urlpatterns,
    *registry.urlpatterns,
    *agencies.urlpatterns,
    *institutions.urlpatterns,
    *imports.urlpatterns,
    *exports.urlpatterns,
    *placements.urlpatterns,
    *departures.urlpatterns,
    *cases.urlpatterns,
    *returns.urlpatterns,
    *sanctions.urlpatterns,
    *statistics.urlpatterns,
    *supervision.urlpatterns,
    *audit.urlpatterns,
    *accounts.urlpatterns,
]
