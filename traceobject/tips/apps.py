from django.apps import AppConfig


class TipsConfig(AppConfig):
    name = "traceobject.tips"
    label = "tips"
