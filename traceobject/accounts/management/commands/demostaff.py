"""``traceobject demostaff``: one demo account per role, for `make run` (embedded mode only)."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from traceobject.accounts.services import demo_staff_create
from traceobject.core.errors import ApplicationError


class Command(BaseCommand):
    help = "Create demo staff accounts (demo-<role>) with known passwords and an authenticator."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--if-missing",
            action="store_true",
            help="Create only the demo accounts that do not exist yet, and list them all.",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            accounts = demo_staff_create(if_missing=options["if_missing"])
        except ApplicationError as exc:
            raise CommandError(exc.message) from exc
        created = sum(account.created for account in accounts)
        self.stdout.write(self.style.SUCCESS(f"Demo staff accounts ({created} new), at /staff/login/:"))
        for account in accounts:
            self.stdout.write(f"  {account.username:<20} password {account.password}")
        self.stdout.write(
            "The second factor: `.venv/bin/traceobject totp demo-analyst` prints the current code."
        )
