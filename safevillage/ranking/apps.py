from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class RankingConfig(AppConfig):
    name = "safevillage.ranking"
    verbose_name = _("Competition ranking")
