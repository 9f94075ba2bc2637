from django.apps import AppConfig


class AuditConfig(AppConfig):
    name = "traceobject.audit"
    label = "audit"

    def ready(self) -> None:
        from traceobject.core.schedule import Job, daily_job_register

        # The daily check of the chain against the recorded anchors (audit/anchors.py).
        daily_job_register(Job("audit_chain_check", "traceobject.audit.tasks.audit_chain_check"))
