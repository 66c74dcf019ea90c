from django.apps import AppConfig


class ApiConfig(AppConfig):
    name = "clausier.api"
    label = "api"
    verbose_name = "API"
