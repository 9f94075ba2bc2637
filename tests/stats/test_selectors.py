"""The figures: computed from the data (tallies, lead figures), cached, and recomputed by the task after
``figures_changed``; a cached read makes no query at all."""

from __future__ import annotations

import time
from datetime import date, timedelta
from typing import Any

import pytest
from django.core.cache import cache
from django.core.management import call_command
from django.test import override_settings
from django_tasks.signals import task_enqueued

from tests.stats.conftest import LAMP_TIP, Catalogue, Loop, submit
from traceobject.stats import selectors
from traceobject.stats.selectors import (
    DASHBOARD_DAYS,
    dashboard_figures,
    dashboard_figures_compute,
    headline_figures,
    results_figures,
)
from traceobject.stats.services import REFRESH_PENDING_KEY, figures_changed
from traceobject.tips.models import TipStatus

pytestmark = pytest.mark.django_db


# --- What the figures say ----------------------------------------------------------------------------


def test_results_figures_before_any_determination(catalogue: Catalogue) -> None:
    figures = results_figures()
    # The bag, the lamp and the archived one; not the partners-only object (never public), the draft,
    # the withdrawn object, nor the one whose release is still to come.
    assert figures.objects_published == 3
    assert figures.tips_received == 4
    assert figures.tips_per_month == (("2026-01", 2), ("2026-02", 1), ("2026-03", 1))
    assert figures.objects_identified == 0
    for count in (figures.countries_with_leads, figures.victims_identified, figures.offenders_arrested):
        assert (count.value, count.suppressed) == (0, True)
    assert figures.identifications_by_quarter == ()
    assert not figures.is_empty


def test_results_figures_after_the_loop(loop: Loop) -> None:
    """Right after the loop nothing of it is public: both objects are in their quiet period and the
    outcome's quarter is not published."""
    figures = results_figures()
    assert figures.objects_published == 3  # located objects stay published ones
    assert figures.tips_received == 4
    assert figures.objects_identified == 0
    assert figures.identifications_by_quarter == ()
    assert figures.victims_identified.value == 0
    assert figures.countries_with_leads.value == 0
    # The staff see the truth.
    dashboard = dashboard_figures()
    assert (dashboard.objects_placed, dashboard.objects_widespread) == (1, 1)
    assert (dashboard.countries_with_leads, dashboard.victims_identified, dashboard.offenders_arrested) == (
        2,
        1,
        0,
    )
    assert [item.code for item in dashboard.awaiting_disclosure] == ["BAG-2026", "LAMP-2026"]


def test_nothing_yet_is_empty(db: None) -> None:
    figures = results_figures()
    assert figures.is_empty
    assert figures.tips_per_month == ()


def test_tips_come_from_the_tallies_not_from_counting_tips(catalogue: Catalogue) -> None:
    """A tally row is what the figure reads: change it and the figure follows (the tips table is not read)."""
    from traceobject.triage.models import Tally

    Tally.objects.filter(object=catalogue.lamp, dimension="total").update(tips=41)
    assert selectors.results_figures_compute().tips_received == 44


def test_headline_figures_are_the_results_figures(catalogue: Catalogue) -> None:
    assert headline_figures() == results_figures()


def test_dashboard_figures(loop: Loop) -> None:
    today = date(2026, 3, 20)
    figures = dashboard_figures_compute(today=today)
    assert figures.tips_total == 4
    assert len(figures.tips_per_day) == DASHBOARD_DAYS
    assert figures.tips_per_day[0][0] == today - timedelta(days=DASHBOARD_DAYS - 1)
    assert figures.tips_per_day[-1][0] == today
    assert {day: n for day, n in figures.tips_per_day if n} == {
        date(2026, 1, 15): 1,
        date(2026, 1, 20): 1,
        date(2026, 2, 2): 1,
        date(2026, 3, 3): 1,
    }
    assert [(item.code, item.tips) for item in figures.tips_by_object] == [("BAG-2026", 3), ("LAMP-2026", 1)]
    assert sum(n for _, n in figures.tips_by_language) == 4
    assert [status for status, _ in figures.tips_by_status] == list(TipStatus.values)
    assert dict(figures.tips_by_status)[TipStatus.NEW] == 4
    assert figures.backlog == 4
    # Bag: published 10 January 00:00, first tip 15 January 12:00; lamp: 1 February, 2 February 12:00.
    assert figures.median_days_to_first_tip == pytest.approx((5.5 + 1.5) / 2)
    assert figures.objects_measured_first_tip == 2
    assert figures.median_days_to_determination is not None
    # Two leads sent, Poland's acknowledged and with an outcome.
    assert (figures.leads_total, figures.leads_acknowledged, figures.leads_with_outcome) == (2, 1, 1)
    assert figures.acknowledgement_rate == pytest.approx(0.5)
    assert figures.outcome_rate == pytest.approx(0.5)


def test_dashboard_without_leads_has_no_rates(catalogue: Catalogue) -> None:
    figures = dashboard_figures()
    assert figures.leads_total == 0
    assert figures.acknowledgement_rate is None
    assert figures.outcome_rate is None
    assert figures.median_days_to_determination is None


