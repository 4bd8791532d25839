"""Indicators are dated rule data, corrected by hand in the admin with every change audited; a new
definition is a new row with its own ``valid_from``. Targets are set through the service (with its
split rules) and editions never change, so both are read-only here."""

from django.contrib import admin

from lindungi.audit.admin_mixins import AuditedAdmin, ReadOnlyAdmin
from lindungi.statistics.models import Edition, Indicator, Target
from lindungi.statistics.perms import INDICATOR_WRITE


@admin.register(Indicator)
class IndicatorAdmin(AuditedAdmin):
    write_perm = INDICATOR_WRITE
    list_display = ("code", "name_id", "rule", "measure", "within_days", "valid_from", "valid_to")
    search_fields = ("code", "name_id", "name_en", "plan_reference", "legal_basis")
    fieldsets = (
        (None, {"fields": ("code", "name_id", "name_en", "sort_order")}),
        ("Definition", {"fields": ("definition_id", "definition_en", "rule", "date_basis", "measure",
                                   "within_days", "plan_reference")}),
        ("Validity", {"fields": ("valid_from", "valid_to", "legal_basis")}),
    )


@admin.register(Target)
class TargetAdmin(ReadOnlyAdmin):
    list_display = ("indicator", "year", "month", "unit", "version", "value", "source_document", "set_at")
    list_filter = ("year", "version")


@admin.register(Edition)
class EditionAdmin(ReadOnlyAdmin):
    list_display = ("number", "year", "month", "released_at", "revises", "reason")
    exclude = ("tables", "definitions")
