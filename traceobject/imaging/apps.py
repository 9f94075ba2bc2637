from django.apps import AppConfig


class ImagingConfig(AppConfig):
    name = "traceobject.imaging"
    label = "imaging"
