"""``traceobject apitoken create|revoke|list``: API tokens from the command line (audited as "cli").

``create`` prints the token on its LAST line of standard output and nothing secret anywhere else, so
that a script can take it with ``tail -n 1``. The command holds no vault key of its own: to make a token
that opens leads, give the account's own password (``--password-file``, or ``--ask-password`` on a
terminal), which opens its grants as a login would. Without it the token lists leads but opens none
(an administrator can make one that does from the account's page). docs/api.md.
"""

from __future__ import annotations

import getpass
from pathlib import Path
from typing import Any

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError, CommandParser

from traceobject.accounts import apitokens
from traceobject.core.errors import ApplicationError

CLI = "cli:apitoken"


class Command(BaseCommand):
    help = "Create, revoke or list API tokens of an account."

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        create = sub.add_parser("create", help="A new token, printed on the last line.")
        create.add_argument("--username", required=True)
        create.add_argument("--expires-days", type=int, default=None, help="Default 90 (the settings).")
        create.add_argument("--label", default="", help="What the token is for, shown in lists.")
        create.add_argument(
            "--password-file",
            type=Path,
            help="The account's own password (first line): the token then carries its vault keys.",
        )
        create.add_argument(
            "--ask-password", action="store_true", help="Ask for the account's password on the terminal."
        )
        revoke = sub.add_parser("revoke", help="Revoke a token by its prefix.")
        revoke.add_argument("--username", required=True)
        revoke.add_argument("prefix")
        listing = sub.add_parser("list", help="An account's tokens (prefixes only).")
        listing.add_argument("--username", required=True)

    def _user(self, username: str) -> Any:
        user = get_user_model()._default_manager.filter(username=username).first()
        if user is None:
            raise CommandError(f"No account named {username!r}.")
        return user

    def handle(self, *args: Any, **options: Any) -> None:
        user = self._user(options["username"])
        action = options["action"]
        if action == "list":
            for token in apitokens.apitokens_for_user(user=user):
                state = "revoked" if token.revoked_at else f"expires {token.expires_at:%Y-%m-%d}"
                used = f"last used {token.last_used_on}" if token.last_used_on else "never used"
                self.stdout.write(f"{token.prefix}  {state}  {used}  {token.label}")
            return
        if action == "revoke":
            found = apitokens.apitoken_by_prefix(user=user, prefix=options["prefix"])
            if found is None:
                raise CommandError("No such token for this account.")
            revoked = apitokens.apitoken_revoke(actor=None, token=found, actor_label=CLI)
            self.stdout.write(
                f"Revoked {found.prefix}." if revoked else f"{found.prefix} was already revoked."
            )
            return
        held = {}
        password = self._password(options)
        try:
            if password is not None:
                held = apitokens.keys_from_password(user=user, password=password)
            token, secret = apitokens.apitoken_create(
                actor=None,
                user=user,
                held=held,
                expires_days=options["expires_days"],
                label=options["label"],
                actor_label=CLI,
            )
        except ApplicationError as error:
            raise CommandError(str(error.message)) from error
        carried = len(apitokens.keys_wanted(user=user, held=held))
        self.stderr.write(
            f"Token {token.prefix} for {user.username}, expires {token.expires_at:%Y-%m-%d}, "
            f"carries {carried} vault key(s){'' if carried else ': it cannot open a lead'}. "
            "It is shown once, on the next line."
        )
        self.stdout.write(secret)

    def _password(self, options: dict[str, Any]) -> str | None:
        if options["password_file"] is not None:
            lines = options["password_file"].read_text(encoding="utf-8").splitlines()
            return lines[0] if lines else ""
        if options["ask_password"]:
            return getpass.getpass(f"Password of {options['username']}: ")
        return None
