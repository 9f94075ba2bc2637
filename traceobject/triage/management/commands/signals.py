"""``traceobject signals``: signal extraction over tip texts read from stdin, one tip per line.

Lets an analyst or a developer see what the intake would extract, and compare versions of the
extractor on a file of texts, without touching the vault: nothing is stored.
"""

from __future__ import annotations

import json
import sys
from typing import Any, TextIO

from django.core.management.base import BaseCommand, CommandParser

from traceobject.triage.signals import Signals, extract_text, prepare
from traceobject.triage.signals.gazetteer import gazetteer as load_gazetteer


def _readable(signals: Signals) -> str:
    countries = " ".join(
        f"{code}({signal.source} {signal.confidence:.2f})"
        for code, signal in signals.best_countries().items()
    )
    links = " ".join(f"{link.domain}({link.kind})" for link in signals.links)
    return " | ".join([signals.language or "-", countries or "-", links or "-", signals.shop or "-"])


class Command(BaseCommand):
    help = "Extract signals (language, countries, links) from tip texts on stdin, one per line."
    # call_command(..., stdin=StringIO(...)) reaches handle() as an option, like stdout and stderr.
    stealth_options = ("stdin",)

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--json", action="store_true", help="print one JSON object per line")
        parser.add_argument(
            "--prepare",
            action="store_true",
            help="build (or load) the language detector and the gazetteer and its disk cache, then exit; "
            "run it once after a deployment so that no worker pays the build",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        if options["prepare"]:
            timings = prepare()
            index = load_gazetteer()
            self.stdout.write(
                f"language detector {timings['language_seconds']:.2f} s; gazetteer {index.source} in "
                f"{timings['gazetteer_seconds']:.2f} s, {index.key_count} keys"
            )
            return
        stream: TextIO = options.get("stdin") or sys.stdin
        as_json = options["json"]
        for line in stream:
            text = line.rstrip("\r\n")
            # An empty line still gets its (empty) answer, so that output line n answers input line n.
            signals = extract_text(text) if text.strip() else Signals()
            if as_json:
                self.stdout.write(json.dumps(signals.to_json(), ensure_ascii=False))
            else:
                self.stdout.write(_readable(signals))
