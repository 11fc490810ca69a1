from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DisputesConfig(AppConfig):
    name = "safevillage.disputes"
    verbose_name = _("Out-of-court disputes")
    default_auto_field = "django.db.models.BigAutoField"
