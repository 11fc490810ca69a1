from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ReferralsConfig(AppConfig):
    name = "safevillage.referrals"
    verbose_name = _("Rapid Response Team referrals")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from safevillage.referrals import checks  # noqa: F401  # registers the deployment checks
