from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "safevillage.core"
    label = "core"
