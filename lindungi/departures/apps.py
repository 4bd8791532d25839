from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DeparturesConfig(AppConfig):
    name = "lindungi.departures"
    verbose_name = _("Departures")

    def ready(self) -> None:
        from lindungi.departures.services import on_placement_transition
        from lindungi.placements.services import register_transition_hook

        register_transition_hook(on_placement_transition)
