"""Background work for the audit trail (django-tasks): the daily check of the chain."""

from __future__ import annotations

from django_tasks import task

from traceobject.audit.anchors import audit_check_run


@task()
def audit_chain_check() -> dict[str, object]:
    """Walk the chain against the recorded anchors and store the result (``anchors.audit_check_run``).
    Takes nothing and reads the current data, so running it twice, or late, is harmless."""
    check = audit_check_run()
    return {"ok": check.ok, "count": check.count, "problem": check.problem, "anchors": check.anchors}
