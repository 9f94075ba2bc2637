from django.apps import AppConfig


class GalleryConfig(AppConfig):
    name = "traceobject.gallery"
    label = "gallery"
