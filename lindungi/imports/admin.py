"""Admin for the mapping table: edited by central administrators through the imports services,
so every addition, change and deletion is validated and audited like on the web page."""

from django.contrib import admin, messages
from django.core.exceptions import ValidationError

from lindungi.audit.admin_mixins import AuditedAdmin, may_write
from lindungi.common.errors import DomainError
from lindungi.imports import services
from lindungi.imports.models import ValueMapping
from lindungi.imports.perms import IMPORT_MAPPINGS


@admin.register(ValueMapping)
class ValueMappingAdmin(AuditedAdmin):
    """Audited like the other rule data, but every write goes through the imports services (their
    checks and audit events); entries may be deleted (nothing points at them)."""

    write_perm = IMPORT_MAPPINGS
    list_display = ("kind", "source", "target", "note", "updated_by", "updated_at")
    list_filter = ("kind",)
    search_fields = ("source", "target")
    fields = ("kind", "source", "target", "note")
    actions = None

    def has_view_permission(self, request, obj=None):
        return may_write(request, IMPORT_MAPPINGS)

    def has_module_permission(self, request):
        return may_write(request, IMPORT_MAPPINGS)

    def has_add_permission(self, request):
        return may_write(request, IMPORT_MAPPINGS)

    def has_change_permission(self, request, obj=None):
        return may_write(request, IMPORT_MAPPINGS)

    def has_delete_permission(self, request, obj=None):
        return may_write(request, IMPORT_MAPPINGS)

    def get_form(self, request, obj=None, change=False, **kwargs):
        form = super().get_form(request, obj, change=change, **kwargs)

        class ServiceCheckedForm(form):
            def clean(self):
                cleaned = super().clean()
                try:
                    # Checked through the service's rules without writing: the real write is save_model.
                    services.value_mapping_check(kind=cleaned.get("kind", ""), source=cleaned.get("source", ""),
                                                 target=cleaned.get("target", ""),
                                                 mapping_id=obj.pk if obj is not None else None)
                except DomainError as exc:
                    raise ValidationError([str(m) for msgs in exc.fields.values() for m in msgs] or exc.message)
                return cleaned

        return ServiceCheckedForm

    def save_model(self, request, obj, form, change):
        saved = services.value_mapping_save(actor=request.user, kind=obj.kind, source=obj.source, target=obj.target,
                                            note=obj.note, via="admin", mapping_id=obj.pk if change else None)
        obj.pk = saved.pk

    def delete_model(self, request, obj):
        try:
            services.value_mapping_delete(actor=request.user, mapping_id=obj.pk, via="admin")
        except DomainError as exc:
            messages.error(request, exc.message)
