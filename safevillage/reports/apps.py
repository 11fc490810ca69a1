from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ReportsConfig(AppConfig):
    name = "safevillage.reports"
    label = "reports"
    verbose_name = _("Reports")

    def ready(self) -> None:
        # Registers the receivers that keep the crime summary in step with the policy.
        from safevillage.reports import receivers  # noqa: F401
