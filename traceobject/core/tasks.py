"""Housekeeping tasks of the site as a whole (django-tasks)."""

from __future__ import annotations

from importlib import import_module

from django.conf import settings
from django_tasks import task


@task()
def sessions_clear() -> str:
    """What ``manage.py clearsessions`` does: delete expired sessions of every area (staff, partner,
    public) from the session store. The staff sessions hold wrapped key material, so they must not
    linger past their expiry. Idempotent. Returns the engine, for the task's result."""
    engine = import_module(settings.SESSION_ENGINE)
    engine.SessionStore.clear_expired()
    return settings.SESSION_ENGINE
