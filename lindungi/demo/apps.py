from django.apps import AppConfig


class DemoConfig(AppConfig):
    name = "lindungi.demo"
    verbose_name = "Demo data"
