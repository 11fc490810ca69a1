from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ForumsConfig(AppConfig):
    name = "safevillage.forums"
    verbose_name = _("Public forums")
    default_auto_field = "django.db.models.BigAutoField"
