from django.apps import AppConfig


class OpsConfig(AppConfig):
    name = "lindungi.ops"
    label = "ops"
