"""Admin: the complaint categories, the statutory deadlines and the holiday calendar are edited
here (central administrators), each change audited (``reference.admin.AuditedAdmin``). Cases change
only through the services."""

from django.contrib import admin

from lindungi.cases.models import CaseCategory, DeadlineRule, Holiday
from lindungi.reference.admin import AuditedAdmin


@admin.register(CaseCategory)
class CaseCategoryAdmin(AuditedAdmin):
    list_display = ("code", "version", "name_id", "name_en", "valid_from", "valid_to")
    search_fields = ("code", "name_id", "name_en")


@admin.register(DeadlineRule)
class DeadlineRuleAdmin(AuditedAdmin):
    list_display = ("code", "amount", "unit", "warn_days", "legal_basis", "valid_from", "valid_to")


@admin.register(Holiday)
class HolidayAdmin(AuditedAdmin):
    list_display = ("day", "name", "kind", "source")
    list_filter = ("kind",)
    date_hierarchy = "day"
