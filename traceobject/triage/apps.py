from __future__ import annotations

from django.apps import AppConfig


class TriageConfig(AppConfig):
    name = "traceobject.triage"
    label = "triage"
    default_auto_field = "django.db.models.BigAutoField"
