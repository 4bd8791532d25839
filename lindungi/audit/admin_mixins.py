"""Admin classes for business data. The Django admin never writes business records around the
services: a model is either shown read-only (``ReadOnlyAdmin``: placements, checklist items, job
orders, SIP2MI, companies, foreign parties) or, for rule data corrected by hand, edited with every
change written to the audit trail in the same transaction (``AuditedAdmin``: reference data,
schemes, destination rules), and only by holders of the model admin's ``write_perm``."""

from django.contrib import admin
from django.db import transaction

from lindungi.audit.services import audit_record, diff, snapshot


class ReadOnlyAdmin(admin.ModelAdmin):
    """View only: no add, change or delete, for anyone."""

    def has_add_permission(self, request, *args):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class ReadOnlyInline(admin.TabularInline):
    extra = 0
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


def may_write(request, perm: str) -> bool:
    has = getattr(request.user, "has_role_perm", None)
    return bool(has and has(perm))


def field_names(model) -> list[str]:
    return [f.attname for f in model._meta.concrete_fields if not f.primary_key]


def _audit(request, obj, before: dict, *, action: str) -> None:
    changes = diff(before, snapshot(obj, field_names(type(obj))))
    if changes:
        audit_record(actor=request.user, action=action, obj=obj, changes=changes, reason="admin", via="admin")


class AuditedAdmin(admin.ModelAdmin):
    """Writes every admin change to the audit trail, inside the same transaction. Rows are never
    deleted here (other records point at them): end a row's validity instead."""

    write_perm: str = ""

    def has_add_permission(self, request, *args):
        return may_write(request, self.write_perm) and super().has_add_permission(request, *args)

    def has_change_permission(self, request, obj=None):
        return may_write(request, self.write_perm) and super().has_change_permission(request, obj)

    def has_delete_permission(self, request, obj=None):
        return False

    def save_model(self, request, obj, form, change):
        model = type(obj)
        before = {}
        if change and obj.pk:
            before = snapshot(model.objects.get(pk=obj.pk), field_names(model))
        with transaction.atomic():
            super().save_model(request, obj, form, change)
            _audit(request, obj, before, action=f"{model._meta.model_name}.{'update' if change else 'create'}")

    def save_formset(self, request, form, formset, change):
        model = formset.model
        names = field_names(model)
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
                    actor=request.user, action=f"{model._meta.model_name}.delete", object_type=model._meta.model_name,
                    object_id=pk, changes={k: [v, None] for k, v in old.items()}, reason="admin", via="admin",
                )
