from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ReferenceConfig(AppConfig):
    name = "lindungi.reference"
    verbose_name = _("Reference data")

    def ready(self) -> None:
        # Scoping lives in the kernel (accounts), which must not import this app; the unit
        # coverage it needs is handed to it here.
        from lindungi.accounts.scoping import register_unit_coverage
        from lindungi.reference.selectors import regency_ids_covered_by

        register_unit_coverage(regency_ids_covered_by)
