from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PortalConfig(AppConfig):
    name = "safevillage.portal"
    verbose_name = _("Public transparency portal")
    default_auto_field = "django.db.models.BigAutoField"
