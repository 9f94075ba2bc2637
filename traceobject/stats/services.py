"""Announcing that the figures' data changed, so that the recompute task runs after the commit.

The other apps call ``figures_changed()`` after a change the public figures show (a determination
confirmed, an outcome reported, an object published). It forgets the cached figures at once, so that
the same request and the next readers compute fresh ones, and, once the transaction commits, queues
``stats.tasks.figures_refresh`` to compute and store them ahead of the next page view. Changes that
happen all the time (tips arriving) are not announced: the cache entries expire after
``PUBLIC_FIGURES_CACHE_SECONDS`` anyway.
"""

from __future__ import annotations

from django.conf import settings
from django.core.cache import cache
from django.db import transaction

from traceobject.stats.selectors import DASHBOARD_CACHE_KEY, RESULTS_CACHE_KEY

# Set while a refresh is queued and not started: a burst of changes queues one task, not one each.
REFRESH_PENDING_KEY = "stats:refresh-pending:v1"


def _refresh_enqueue() -> None:
    from traceobject.stats.tasks import figures_refresh  # the task module imports the selectors

    if not cache.add(REFRESH_PENDING_KEY, True, settings.PUBLIC_FIGURES_CACHE_SECONDS):
        return  # one is queued already and will read this change too
    try:
        figures_refresh.enqueue()
    except Exception:
        cache.delete(REFRESH_PENDING_KEY)
        raise


def _forget() -> None:
    cache.delete_many([RESULTS_CACHE_KEY, DASHBOARD_CACHE_KEY])


def _forget_and_refresh() -> None:
    # Again after the commit: a page read between the first forgetting and the commit may have cached
    # the figures of before the change.
    _forget()
    _refresh_enqueue()


def figures_changed() -> None:
    """Forget the cached figures now and recompute them by a task after the commit.

    ``robust``: a queue that refuses the task must not fail the caller's committed change; the
    figures then wait for the next page view or the cache's expiry.
    """
    _forget()
    transaction.on_commit(_forget_and_refresh, robust=True)
