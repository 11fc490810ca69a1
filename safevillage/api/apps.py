from django.apps import AppConfig


class ApiConfig(AppConfig):
    name = "safevillage.api"
    label = "api"
