"""The disclosure rule on every public page (docs/architecture.md, "The disclosure rule").

The loop (``tests/stats/conftest.py``: the bag identified to Poland and Germany, the lamp widespread, both
leads sent, one victim reported) is walked by the real services on 10 May 2026, then the clock moves:
nothing public changes until the quiet period is over (objects) or the quarter is published (outcomes).
"""

from __future__ import annotations

import difflib
import re
from collections import defaultdict
from datetime import UTC, date, datetime, timedelta
from typing import Any

import pytest
import time_machine
from django.conf import settings
from django.test import Client

from tests.disclosure import locate
from tests.factories import ObjectFactory
from tests.stats.conftest import Loop
from tests.utils import find_all, find_by_id
from traceobject.accounts.models import User
from traceobject.gallery.models import Audience, Object, ObjectStatus, Release
from traceobject.leads.models import Lead, Outcome, OutcomeKind
from traceobject.leads.services import outcome_report
from traceobject.stats.selectors import Quarter, next_publication, publication_cutoff
from traceobject.tips.models import Tip

pytestmark = pytest.mark.django_db

MAY_10 = datetime(2026, 5, 10, 12, tzinfo=UTC)
PAGES = ("/", "/results/", "/identified/", "/objects/BAG-2026/", "/objects/LAMP-2026/", "/fr/results/")


@pytest.fixture
def spring(time_machine: Any) -> Any:
    """The clock, stopped on 10 May 2026 before the loop runs (request it before ``loop``)."""
    time_machine.move_to(MAY_10, tick=False)
    return time_machine


def _stable(html: str) -> str:
    """A page without what changes on every request: hidden inputs' values (CSRF token, proof of work)."""
    return re.sub(r'(<input type="hidden"[^>]*?value=")[^"]*', r"\1", html)


def _public(client: Client) -> dict[str, str]:
    pages = {}
    for path in PAGES:
        response = client.get(path)
        assert response.status_code == 200, path
        assert "ETag" not in response
        assert "Last-Modified" not in response
        pages[path] = _stable(response.content.decode())
    return pages


def _assert_same(now: dict[str, str], before: dict[str, str]) -> None:
    """Each page as before, with the lines that differ on failure."""
    for path, html in before.items():
        diff = "\n".join(difflib.unified_diff(html.splitlines(), now[path].splitlines(), lineterm="", n=0))
        assert not diff, f"{path} changed:\n{diff}"


def _figure(html: str, name: str) -> str:
    element = find_by_id(html, f"figure-{name}")
    assert element is not None, name
    return " ".join(element.text.split())


def test_quarters_and_publication_dates(settings: Any) -> None:
    settings.FIGURES_PUBLICATION_DELAY_DAYS = 30
    assert Quarter.of(datetime(2026, 3, 31, 23, 59, tzinfo=UTC)) == Quarter(2026, 1)
    assert Quarter.of(datetime(2026, 4, 1, tzinfo=UTC)).start == datetime(2026, 4, 1, tzinfo=UTC)
    assert Quarter(2026, 4).end == datetime(2027, 1, 1, tzinfo=UTC)
    # Q1 2026 (to 1 April) is published on 1 May; until then the figures cover 2025 only.
    assert publication_cutoff(now=datetime(2026, 4, 30, 23, tzinfo=UTC)) == datetime(2026, 1, 1, tzinfo=UTC)
    assert publication_cutoff(now=datetime(2026, 5, 1, 1, tzinfo=UTC)) == datetime(2026, 4, 1, tzinfo=UTC)
    assert next_publication(now=datetime(2026, 4, 30, tzinfo=UTC)) == datetime(2026, 5, 1, tzinfo=UTC)
    assert next_publication(now=datetime(2026, 5, 10, tzinfo=UTC)) == datetime(2026, 7, 31, tzinfo=UTC)
    # A delay longer than a quarter still moves the cut-off only at publication dates.
    settings.FIGURES_PUBLICATION_DELAY_DAYS = 120
    assert publication_cutoff(now=datetime(2026, 4, 30, tzinfo=UTC)) == datetime(2025, 10, 1, tzinfo=UTC)
    assert publication_cutoff(now=datetime(2026, 5, 10, tzinfo=UTC)) == datetime(2026, 1, 1, tzinfo=UTC)