def test_first_tip_delay_is_one_query_whatever_the_objects(
    catalogue: Catalogue, django_assert_num_queries
) -> None:
    with django_assert_num_queries(1):
        delays = selectors._first_tip_delays()
    assert sorted(delays) == pytest.approx([1.5, 5.5])


# --- The cache ---------------------------------------------------------------------------------------


def test_cached_figures_make_no_query(catalogue: Catalogue, django_assert_num_queries) -> None:
    results_figures()
    dashboard_figures()
    with django_assert_num_queries(0):
        assert results_figures().tips_received == 4
        assert dashboard_figures().tips_total == 4


def test_a_new_tip_waits_for_the_refresh(catalogue: Catalogue, django_capture_on_commit_callbacks) -> None:
    assert results_figures().tips_received == 4
    submit(catalogue.lamp, LAMP_TIP + " Also in Spain.")
    assert results_figures().tips_received == 4  # served from the cache
    with django_capture_on_commit_callbacks(execute=True):
        figures_changed()
    assert results_figures().tips_received == 5
    assert dashboard_figures().tips_total == 5


def test_figures_changed_refreshes_by_a_task_after_commit(
    catalogue: Catalogue, django_capture_on_commit_callbacks, django_assert_num_queries
) -> None:
    enqueued: list[str] = []

    def record(sender: object, task_result: object, **kwargs: object) -> None:
        enqueued.append(task_result.task.name)  # type: ignore[attr-defined]

    task_enqueued.connect(record)
    try:
        results_figures()
        submit(catalogue.lamp, LAMP_TIP + " Also in Spain.")
        with django_capture_on_commit_callbacks(execute=True) as callbacks:
            figures_changed()
            assert not enqueued  # nothing before the commit
        assert len(callbacks) == 1
    finally:
        task_enqueued.disconnect(record)
    assert enqueued == ["figures_refresh"]
    assert cache.get(REFRESH_PENDING_KEY) is None  # the task cleared its mark
    with django_assert_num_queries(0):  # the task stored both; the pages read them
        assert results_figures().tips_received == 5
        assert dashboard_figures().tips_total == 5


@override_settings(TASKS={"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}})
@pytest.mark.django_db(transaction=True)  # the worker commits, and closes its connection when done
def test_a_burst_of_changes_queues_one_refresh(
    catalogue: Catalogue, django_capture_on_commit_callbacks, django_assert_num_queries
) -> None:
    """With the database queue of production: three changes before the worker runs, one task, which
    the real worker (``db_worker``) runs."""
    from django_tasks_db.models import DBTaskResult

    with django_capture_on_commit_callbacks(execute=True):
        figures_changed()
    with django_capture_on_commit_callbacks(execute=True):
        figures_changed()
        figures_changed()
    queued = list(DBTaskResult.objects.values_list("task_path", flat=True))
    assert queued == ["traceobject.stats.tasks.figures_refresh"]
    call_command("db_worker", "--batch", "--no-startup-delay", verbosity=0)
    assert DBTaskResult.objects.get().status == "SUCCESSFUL"
    with django_assert_num_queries(0):
        assert results_figures().tips_received == 4
    # The worker cleared the mark: the next change queues a new run.
    with django_capture_on_commit_callbacks(execute=True):
        figures_changed()
    assert DBTaskResult.objects.count() == 2


def test_figures_changed_forgets_at_once(catalogue: Catalogue) -> None:
    """The caller's own transaction (and anyone reading before the task) sees fresh figures."""
    results_figures()
    submit(catalogue.lamp, LAMP_TIP + " Also in Spain.")
    figures_changed()
    assert results_figures().tips_received == 5


@override_settings(PUBLIC_FIGURES_CACHE_SECONDS=60)
def test_figures_expire_after_the_staleness_bound(catalogue: Catalogue, monkeypatch) -> None:
    results_figures()
    submit(catalogue.lamp, LAMP_TIP + " Also in Spain.")
    assert results_figures().tips_received == 4
    later = time.time() + 61
    monkeypatch.setattr(time, "time", lambda: later)
    assert results_figures().tips_received == 5


def test_a_stale_entry_of_another_shape_is_recomputed(catalogue: Catalogue) -> None:
    cache.set(selectors.RESULTS_CACHE_KEY, {"tips_received": 999})
    assert results_figures().tips_received == 4


def test_a_withdrawal_forgets_the_figures(
    catalogue: Catalogue, staff: dict[str, Any], django_capture_on_commit_callbacks: Any
) -> None:
    """Objects published is a public figure: taking one down must not leave it counted until expiry."""
    from traceobject.gallery.services import object_withdraw

    assert results_figures().objects_published == 3  # now cached
    with django_capture_on_commit_callbacks(execute=True):
        object_withdraw(actor=staff["publisher"], obj=catalogue.lamp, reason="Pictured a person.")
    assert results_figures().objects_published == 2
