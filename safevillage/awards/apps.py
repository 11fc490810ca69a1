from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AwardsConfig(AppConfig):
    name = "safevillage.awards"
    verbose_name = _("Awards")
    default_auto_field = "django.db.models.BigAutoField"
