"""``traceobject searchindex``: check the gallery's search index against the objects, or rebuild it."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from traceobject.gallery.search import search_check, search_rebuild


def _objects(count: int) -> str:
    return f"{count} object" + ("" if count == 1 else "s")


class Command(BaseCommand):
    help = (
        "The gallery search index is derived from the objects' public text. --check compares it with the "
        "text (exit status 1 when they differ); --rebuild computes it again, in one transaction."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        action = parser.add_mutually_exclusive_group(required=True)
        action.add_argument("--check", action="store_true", help="Compare the index with the objects.")
        action.add_argument("--rebuild", action="store_true", help="Compute the whole index again.")

    def handle(self, *args: Any, **options: Any) -> None:
        if options["rebuild"]:
            count = search_rebuild(progress=self._progress if options["verbosity"] > 1 else None)
            self.stdout.write(f"{_objects(count)} indexed.")
            return
        report = search_check()
        for problem in report.problems:
            self.stderr.write(problem)
        if report.stale:
            shown = ", ".join(str(object_id) for object_id in report.stale[:20])
            raise CommandError(
                f"{_objects(len(report.stale))} out of step with the index (ids {shown}"
                f"{', ...' if len(report.stale) > 20 else ''}): run `traceobject searchindex --rebuild`."
            )
        if report.problems:
            raise CommandError("The database's check of the search index failed: run --rebuild.")
        self.stdout.write(f"{_objects(report.objects)}, index up to date.")

    def _progress(self, done: int, total: int) -> None:
        self.stdout.write(f"{done}/{total}")
