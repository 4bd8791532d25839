"""Admin: the rules (schemes, destination rules) are edited here by central administrators, each
change audited. Placements, checklist items, job orders and permits are read-only: their changes go
through the services (state changes, quota, checklist), which audit them."""

from django.contrib import admin

from lindungi.audit.admin_mixins import AuditedAdmin, ReadOnlyAdmin, ReadOnlyInline
from lindungi.placements.models import (
    ChecklistItem,
    DestinationRule,
    JobOrder,
    Placement,
    PlacementTransition,
    Scheme,
    Sip2mi,
)
from lindungi.placements.perms import RULES_WRITE


@admin.register(Scheme)
class SchemeAdmin(AuditedAdmin):
    write_perm = RULES_WRITE
    list_display = ("code", "name_id", "min_age", "max_age", "min_education", "requires_p3mi",
                    "requires_job_order", "requires_sip2mi", "valid_from", "valid_to")
    search_fields = ("code", "name_id", "name_en", "legal_basis")
    fieldsets = (
        (None, {"fields": ("code", "name_id", "name_en", "notes")}),
        ("Eligibility", {"fields": ("min_age", "max_age", "min_education", "employer_legal_types", "countries",
                                    "excluded_countries")}),
        ("Requirements", {"fields": ("requires_p3mi", "requires_job_order", "requires_sip2mi", "required_items")}),
        ("Validity", {"fields": ("valid_from", "valid_to", "legal_basis")}),
    )


@admin.register(DestinationRule)
class DestinationRuleAdmin(AuditedAdmin):
    write_perm = RULES_WRITE
    list_display = ("country", "status", "occupation", "domestic_workers_only", "employer_legal_type",
                    "valid_from", "valid_to", "legal_basis")
    list_filter = ("status", "employer_legal_type", "domestic_workers_only")
    search_fields = ("country__name_id", "country__iso2", "legal_basis", "note_id")
    raw_id_fields = ("country", "occupation")


class Sip2miInline(ReadOnlyInline):
    model = Sip2mi
    extra = 0
    fields = ("number", "quota", "used", "valid_from", "valid_until", "status", "revoked_on")
    readonly_fields = ("used",)
    show_change_link = True


@admin.register(JobOrder)
class JobOrderAdmin(ReadOnlyAdmin):
    list_display = ("position_title", "agency", "employer", "country", "occupation", "status", "verified_on")
    list_filter = ("status", "country")
    search_fields = ("position_title", "agency__legal_name", "employer__name", "verification_reference")
    raw_id_fields = ("agency", "employer", "foreign_agency", "country", "occupation", "verified_by", "created_by")
    inlines = [Sip2miInline]


@admin.register(Sip2mi)
class Sip2miAdmin(ReadOnlyAdmin):
    list_display = ("number", "job_order", "quota", "used", "valid_from", "valid_until", "status")
    list_filter = ("status",)
    search_fields = ("number",)
    raw_id_fields = ("job_order", "issued_by")
    readonly_fields = ("used",)


class ChecklistItemInline(ReadOnlyInline):
    model = ChecklistItem
    extra = 0
    fields = ("kind", "reference_number", "issued_on", "valid_until", "voided_on", "void_reason")
    readonly_fields = fields


class PlacementTransitionInline(ReadOnlyInline):
    model = PlacementTransition
    extra = 0
    fields = ("at", "from_state", "to_state", "actor", "reason", "via")
    readonly_fields = fields
    can_delete = False


@admin.register(Placement)
class PlacementAdmin(ReadOnlyAdmin):
    list_display = ("person", "scheme", "agency", "country", "occupation", "state", "state_changed_at", "migrated")
    list_filter = ("state", "scheme", "sector", "migrated")
    search_fields = ("person__nik", "person__full_name")
    raw_id_fields = ("person", "agency", "job_order", "sip2mi", "employer", "country", "occupation", "unit",
                     "created_by")
    readonly_fields = ("state", "version", "state_changed_at", "quota_held")
    inlines = [ChecklistItemInline, PlacementTransitionInline]


@admin.register(ChecklistItem)
class ChecklistItemAdmin(ReadOnlyAdmin):
    list_display = ("placement", "kind", "reference_number", "issued_on", "valid_until", "voided_on")
    list_filter = ("kind",)
    search_fields = ("reference_number", "placement__person__nik")
    raw_id_fields = ("placement", "recorded_by")


@admin.register(PlacementTransition)
class PlacementTransitionAdmin(ReadOnlyAdmin):
    list_display = ("placement", "from_state", "to_state", "actor", "at", "via")
    list_filter = ("to_state", "via")
    raw_id_fields = ("placement", "actor")
