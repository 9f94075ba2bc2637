from django.apps import AppConfig


class StatsConfig(AppConfig):
    name = "traceobject.stats"
    label = "stats"

    def ready(self) -> None:
        from traceobject.gallery import hooks
        from traceobject.stats.services import figures_changed

        # The gallery, triage and leads tell when a figure moves: forget the cache, refresh after commit.
        hooks.figures_changed.register(figures_changed)
