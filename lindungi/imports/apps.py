from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ImportsConfig(AppConfig):
    name = "lindungi.imports"
    verbose_name = _("Bulk imports")

    def ready(self) -> None:
        from lindungi.common.workers import register_recoverer
        from lindungi.imports.services import import_recover_stale

        register_recoverer("imports", import_recover_stale)
