from django.apps import AppConfig


class ApiConfig(AppConfig):
    name = "traceobject.api"
    label = "api"
    verbose_name = "API"
