from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PlacementsConfig(AppConfig):
    name = "lindungi.placements"
    verbose_name = _("Placements")

    def ready(self) -> None:
        from lindungi.agencies.scheme_codes import register_scheme_codes

        def scheme_codes() -> set[str]:
            from lindungi.placements.models import Scheme

            return set(Scheme.objects.values_list("code", flat=True))

        register_scheme_codes(scheme_codes)
