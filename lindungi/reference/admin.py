"""Reference data is shipped with the code (see ``loading.py``) and corrected here afterwards.

Edits need the ``reference.write`` role permission on top of Django's model permissions, and each one
is written to the audit trail with its old and new values. Rows are never deleted (other records point
at them, and a retired code must stay valid for old NIKs): end a row's validity with ``valid_to``
instead. Only coverage rows entered by mistake may be deleted.
"""

from django.contrib import admin
from django.db import transaction
from django.utils.translation import gettext_lazy as _

from lindungi.audit.services import audit_record, diff, snapshot
from lindungi.reference.models import Country, Occupation, OrgUnit, Province, Regency, UnitCoverage, Village
from lindungi.reference.perms import REFERENCE_WRITE

DATES = ("valid_from", "valid_to", "legal_basis")


def _may_write(request) -> bool:
    has = getattr(request.user, "has_role_perm", None)
    return bool(has and has(REFERENCE_WRITE))


def _field_names(model) -> list[str]:
    return [f.attname for f in model._meta.concrete_fields if not f.primary_key]


def _audit(request, obj, before: dict, *, action: str) -> None:
    changes = diff(before, snapshot(obj, _field_names(type(obj))))
    if changes:
        audit_record(actor=request.user, action=action, obj=obj, changes=changes, reason="admin", via="admin")


class AuditedAdmin(admin.ModelAdmin):
    """Writes every admin change to the audit trail, inside the same transaction."""

    def has_add_permission(self, request, *args):
        return _may_write(request) and super().has_add_permission(request, *args)

    def has_change_permission(self, request, obj=None):
        return _may_write(request) and super().has_change_permission(request, obj)

    def has_delete_permission(self, request, obj=None):
        return False

    def save_model(self, request, obj, form, change):
        model = type(obj)
        before = {}
        if change and obj.pk:
            before = snapshot(model.objects.get(pk=obj.pk), _field_names(model))
        with transaction.atomic():
            super().save_model(request, obj, form, change)
            _audit(request, obj, before, action=f"{model._meta.model_name}.{'update' if change else 'create'}")

    def save_formset(self, request, form, formset, change):
        model = formset.model
        names = _field_names(model)
        with transaction.atomic():
            befores = {
                f.instance.pk: snapshot(model.objects.get(pk=f.instance.pk), names)
                for f in formset.forms
                if f.instance.pk and f.has_changed()
            }
            deleted = {f.instance.pk: snapshot(f.instance, names) for f in formset.deleted_forms if f.instance.pk}
            super().save_formset(request, form, formset, change)
            for obj in formset.new_objects:
                _audit(request, obj, {}, action=f"{model._meta.model_name}.create")
            for obj, _changed in formset.changed_objects:
                _audit(request, obj, befores.get(obj.pk, {}), action=f"{model._meta.model_name}.update")
            for pk, old in deleted.items():
                audit_record(
                    actor=request.user,
                    action=f"{model._meta.model_name}.delete",
                    object_type=model._meta.model_name,
                    object_id=pk,
                    changes={k: [v, None] for k, v in old.items()},
                    reason="admin",
                    via="admin",
                )


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
