from __future__ import annotations

from datetime import timedelta

import pytest
from django.conf import settings
from django.utils import timezone

from tests.disclosure import locate
from traceobject.gallery import selectors
from traceobject.gallery.models import Audience, Object, ObjectStatus
from traceobject.gallery.selectors import GalleryFilter

NOT_IN_GALLERY = [
    {"status": ObjectStatus.DRAFT},
    {"status": ObjectStatus.IN_REVIEW},
    {"status": ObjectStatus.APPROVED},
    {"status": ObjectStatus.ARCHIVED},
    {"status": ObjectStatus.WITHDRAWN},
    {"audience": Audience.PARTNERS},
    {"release": None},
]


def _codes(queryset) -> list[str]:
    return [obj.code for obj in queryset]


@pytest.fixture
def past(release_factory):
    return release_factory(publish_at=timezone.now() - timedelta(days=10))


@pytest.fixture
def future(release_factory):
    return release_factory(publish_at=timezone.now() + timedelta(hours=1))


@pytest.mark.parametrize("changes", NOT_IN_GALLERY, ids=lambda c: str(next(iter(c.values()))))
def test_objects_public_only_shows_published_public_released(object_factory, changes) -> None:
    object_factory(code="SHOWN-1")
    object_factory(code="HIDDEN-1", **changes)
    assert _codes(selectors.objects_public()) == ["SHOWN-1"]


def test_objects_public_waits_for_the_release_time(object_factory, future) -> None:
    object_factory(code="LATER-1", release=future)
    assert _codes(selectors.objects_public()) == []


def test_gallery_list_newest_release_first_then_by_code(object_factory, release_factory) -> None:
    now = timezone.now()
    old = release_factory(publish_at=now - timedelta(days=30))
    new = release_factory(publish_at=now - timedelta(days=1))
    for code, release in [("B2-2026", old), ("A9-2026", old), ("Z1-2026", new), ("C3-2026", new)]:
        object_factory(code=code, release=release)
    assert _codes(selectors.gallery_list(filters=GalleryFilter())) == [
        "C3-2026",
        "Z1-2026",
        "A9-2026",
        "B2-2026",
    ]


def test_gallery_list_filters_by_category(object_factory, category_factory) -> None:
    toys = category_factory(slug="toys", name="Toys")
    bags = category_factory(slug="bags", name="Bags")
    object_factory(code="TOY-1", category=toys)
    object_factory(code="BAG-1", category=bags)
    assert _codes(selectors.gallery_list(filters=GalleryFilter(category="toys"))) == ["TOY-1"]
    assert _codes(selectors.gallery_list(filters=GalleryFilter(category="unknown"))) == []


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("scarf", ["SC1-2026"]),  # title
        ("SCARF", ["SC1-2026"]),  # any case
        ("wool", ["SC1-2026"]),  # description
        ("sc1-", ["SC1-2026"]),  # code, in lower case
        ("  plush  ", ["TB2-2026"]),  # surrounding spaces ignored
        ("2026", ["SC1-2026", "TB2-2026"]),
        ("nothing like it", []),
    ],
)
def test_gallery_list_search(object_factory, past, query: str, expected: list[str]) -> None:
    object_factory(
        code="SC1-2026", title="Red scarf", description="Knitted from WOOL, with tassels.", release=past
    )
    object_factory(code="TB2-2026", title="Teddy bear", description="A small Plush toy.", release=past)
    object_factory(code="SC9-2026", title="Another scarf", status=ObjectStatus.DRAFT, release=past)
    assert _codes(selectors.gallery_list(filters=GalleryFilter(query=query))) == expected


def test_gallery_list_search_and_category_combine(object_factory, category_factory) -> None:
    toys = category_factory(slug="toys")
    object_factory(code="TOY-1", title="Red ball", category=toys)
    object_factory(code="BAG-1", title="Red bag")
    assert _codes(selectors.gallery_list(filters=GalleryFilter(query="red", category="toys"))) == ["TOY-1"]


def test_release_latest_is_the_newest_release_with_public_objects(
    object_factory, release_factory, future
) -> None:
    now = timezone.now()
    older = release_factory(publish_at=now - timedelta(days=20))
    newer = release_factory(publish_at=now - timedelta(days=2))
    only_drafts = release_factory(publish_at=now - timedelta(days=1))
    only_partners = release_factory(publish_at=now - timedelta(hours=1))
    object_factory(release=older)
    object_factory(release=newer)
    object_factory(release=only_drafts, status=ObjectStatus.DRAFT)
    object_factory(release=only_partners, audience=Audience.PARTNERS)
    object_factory(release=future)
    assert selectors.release_latest() == newer


def test_release_latest_none_without_objects(db, past) -> None:
    assert selectors.release_latest() is None


def test_categories_in_gallery_only_those_with_public_objects(object_factory, category_factory) -> None:
    shown = category_factory(slug="bags", position=2)
    first = category_factory(slug="toys", position=1)
    hidden = category_factory(slug="shoes", position=0)
    category_factory(slug="empty", position=0)
    object_factory(category=shown)
    object_factory(category=first)
    object_factory(category=shown)
    object_factory(category=hidden, status=ObjectStatus.DRAFT)
    assert [c.slug for c in selectors.categories_in_gallery()] == ["toys", "bags"]


