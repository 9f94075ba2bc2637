from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "traceobject.core"
    label = "core"

    def ready(self) -> None:
        from traceobject.core import checks  # noqa: F401 - registers the system checks
