from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ExportsConfig(AppConfig):
    name = "lindungi.exports"
    verbose_name = _("Exports")

    def ready(self) -> None:
        from lindungi.common.workers import register_recoverer
        from lindungi.exports.services import export_recover_stale

        register_recoverer("exports", export_recover_stale)
