"""``traceobject purge``: apply the retention rules now (the scheduler runs it daily as a task)."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandParser

from traceobject.triage.retention import retention_purge


class Command(BaseCommand):
    help = (
        "Drop contact details older than TRACEOBJECT_CONTACT_RETENTION_DAYS and delete the tips of objects "
        "withdrawn longer ago than TRACEOBJECT_WITHDRAWN_RETENTION_DAYS. Audited; safe to run twice."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--dry-run", action="store_true", help="Count what would go, change nothing, record nothing."
        )

    def handle(self, *args: Any, **options: Any) -> None:
        report = retention_purge(dry_run=options["dry_run"])
        verb = "would be" if report.dry_run else "were"
        contact_days = settings.TRACEOBJECT_CONTACT_RETENTION_DAYS
        withdrawn_days = settings.TRACEOBJECT_WITHDRAWN_RETENTION_DAYS
        self.stdout.write(
            f"Contact details of {report.contacts_purged} tip(s) older than {contact_days} days "
            f"{verb} dropped."
        )
        self.stdout.write(
            f"{report.tips_deleted} tip(s) of {report.objects} object(s) withdrawn over {withdrawn_days} "
            f"days ago {verb} deleted."
        )
        for name, count in sorted(report.related_deleted.items()):
            self.stdout.write(f"  with {count} {name.replace('_', '-')}")
        if report.withdrawn_undated:
            self.stderr.write(
                f"Warning: {report.withdrawn_undated} withdrawn object(s) with tips have no withdrawal time; "
                "their tips were kept. Withdraw them again from the staff side to start their period."
            )
        if report.contacts_legacy:
            # Not an error (the run did all it could), but it must not pass unnoticed.
            self.stderr.write(
                f"Warning: {report.contacts_legacy} tip(s) older than {contact_days} days were sealed before "
                "contact details were kept apart; their contact can only be dropped by re-sealing them with "
                "the staff's key (see docs/operations.md, Retention)."
            )
