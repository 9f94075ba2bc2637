"""``traceobject demo``: fill an empty installation with demo objects and tips (``make run`` does this)."""

from __future__ import annotations

import time
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from traceobject.core.errors import ApplicationError
from traceobject.demo.load import demo_load
from traceobject.gallery.models import Object


class Command(BaseCommand):
    help = "Load demo objects (images drawn by code), releases and sealed demo tips, all marked as demo."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--if-empty",
            action="store_true",
            help="Do nothing if any object exists, so that `make run` never mixes demo and real content.",
        )
        parser.add_argument(
            "--tips", type=int, default=300, help="How many demo tips to submit (default 300)."
        )
        parser.add_argument(
            "--seed", type=int, default=2017, help="Seed for the drawings and tips (default 2017)."
        )

    def handle(self, *args: Any, **options: Any) -> None:
        if options["if_empty"] and Object.objects.exists():
            self.stdout.write("Objects already exist: no demo content loaded.")
            return
        started = time.monotonic()
        try:
            summary = demo_load(tips=options["tips"], seed=options["seed"])
        except ApplicationError as exc:
            raise CommandError(exc.message) from exc
        self.stdout.write(
            self.style.SUCCESS(
                f"Demo loaded in {time.monotonic() - started:.1f} s: {summary.objects} objects in "
                f"{summary.categories} categories and {summary.releases} releases, {summary.images} images, "
                f"{summary.tips} tips in {summary.languages} languages."
            )
        )
        if summary.stages:
            self.stdout.write("Lifecycle stages, each walked through the services by the demo team:")
            for line in summary.stages:
                self.stdout.write(f"  {line}")
