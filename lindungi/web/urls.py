from lindungi.web.views import (
    accounts,
    agencies,
    audit,
    cases,
    core,
    departures,
    exports,
    imports,
    placements,
    registry,
    returns,
    sanctions,
    statistics,
)

app_name = "web"

urlpatterns = [
    *core.urlpatterns,
    *registry.urlpatterns,
    *agencies.urlpatterns,
    *imports.urlpatterns,
    *exports.urlpatterns,
    *placements.urlpatterns,
    *departures.urlpatterns,
    *cases.urlpatterns,
    *returns.urlpatterns,
    *sanctions.urlpatterns,
    *statistics.urlpatterns,
    *audit.urlpatterns,
    *accounts.urlpatterns,
]
