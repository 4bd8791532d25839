"""Reference data is shipped with the code (see ``loading.py``) and corrected here afterwards.

Edits need the ``reference.write`` role permission on top of Django's model permissions, and each one
is written to the audit trail with its old and new values. Rows are never deleted (other records point
at them, and a retired code must stay valid for old NIKs): end a row's validity with ``valid_to``
instead. Only coverage rows entered by mistake may be deleted.
"""

from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from lindungi.audit.admin_mixins import AuditedAdmin as _AuditedAdmin
from lindungi.audit.admin_mixins import may_write
from lindungi.reference.models import Country, Occupation, OrgUnit, Province, Regency, UnitCoverage, Village
from lindungi.reference.perms import REFERENCE_WRITE

DATES = ("valid_from", "valid_to", "legal_basis")


def _may_write(request) -> bool:
    return may_write(request, REFERENCE_WRITE)


class AuditedAdmin(_AuditedAdmin):
    write_perm = REFERENCE_WRITE


@admin.register(Province)
class ProvinceAdmin(AuditedAdmin):
    list_display = ("code", "name", "valid_from", "valid_to", "legal_basis")
    search_fields = ("code", "name")
    fields = ("code", "name", "successor", *DATES)
    raw_id_fields = ("successor",)


@admin.register(Regency)
class RegencyAdmin(AuditedAdmin):
    list_display = ("code", "name", "kind", "province", "valid_from", "valid_to", "successor")
    list_filter = ("province", "kind")
    search_fields = ("code", "name")
    list_select_related = ("province", "successor")
    fields = ("code", "name", "kind", "province", "successor", *DATES)
    raw_id_fields = ("successor",)


@admin.register(Village)
class VillageAdmin(AuditedAdmin):
    list_display = ("code", "name", "district_name", "regency")
    search_fields = ("code", "name", "district_name")
    list_select_related = ("regency",)
    raw_id_fields = ("regency",)
    show_full_result_count = False


@admin.register(Country)
class CountryAdmin(AuditedAdmin):
    list_display = ("iso2", "iso3", "name_id", "name_en", "valid_to")
    search_fields = ("iso2", "iso3", "name_id", "name_en")
    fields = ("iso2", "iso3", "name_id", "name_en", *DATES)


@admin.register(Occupation)
class OccupationAdmin(AuditedAdmin):
    list_display = ("isco_code", "title_id", "title_en", "zero_cost", "domestic_worker")
    list_filter = ("zero_cost", "domestic_worker")
    search_fields = ("isco_code", "title_id", "title_en")
    fields = ("isco_code", "title_id", "title_en", "zero_cost", "domestic_worker", *DATES)


class UnitCoverageInline(admin.TabularInline):
    model = UnitCoverage
    extra = 0
    fields = ("province", "regency", *DATES)
    autocomplete_fields = ("province", "regency")
    verbose_name_plural = _("coverage (a whole province or a single regency per row)")

    def has_add_permission(self, request, obj=None):
        return _may_write(request) and super().has_add_permission(request, obj)

    def has_change_permission(self, request, obj=None):
        return _may_write(request) and super().has_change_permission(request, obj)

    def has_delete_permission(self, request, obj=None):
        return _may_write(request) and super().has_delete_permission(request, obj)


@admin.register(OrgUnit)
class OrgUnitAdmin(AuditedAdmin):
    list_display = ("code", "name", "kind", "parent", "seat", "valid_to")
    list_filter = ("kind",)
    search_fields = ("code", "name")
    list_select_related = ("parent", "seat")
    fields = ("code", "name", "kind", "parent", "seat", *DATES)
    autocomplete_fields = ("parent", "seat")
    inlines = [UnitCoverageInline]
