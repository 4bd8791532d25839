from lindungi.web.views import accounts, agencies, audit, core, departures, exports, imports, placements, registry

app_name = "web"

urlpatterns = [
    *core.urlpatterns,
    *registry.urlpatterns,
    *agencies.urlpatterns,
    *imports.urlpatterns,
    *exports.urlpatterns,
    *placements.urlpatterns,
    *departures.urlpatterns,
    *audit.urlpatterns,
    *accounts.urlpatterns,
]
