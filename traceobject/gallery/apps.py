from django.apps import AppConfig


class GalleryConfig(AppConfig):
    name = "traceobject.gallery"
    label = "gallery"

    def ready(self) -> None:
        # The search index follows every save of an object or a translation (its receivers).
        from traceobject.gallery import search  # noqa: F401
