"""``traceobject audit verify`` walks the whole chain; ``traceobject audit tail`` shows the newest events."""

from __future__ import annotations

import argparse
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from traceobject.audit.models import AuditEvent
from traceobject.audit.services import canonical_time
from traceobject.audit.verify import CHUNK_SIZE, Anchor, audit_chain_verify


def _anchor(text: str) -> Anchor:
    try:
        return Anchor.parse(text)
    except ValueError as error:
        raise argparse.ArgumentTypeError(str(error)) from error


def _positive(text: str) -> int:
    value = int(text)
    if value < 1:
        raise argparse.ArgumentTypeError("must be at least 1")
    return value


class Command(BaseCommand):
    help = "Check the audit trail's hash chain (verify) or show its newest events (tail)."

    def add_arguments(self, parser: CommandParser) -> None:
        commands = parser.add_subparsers(dest="subcommand", required=True, metavar="{verify,tail}")
        verify = commands.add_parser(
            "verify",
            help="Walk every event from the first; exit non-zero at the first broken link.",
        )
        verify.add_argument(
            "--anchor",
            action="append",
            type=_anchor,
            default=[],
            metavar="COUNT:HASH",
            help="A head printed by an earlier verify and kept outside the database; it must still be in "
            "the chain. May be given more than once.",
        )
        verify.add_argument("--chunk-size", type=_positive, default=CHUNK_SIZE, help=argparse.SUPPRESS)
        tail = commands.add_parser("tail", help="Print the newest events, oldest of them first.")
        tail.add_argument("-n", "--lines", type=_positive, default=20, help="How many events (20).")

    def handle(self, *args: Any, **options: Any) -> None:
        self.verbosity = int(options["verbosity"])
        if options["subcommand"] == "verify":
            self.verify(anchors=options["anchor"], chunk_size=options["chunk_size"])
        else:
            self.tail(lines=options["lines"])

    def verify(self, *, anchors: list[Anchor], chunk_size: int) -> None:
        def progress(count: int) -> None:
            if self.verbosity >= 2:
                self.stderr.write(f"{count} events checked…")

        result = audit_chain_verify(anchors=anchors, chunk_size=chunk_size, progress=progress)
        problem = result.problem
        if problem is not None:
            where = f"event #{problem.event_id}" if problem.event_id is not None else "the chain"
            when = f" ({canonical_time(problem.created_at)})" if problem.created_at is not None else ""
            if problem.position is not None:
                context = f"The {result.count} events before it are intact."
            else:
                context = f"The {result.count} events link up, but the head does not agree with them."
            raise CommandError(f"BROKEN at {where}{when} [{problem.kind}]: {problem.message}. {context}")
        self.stdout.write(f"OK: {result.count} events, chain intact")
        if result.head is not None:
            self.stdout.write(f"head: {result.head}")
        for anchor in result.anchors_checked:
            self.stdout.write(f"anchor {anchor}: present")

    def tail(self, *, lines: int) -> None:
        events = list(AuditEvent.objects.order_by("-id")[:lines])
        for event in reversed(events):
            target = f"{event.target_type}:{event.target_id}" if event.target_type else "-"
            label = f"  {event.target_label}" if event.target_label else ""
            self.stdout.write(
                f"#{event.id}  {canonical_time(event.created_at)}  {event.actor_label or '-'}  "
                f"{event.action}  {target}{label}"
            )
