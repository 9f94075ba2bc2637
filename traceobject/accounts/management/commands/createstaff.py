"""``traceobject createstaff``: create a staff account from the command line (audited as "cli")."""

from __future__ import annotations

import getpass
import sys
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from traceobject.accounts.services import user_create
from traceobject.core.errors import ApplicationError
from traceobject.core.permissions import Role


class Command(BaseCommand):
    help = (
        "Create a staff account. It has no authenticator yet: the first login at /staff/login/ sets one up. "
        f"Roles: {', '.join(Role.values)}."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--role", required=True, help=f"One of: {', '.join(Role.values)}.")
        parser.add_argument("--username", required=True)
        parser.add_argument("--country", default="", help="ISO country code; required for the partner role.")
        parser.add_argument(
            "--password-file",
            type=Path,
            help="Read the initial password from this file (its first line). Without it, it is asked twice.",
        )
        parser.add_argument(
            "--own-password",
            action="store_true",
            help="The password is the account holder's own (they run this command themselves): do not ask "
            "them to change it at their first login. Without it, the first login asks for a new password.",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        password = self._password(options["password_file"])
        try:
            user = user_create(
                actor=None,
                actor_label="cli",
                username=options["username"],
                role=options["role"],
                country=options["country"],
                password=password,
                must_change_password=not options["own_password"],
            )
        except ApplicationError as exc:
            raise CommandError(exc.message) from exc
        country = f" for {user.country}" if user.country else ""
        self.stdout.write(
            self.style.SUCCESS(f"Created {user.get_role_display()} account {user.username!r}{country}.")
        )
        self.stdout.write("At the first login at /staff/login/ they set up an authenticator app.")
        if user.must_change_password:
            self.stdout.write("Then they choose their own password, replacing this one.")

    @staticmethod
    def _password(path: Path | None) -> str:
        if path is not None:
            try:
                lines = path.read_text(encoding="utf-8").splitlines()
            except OSError as exc:
                raise CommandError(f"Cannot read the password file {path}: {exc.strerror}") from exc
            if not lines or not lines[0]:
                raise CommandError(f"The password file {path} is empty.")
            return lines[0]
        if not sys.stdin.isatty():
            raise CommandError("No terminal to ask for the password: use --password-file.")
        first = getpass.getpass("Initial password: ")
        if first != getpass.getpass("Initial password, again: "):
            raise CommandError("The two passwords differ.")
        return first
