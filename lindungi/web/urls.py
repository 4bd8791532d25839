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
    *audit.urlpatterns,
    *accounts.urlpatterns,
]
