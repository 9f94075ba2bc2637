from django.apps import AppConfig


class LeadsConfig(AppConfig):
    name = "traceobject.leads"
    label = "leads"

    def ready(self) -> None:
        from traceobject.leads import checks  # noqa: F401 - registers the system checks
