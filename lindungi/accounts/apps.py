from django.apps import AppConfig
from django.utils.module_loading import autodiscover_modules
from django.utils.translation import gettext_lazy as _


class AccountsConfig(AppConfig):
    name = "lindungi.accounts"
    verbose_name = _("Accounts")

    def ready(self) -> None:
        # Every installed app's perms.py registers its permissions before the first request.
        autodiscover_modules("perms")