def test_a_new_outcome_changes_nothing_public_until_its_quarter_is_published(
    spring: Any, loop: Loop, client: Client, staff: dict[str, User]
) -> None:
    # The catalogue's object still to be released would come out during the months walked here.
    Release.objects.filter(object__code="LATER-2026").update(publish_at=datetime(2030, 1, 1, tzinfo=UTC))
    before = _public(client)
    # Right after the loop: the objects are still in the gallery, taking tips, and nothing was counted.
    assert "BAG-2026" in before["/"]
    assert "LAMP-2026" in before["/"]
    assert "BAG-2026" not in before["/identified/"]
    assert 'name="text"' in before["/objects/BAG-2026/"]
    assert _figure(before["/results/"], "objects-identified") == "0"

    # The partner reports six arrests the next day: the public pages are byte for byte the same.
    spring.move_to(MAY_10 + timedelta(days=1), tick=False)
    outcome_report(
        actor=staff["partner_a"],
        lead=loop.leads["PL"],
        kind=OutcomeKind.OFFENDER_ARRESTED,
        count=6,
        update="Six.",
    )
    _assert_same(_public(client), before)

    # The quiet period ends 30 days after the last lead was sent: the objects move, both alike, and
    # the counts of objects follow; the outcome figures do not.
    quiet = timedelta(days=settings.DISCLOSURE_QUIET_DAYS)
    spring.move_to(MAY_10 + quiet - timedelta(hours=1), tick=False)
    _assert_same(_public(client), before)
    spring.move_to(MAY_10 + quiet + timedelta(hours=1), tick=False)
    after_quiet = _public(client)
    assert "BAG-2026" not in after_quiet["/"]
    assert "BAG-2026" in after_quiet["/identified/"]
    assert "LAMP-2026" in after_quiet["/identified/"]
    assert find_all(after_quiet["/objects/BAG-2026/"], "p", class_="notice located")
    assert 'name="text"' not in after_quiet["/objects/BAG-2026/"]
    assert _figure(after_quiet["/results/"], "objects-identified") == "2"
    for name in ("offenders-arrested", "victims-identified", "countries-with-leads"):
        assert _figure(after_quiet["/results/"], name) == _figure(before["/results/"], name) == "fewer than 5"

    # Q2 2026 is published on 31 July (its end, 1 July, plus 30 days): then, and not a day before.
    spring.move_to(datetime(2026, 7, 30, 23, tzinfo=UTC), tick=False)
    _assert_same(_public(client), after_quiet)
    spring.move_to(datetime(2026, 7, 31, 1, tzinfo=UTC), tick=False)
    published = _public(client)["/results/"]
    assert _figure(published, "offenders-arrested") == "6"
    # One victim and two countries stay below the minimum: they wait, merged into later quarters.
    assert _figure(published, "victims-identified") == "fewer than 5"
    assert _figure(published, "countries-with-leads") == "fewer than 5"


