"""``traceobject demostaff``: the demo team, for `make run` (embedded mode only)."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from traceobject.accounts.services import demo_staff_create
from traceobject.core.countries import country_choices
from traceobject.core.errors import ApplicationError
from traceobject.core.permissions import Role

# What `make run` prints, and what the README gives: run from the repository root, exactly as printed.
TOTP_COMMAND = ".venv/bin/traceobject totp demo-analyst"


class Command(BaseCommand):
    help = (
        "Create the demo team (two publishers, two analysts, an administrator, an auditor and a partner for "
        "each demo authority) with known passwords, an authenticator and their vault keys."
    )

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
        names = dict(country_choices("en"))
        created = sum(account.created for account in accounts)
        self.stdout.write(
            self.style.SUCCESS(
                f"Demo team ({created} new): staff at /staff/login/, partners at /partner/login/"
            )
        )
        self.stdout.write(f"  {'username':<20} {'role':<17} {'password':<26} country")
        for account in accounts:
            name = names.get(account.country, account.country)
            country = f"{name} ({account.country})" if account.country else ""
            role = str(Role(account.role).label)
            line = f"  {account.username:<20} {role:<17} {account.password:<26} {country}"
            self.stdout.write(line.rstrip())
        self.stdout.write(
            f"The second factor: `{TOTP_COMMAND}` prints the current code "
            "(put another demo username in place of demo-analyst)."
        )
