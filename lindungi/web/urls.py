from lindungi.web.views import agencies, core, imports, placements, registry

app_name = "web"

urlpatterns = [
    *core.urlpatterns,
    *registry.urlpatterns,
    *agencies.urlpatterns,
    *imports.urlpatterns,
    *placements.urlpatterns,
]
