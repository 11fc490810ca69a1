from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SafetyConfig(AppConfig):
    name = "safevillage.safety"
    verbose_name = _("Safety classification")