def test_a_correction_moves_public_figures_only_when_its_own_quarter_is_published(
    spring: Any, loop: Loop, client: Client, staff: dict[str, User]
) -> None:
    """Six arrests reported in Q2 and published on 31 July; corrected to seven in Q3: the public figure
    stays six until Q3 is published (30 October), then reads seven, never thirteen."""
    from traceobject.leads.services import outcome_correct

    Release.objects.filter(object__code="LATER-2026").update(publish_at=datetime(2030, 1, 1, tzinfo=UTC))
    first = outcome_report(
        actor=staff["partner_a"],
        lead=loop.leads["PL"],
        kind=OutcomeKind.OFFENDER_ARRESTED,
        count=6,
        update="Six.",
    )
    spring.move_to(datetime(2026, 8, 5, 12, tzinfo=UTC), tick=False)
    assert _figure(client.get("/results/").content.decode(), "offenders-arrested") == "6"
    outcome_correct(
        actor=staff["partner_a"], outcome=first, kind=OutcomeKind.OFFENDER_ARRESTED, count=7, update="Seven."
    )
    assert _figure(client.get("/results/").content.decode(), "offenders-arrested") == "6"
    spring.move_to(datetime(2026, 10, 30, 23, tzinfo=UTC), tick=False)
    assert _figure(client.get("/results/").content.decode(), "offenders-arrested") == "6"
    spring.move_to(datetime(2026, 10, 31, 1, tzinfo=UTC), tick=False)
    assert _figure(client.get("/results/").content.decode(), "offenders-arrested") == "7"


def test_tips_sent_in_the_quiet_period_are_taken_silently(spring: Any, loop: Loop, client: Client) -> None:
    from tests.utils import tip_form_data

    bag = Object.objects.get(code="BAG-2026")
    assert bag.status == ObjectStatus.IDENTIFIED
    tips = Tip.objects.filter(object=bag).count()
    response = client.post("/objects/BAG-2026/tip/", tip_form_data())
    assert response.status_code == 200
    assert Tip.objects.filter(object=bag).count() == tips + 1


def _outcome(lead: Lead, kind: str, count: int, when: datetime, user: User) -> None:
    Outcome.objects.create(
        lead=lead, kind=kind, count=count, sealed_update=b"", reported_by=user, reported_at=when
    )


