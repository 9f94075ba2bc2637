"""``traceobject audit verify`` walks the whole chain; ``anchor`` prints its head to keep outside the system
and records it; ``tail`` shows the newest events."""

from __future__ import annotations

import argparse
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from traceobject.audit.anchors import AnchorRefusedError, audit_anchor_create, recorded_anchors
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
    help = (
        "Check the audit trail's hash chain (verify), anchor its head outside the system (anchor), "
        "or show its newest events (tail)."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        commands = parser.add_subparsers(dest="subcommand", required=True, metavar="{verify,anchor,tail}")
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
            help="A head printed by `audit anchor` (or an earlier verify) and kept outside the database; it "
            "must still be in the chain. May be given more than once. The anchors recorded in the database "
            "are checked too.",
        )
        verify.add_argument("--chunk-size", type=_positive, default=CHUNK_SIZE, help=argparse.SUPPRESS)
        commands.add_parser(
            "anchor",
            help="Verify the chain, then record its head as an anchor and print it, to keep outside the "
            "system (a printout, another machine, a mail to the auditor).",
        )
        tail = commands.add_parser("tail", help="Print the newest events, oldest of them first.")
        tail.add_argument("-n", "--lines", type=_positive, default=20, help="How many events (20).")

    def handle(self, *args: Any, **options: Any) -> None:
        self.verbosity = int(options["verbosity"])
        if options["subcommand"] == "verify":
            self.verify(anchors=options["anchor"], chunk_size=options["chunk_size"])
        elif options["subcommand"] == "anchor":
            self.anchor()
        else:
            self.tail(lines=options["lines"])

    def verify(self, *, anchors: list[Anchor], chunk_size: int) -> None:
        def progress(count: int) -> None:
            if self.verbosity >= 2:
                self.stderr.write(f"{count} events checked…")

        given = set(anchors)
        anchors = [*anchors, *(anchor for anchor in recorded_anchors() if anchor not in given)]
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
            where = "" if anchor in given else " (recorded)"
            self.stdout.write(f"anchor {anchor}: present{where}")

    def anchor(self) -> None:
        try:
            created = audit_anchor_create()
        except AnchorRefusedError as refused:
            raise CommandError(
                f"Not anchored: the chain does not verify ({refused}). Run `traceobject audit verify`."
            ) from refused
        anchor = created.anchor
        self.stdout.write(f"anchor: {anchor.count}:{anchor.hash}")
        self.stdout.write(f"event: #{anchor.event_id}")
        self.stdout.write(f"time: {canonical_time(anchor.created_at)}")
        if self.verbosity >= 1:
            self.stderr.write(
                "Keep these lines outside this system. To check the trail against them later: "
                f"traceobject audit verify --anchor {anchor.count}:{anchor.hash}"
            )

    def tail(self, *, lines: int) -> None:
        events = list(AuditEvent.objects.order_by("-id")[:lines])
        for event in reversed(events):
            target = f"{event.target_type}:{event.target_id}" if event.target_type else "-"
            label = f"  {event.target_label}" if event.target_label else ""
            self.stdout.write(
                f"#{event.id}  {canonical_time(event.created_at)}  {event.actor_label or '-'}  "
                f"{event.action}  {target}{label}"
            )
