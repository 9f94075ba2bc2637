from django.apps import AppConfig


class StatsConfig(AppConfig):
    name = "traceobject.stats"
    label = "stats"
