"""Hooks (``core.hooks``): how a lower app reacts to a higher one without importing it."""

from __future__ import annotations

import pytest
from django.core.exceptions import ImproperlyConfigured

from traceobject.core.hooks import Hook, Provider


def test_a_provider_nobody_filled_fails_loudly() -> None:
    report: Provider[..., str] = Provider("test.report")
    with pytest.raises(ImproperlyConfigured, match=r"test\.report has no implementation"):
        report(obj=1)


def test_a_provider_answers_with_its_one_implementation() -> None:
    report: Provider[..., str] = Provider("test.report")

    def scan(*, obj: int) -> str:
        return f"scanned {obj}"

    report.register(scan)
    report.register(scan)  # AppConfig.ready() may run twice: the same implementation again is harmless
    assert report(obj=7) == "scanned 7"
    with pytest.raises(ImproperlyConfigured):
        report.register(lambda *, obj: "another")


def test_a_hook_calls_every_receiver_once_in_order() -> None:
    changed: Hook[[int]] = Hook("test.changed")
    calls: list[tuple[str, int]] = []

    def first(n: int) -> None:
        calls.append(("first", n))

    def second(n: int) -> None:
        calls.append(("second", n))

    changed(0)  # no receiver: a notification nobody listens to is not an error
    changed.register(first)
    changed.register(second)
    changed.register(first)
    changed(1)
    assert calls == [("first", 1), ("second", 1)]


def test_the_installed_apps_fill_the_hooks_of_the_apps_below() -> None:
    """What each higher app's ``ready()`` registers: without it the gallery would approve without a
    safety report, keep a withdrawn object's files, or leave the figures stale, and no tip could be stored."""
    from traceobject.core import hooks as core_hooks
    from traceobject.core.schedule import daily_jobs
    from traceobject.gallery import hooks as gallery_hooks
    from traceobject.imaging.selectors import object_safety_report
    from traceobject.imaging.services import object_withdrawn_files_remove
    from traceobject.stats.services import figures_changed
    from traceobject.tips import hooks as tips_hooks

    assert gallery_hooks.object_safety_report.implementation is object_safety_report
    assert object_withdrawn_files_remove in gallery_hooks.object_withdrawn.receivers
    assert figures_changed in gallery_hooks.figures_changed.receivers
    for provider in (tips_hooks.tip_prepare, tips_hooks.object_lock, tips_hooks.tip_index):
        assert provider.implementation is not None, provider
    assert "traceobject.triage.tasks.retention_purge" in {job.task for job in daily_jobs()}
    from traceobject.tips.antiabuse.ratelimit import client_tag

    assert core_hooks.client_tag.implementation is client_tag
