"""Admin for P3MI and foreign parties: read-only. Registrations, corrections, suspensions, liftings
and revocations go through the services (staff screens or API), so each one is audited and appended
to the status history."""

from django.contrib import admin

from lindungi.agencies.models import Agency, AgencyStatusChange, Branch, ForeignParty
from lindungi.audit.admin_mixins import ReadOnlyAdmin, ReadOnlyInline


class BranchInline(ReadOnlyInline):
    model = Branch
    extra = 0
    raw_id_fields = ("regency",)
    fields = ("regency", "address", "registered_on", "closed_on")


class AgencyStatusChangeInline(ReadOnlyInline):
    model = AgencyStatusChange
    fields = ("status", "effective_from", "effective_until", "decree_number", "reason", "actor", "at")
    readonly_fields = fields
    ordering = ("-at", "-id")


@admin.register(Agency)
class AgencyAdmin(ReadOnlyAdmin):
    list_display = ("legal_name", "sip3mi_number", "status", "licence_expires_on", "head_office_regency")
    list_filter = ("status", "head_office_regency__province")
    search_fields = ("legal_name", "sip3mi_number")
    raw_id_fields = ("head_office_regency",)
    readonly_fields = ("public_id", "status", "suspended_from", "suspended_until", "created_at", "updated_at")
    inlines = [BranchInline, AgencyStatusChangeInline]
    fieldsets = (
        (None, {"fields": ("public_id", "legal_name", "sip3mi_number", "licence_issued_on", "licence_expires_on")}),
        ("Status", {"fields": ("status", "suspended_from", "suspended_until")}),
        ("Head office", {"fields": ("head_office_regency", "head_office_address")}),
        ("Capital and deposit", {"fields": ("paid_up_capital", "deposit_bank", "deposit_amount", "deposit_holder",
                                            "deposit_reference")}),
        ("Contacts", {"fields": ("responsible_officer", "phone", "email")}),
        ("Record", {"fields": ("created_at", "updated_at")}),
    )


@admin.register(ForeignParty)
class ForeignPartyAdmin(ReadOnlyAdmin):
    list_display = ("name", "role", "legal_type", "country", "blacklisted_from", "blacklisted_until")
    list_filter = ("role", "legal_type", "country")
    search_fields = ("name", "name_local", "registration_number")
    raw_id_fields = ("country",)
    readonly_fields = ("public_id", "created_at", "updated_at")
