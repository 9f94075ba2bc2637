"""Background work for the figures (django-tasks): recompute the cached figures after data changed."""

from __future__ import annotations

from django.core.cache import cache
from django_tasks import task

from traceobject.stats.selectors import dashboard_figures_refresh, results_figures_refresh


@task()
def figures_refresh() -> int:
    """Compute the public and the dashboard figures and store them in the cache.

    Takes nothing and reads the current data, so that running it twice, or after a newer change, is
    harmless. Clears the pending mark first: a change made while it runs queues another run.
    Returns the tips received, for the task's result.
    """
    from traceobject.stats.services import REFRESH_PENDING_KEY

    cache.delete(REFRESH_PENDING_KEY)
    figures = results_figures_refresh()
    dashboard_figures_refresh()
    return figures.tips_received
