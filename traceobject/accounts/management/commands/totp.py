"""``traceobject totp USERNAME``: the current code of a demo account (embedded mode only)."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django_otp.oath import TOTP, hotp
from django_otp.plugins.otp_totp.models import TOTPDevice

from traceobject.accounts.models import User


class Command(BaseCommand):
    help = "Print the current TOTP code of a demo account, to log in to a `make run` installation."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("username")

    def handle(self, *args: Any, **options: Any) -> None:
        if not settings.EMBEDDED:
            raise CommandError("Codes are printed only in embedded mode (make run), never in production.")
        user = User.objects.filter(username=options["username"]).first()
        if user is None or not user.is_demo:
            raise CommandError(
                f"{options['username']!r} is not a demo account; codes are printed only for those."
            )
        device = TOTPDevice.objects.filter(user=user, confirmed=True).order_by("pk").first()
        if device is None:
            raise CommandError(f"{user.username!r} has no authenticator.")
        totp = TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift)
        current = totp.t()
        # A code works once. Once the current one has been used, print the next one, which the server
        # accepts too (it allows one step of clock difference).
        step = max(current, device.last_t + 1)
        if step > current + device.tolerance:
            raise CommandError("The codes of this period have been used; try again in 30 seconds.")
        self.stdout.write(f"{hotp(device.bin_key, step, digits=device.digits):0{device.digits}d}")
