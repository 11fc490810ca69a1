from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ChartsConfig(AppConfig):
    name = "safevillage.charts"
    verbose_name = _("Charts")
