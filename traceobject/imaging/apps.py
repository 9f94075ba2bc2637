from django.apps import AppConfig


class ImagingConfig(AppConfig):
    name = "traceobject.imaging"
    label = "imaging"

    def ready(self) -> None:
        from traceobject.imaging import checks  # noqa: F401 - registers the system check
