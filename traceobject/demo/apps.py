from django.apps import AppConfig


class DemoConfig(AppConfig):
    """Demo content (``traceobject demo``): it walks every app's services, so it sits above them all."""

    name = "traceobject.demo"
    label = "demo"
