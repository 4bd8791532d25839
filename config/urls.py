from django.contrib import admin
from django.urls import include, path

from lindungi.api.urls import api

urlpatterns = [
    path("admin/", admin.site.urls),
    path("api/v1/", api.urls),
    path("", include("lindungi.ops.urls")),
    path("i18n/", include("django.conf.urls.i18n")),
    path("", include("lindungi.web.urls")),
]
