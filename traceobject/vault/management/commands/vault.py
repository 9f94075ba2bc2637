"""``traceobject vault``: the vault's key custody from the command line.

* ``vault escrow [--private-key-file F]``: move the deployment's tip key from the configuration (or a
  file) into grants for the staff, bring older records up to date, and in embedded mode delete the key
  file. Run it after each staff member has logged in once; it can be run again.
* ``vault status``: the keys on record, who holds them, and any rotation under way.

Rotation is started from the staff side (``/staff/vault/``), by an administrator whose session holds
the key.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser

from traceobject.core.errors import ApplicationError
from traceobject.vault import escrow, rotation
from traceobject.vault.models import KeyGrant, VaultKey


class Command(BaseCommand):
    help = "The vault's key custody: escrow of the tip key, and its status."

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        escrow = sub.add_parser("escrow", help="Put the configured tip key in escrow for the staff.")
        escrow.add_argument(
            "--private-key-file", type=Path, help="The private key (base64), if not configured."
        )
        escrow.add_argument(
            "--if-configured",
            action="store_true",
            help="Do nothing when no private key is configured (the escrow is done): for `make run`.",
        )
        escrow.add_argument(
            "--keep-key-file",
            action="store_true",
            help="In embedded mode, do not delete the key file under the data directory.",
        )
        sub.add_parser("status", help="Show the keys, their holders and any rotation.")

    def handle(self, *args: Any, **options: Any) -> None:
        if options["action"] == "escrow":
            self._escrow(options)
        else:
            self._status()

    def _escrow(self, options: dict[str, Any]) -> None:
        if options["if_configured"] and not settings.VAULT_PRIVATE_KEY and not options["private_key_file"]:
            self.stdout.write("The tip key is in escrow: nothing to do.")
            return
        try:
            private = escrow.private_key_read(options["private_key_file"])
            report = escrow.escrow(
                private=private, remove_key_file=settings.EMBEDDED and not options["keep_key_file"]
            )
        except (ApplicationError, OSError) as exc:
            raise CommandError(str(getattr(exc, "message", exc))) from exc
        self.stdout.write(self.style.SUCCESS(f"Tip key {report.key_id} is in escrow."))
        granted = ", ".join(report.granted) or "nobody new"
        self.stdout.write(f"Granted to: {granted}.")
        for name, count in report.steps.items():
            self.stdout.write(f"{name.replace('_', ' ').capitalize()}: {count}.")
        for label, count in report.copies_sealed.items():
            self.stdout.write(f"Sealed for their authorities ({label}): {count}.")
        if report.key_file_removed:
            self.stdout.write("The key file under the data directory has been deleted.")
        elif not settings.EMBEDDED:
            self.stdout.write(
                "Now remove TRACEOBJECT_VAULT_PRIVATE_KEY from the configuration and restart. Staff who have "
                "never logged in get access from an administrator (Accounts, Grant vault access)."
            )

    def _status(self) -> None:
        keys = VaultKey.objects.select_related("authority").order_by("authority__country", "-created_at")
        if not keys:
            self.stdout.write("No key in escrow yet: the configured key is used (see `vault escrow`).")
        for key in keys:
            owner = key.authority.name if key.authority else "tips"
            state = f"retired {key.retired_at:%Y-%m-%d}" if key.retired_at else "active"
            holders = KeyGrant.objects.filter(key=key).count()
            self.stdout.write(f"{key.key_id}  {owner}  {state}  held by {holders}")
        current = rotation.rotation_current()
        if current is not None:
            self.stdout.write(
                f"Rotation {current.old_key.key_id} -> {current.new_key.key_id} under way: "
                f"{current.resealed} records re-sealed so far."
            )