@pytest.mark.parametrize(
    ("changes", "found"),
    [
        ({}, True),
        ({"status": ObjectStatus.IDENTIFIED}, True),
        ({"status": ObjectStatus.WIDESPREAD}, True),
        ({"status": ObjectStatus.DRAFT}, False),
        ({"status": ObjectStatus.IN_REVIEW}, False),
        ({"status": ObjectStatus.APPROVED}, False),
        ({"status": ObjectStatus.ARCHIVED}, False),
        ({"status": ObjectStatus.WITHDRAWN}, False),
        ({"audience": Audience.PARTNERS}, False),
        ({"audience": Audience.PARTNERS, "status": ObjectStatus.IDENTIFIED}, False),
        ({"release": None}, False),
    ],
)
def test_object_public_get(object_factory, changes, found: bool) -> None:
    object_factory(code="OBJ-1", **changes)
    result = selectors.object_public_get(code="OBJ-1")
    assert (result is not None) is found
    # The code is matched whatever case the visitor typed.
    assert (selectors.object_public_get(code="obj-1") is not None) is found


def test_object_public_get_waits_for_the_release(object_factory, future) -> None:
    object_factory(code="OBJ-1", release=future)
    assert selectors.object_public_get(code="OBJ-1") is None


def test_object_public_get_shows_only_public_related(object_factory, future) -> None:
    found = object_factory(code="REL-FOUND")
    locate(found)  # disclosed: on /identified/, no longer a gallery card
    related = [
        object_factory(code="REL-B"),
        object_factory(code="REL-A"),
        object_factory(code="REL-DRAFT", status=ObjectStatus.DRAFT),
        object_factory(code="REL-PARTNERS", audience=Audience.PARTNERS),
        object_factory(code="REL-LATER", release=future),
        found,
    ]
    object_factory(code="OBJ-1", related=related)
    obj = selectors.object_public_get(code="OBJ-1")
    assert obj is not None
    assert _codes(obj.related.all()) == ["REL-A", "REL-B"]
    # Related is symmetrical: the public related object leads back.
    back = selectors.object_public_get(code="REL-A")
    assert back is not None
    assert _codes(back.related.all()) == ["OBJ-1"]


def test_objects_located(object_factory, future) -> None:
    """Only objects past the disclosure rule, sorted by code: no date may show through the order."""
    now = timezone.now()
    quiet = timedelta(days=settings.DISCLOSURE_QUIET_DAYS)
    locate(object_factory(code="C-OLD"), confirmed_at=now - quiet * 3)
    locate(
        object_factory(code="A-NEWER"),
        kind=ObjectStatus.WIDESPREAD,
        confirmed_at=now - quiet - timedelta(hours=1),
    )
    locate(object_factory(code="B-MIDDLE"), confirmed_at=now - quiet * 2)
    object_factory(code="OPEN-1")
    # Located, but not disclosed: a lead not sent, a lead sent within the quiet period, a widespread
    # finding confirmed within it, and a status without any confirmed determination.
    locate(object_factory(code="UNSENT-1"), confirmed_at=now - quiet * 2, disclosed=False)
    locate(
        object_factory(code="RECENT-1"),
        confirmed_at=now - quiet * 2,
        sent_at=now - quiet + timedelta(hours=1),
    )
    locate(object_factory(code="RECENT-2"), kind=ObjectStatus.WIDESPREAD, disclosed=False)
    object_factory(code="BARE-1", status=ObjectStatus.IDENTIFIED)
    locate(object_factory(code="PARTNERS-1", audience=Audience.PARTNERS))
    locate(object_factory(code="NEVER-1", release=None))
    # Located before its release: it was never public, so it is not listed either.
    locate(object_factory(code="EARLY-1", release=future))
    object_factory(code="GONE-1", status=ObjectStatus.WITHDRAWN)
    assert _codes(selectors.objects_located()) == ["A-NEWER", "B-MIDDLE", "C-OLD"]
    # The undisclosed ones stay in the gallery, looking as before, and take tips.
    in_gallery = _codes(selectors.gallery_list(filters=GalleryFilter()))
    assert sorted(in_gallery) == ["BARE-1", "OPEN-1", "RECENT-1", "RECENT-2", "UNSENT-1"]
    for code in ("RECENT-1", "UNSENT-1", "RECENT-2", "BARE-1"):
        obj = Object.objects.get(code=code)
        assert not selectors.object_disclosed(obj)
        assert selectors.object_takes_tips(obj)
    disclosed = Object.objects.get(code="B-MIDDLE")
    assert selectors.object_disclosed(disclosed)
    assert not selectors.object_takes_tips(disclosed)


def test_a_second_lead_sent_later_restarts_the_quiet_period(object_factory) -> None:
    """The quiet period runs from the *last* lead: one country's early lead does not date the other's."""
    now = timezone.now()
    quiet = timedelta(days=settings.DISCLOSURE_QUIET_DAYS)
    determination = locate(object_factory(code="TWO-1"), confirmed_at=now - quiet * 2, countries=("PL", "DE"))
    determination.leads.filter(country="DE").update(sent_at=now - timedelta(days=1))
    assert _codes(selectors.objects_located()) == []
    assert _codes(selectors.gallery_list(filters=GalleryFilter())) == ["TWO-1"]
