from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CasesConfig(AppConfig):
    name = "lindungi.cases"
    verbose_name = _("Complaints and cases")
