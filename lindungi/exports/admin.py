"""Admin: export jobs are shown read-only; they are requested through the services (web or API)."""

from django.contrib import admin

from lindungi.audit.admin_mixins import ReadOnlyAdmin
from lindungi.exports.models import ExportJob


@admin.register(ExportJob)
class ExportJobAdmin(ReadOnlyAdmin):
    list_display = ("public_id", "kind", "format", "status", "row_count", "created_by", "created_at",
                    "finished_at", "expires_at")
    list_filter = ("status", "kind", "format")
    search_fields = ("public_id", "created_by__username")
    readonly_fields = [f.name for f in ExportJob._meta.fields]

