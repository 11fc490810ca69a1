from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class TrainingConfig(AppConfig):
    name = "safevillage.training"
    verbose_name = _("Police training")
    default_auto_field = "django.db.models.BigAutoField"
