from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PostsConfig(AppConfig):
    name = "safevillage.posts"
    verbose_name = _("Police posts: duty roster and means")
    default_auto_field = "django.db.models.BigAutoField"