def test_every_published_figure_equals_a_recount_of_the_rows(client: Client, staff: dict[str, User]) -> None:
    """Rows of every kind, then each figure on every page against a plain count of the rows under the
    rule (the expected values are counted here, not asked of the selectors)."""
    now = datetime(2026, 8, 15, 12, tzinfo=UTC)
    with time_machine.travel(now, tick=False):
        quiet = timedelta(days=settings.DISCLOSURE_QUIET_DAYS)
        long_ago = now - quiet * 4
        for n in range(3):
            ObjectFactory(code=f"OPEN-{n}")
        ObjectFactory(code="PARTNERS-1", audience=Audience.PARTNERS)
        ObjectFactory(code="DRAFT-1", status=ObjectStatus.DRAFT)
        ObjectFactory(code="BARE-1", status=ObjectStatus.IDENTIFIED)  # no determination: not disclosed
        shown = [
            locate(ObjectFactory(code=f"SHOWN-{n}"), confirmed_at=long_ago, countries=("PL", "DE"))
            for n in range(2)
        ]
        locate(ObjectFactory(code="WIDE-1"), kind=ObjectStatus.WIDESPREAD, confirmed_at=long_ago)
        locate(ObjectFactory(code="QUIET-1"), disclosed=False, countries=("FR",))
        locate(ObjectFactory(code="UNSENT-1"), disclosed=False, countries=("IT",), sent_at=None)
        leads = list(Lead.objects.filter(determination__in=shown).order_by("id"))
        partner = staff["partner_a"]
        # Victims: 3 in Q1, 4 in Q2 (published 31 July), 10 in Q3 (not yet). Arrests: 6 in Q1, 2 in Q2.
        for kind, count, when in [
            (OutcomeKind.VICTIM_IDENTIFIED, 3, datetime(2026, 2, 1, tzinfo=UTC)),
            (OutcomeKind.VICTIM_IDENTIFIED, 4, datetime(2026, 5, 1, tzinfo=UTC)),
            (OutcomeKind.VICTIM_IDENTIFIED, 10, datetime(2026, 8, 1, tzinfo=UTC)),
            (OutcomeKind.OFFENDER_ARRESTED, 6, datetime(2026, 3, 1, tzinfo=UTC)),
            (OutcomeKind.OFFENDER_ARRESTED, 2, datetime(2026, 6, 1, tzinfo=UTC)),
            (OutcomeKind.INVESTIGATION_OPENED, 0, datetime(2026, 3, 1, tzinfo=UTC)),
        ]:
            _outcome(leads[0], kind, count, when, partner)

        # --- The recount, by plain counting over the rows -------------------------------------------
        cutoff = datetime(2026, 7, 1, tzinfo=UTC)  # Q2's end; Q2 published on 31 July, Q3 not yet
        minimum = settings.FIGURES_MIN_COUNT

        def disclosed(obj: Object) -> bool:
            confirmed = [d for d in obj.determinations.all() if d.state == "confirmed"]
            if obj.status not in ("identified", "widespread") or not confirmed:
                return False
            sent = [lead.sent_at for lead in confirmed[0].leads.all()]
            if None in sent:
                return False
            return max([confirmed[0].decided_at, *sent]) <= now - quiet

        public = [o for o in Object.objects.all() if o.audience == "public" and o.release.publish_at <= now]
        identified = sorted(o.code for o in public if disclosed(o))
        in_gallery = [
            o for o in public if o.status in ("published", "identified", "widespread") and not disclosed(o)
        ]
        expected_published = len(in_gallery) + len(identified)

        def published_steps(rows: list[tuple[datetime, int]]) -> int:
            by_quarter: dict[tuple[int, int], int] = defaultdict(int)
            for when, count in rows:
                if when < cutoff:
                    by_quarter[(when.year, (when.month - 1) // 3)] += count
            total = waiting = 0
            for key in sorted(by_quarter):
                waiting += by_quarter[key]
                if waiting >= minimum:
                    total, waiting = total + waiting, 0
            return total

        def shown_as(value: int) -> str:
            return f"{value:,}" if value >= minimum else f"fewer than {minimum}"

        victims = published_steps(
            [(o.reported_at, o.count) for o in Outcome.objects.filter(kind="victim_identified")]
        )
        arrests = published_steps(
            [(o.reported_at, o.count) for o in Outcome.objects.filter(kind="offender_arrested")]
        )
        first_leads: dict[str, datetime] = {}
        for lead in Lead.objects.exclude(sent_at=None):
            first_leads[lead.country] = min(first_leads.get(lead.country, lead.sent_at), lead.sent_at)
        countries = published_steps([(when, 1) for when in first_leads.values()])
        assert (identified, expected_published, victims, arrests) == (
            ["SHOWN-0", "SHOWN-1", "WIDE-1"],
            9,  # three open, two shown, the widespread one, two quiet, the bare one
            7,
            6,
        )

        # --- Every page says the same --------------------------------------------------------------
        results = client.get("/results/").content.decode()
        expected = {
            "objects-published": str(expected_published),
            "tips-received": str(Tip.objects.count()),
            "objects-identified": str(len(identified)),
            "countries-with-leads": shown_as(countries),
            "victims-identified": shown_as(victims),
            "offenders-arrested": shown_as(arrests),
        }
        assert {name: _figure(results, name) for name in expected} == expected
        home = client.get("/").content.decode()
        assert [" ".join(dd.text.split()) for dd in find_all(home, "dd")] == list(expected.values())
        assert f"{len(in_gallery)} objects" in home
        listed = re.findall(
            r'<span class="card-code">([^<]+)</span>', client.get("/identified/").content.decode()
        )
        assert listed == identified  # by code, never by a date
        # The chart adds up to the same count.
        chart_rows = re.findall(
            r'<td class="number">(\d+)</td>', results.split('id="chart-identifications"')[1]
        )
        assert sum(int(n) for n in chart_rows) == len(identified)
        assert date(2026, 6, 30) == publication_cutoff(now=now).date() - timedelta(days=1)
