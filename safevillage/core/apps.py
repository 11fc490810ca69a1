from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "safevillage.core"
    label = "core"

    def ready(self) -> None:
        from safevillage.core import checks  # noqa: F401  (registers the deployment checks)
