from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SupervisionConfig(AppConfig):
    name = "lindungi.supervision"
    verbose_name = _("P3MI supervision: placement costs")
