from __future__ import annotations

import re
from datetime import timedelta
from urllib.parse import quote

import pytest
from django.conf import settings
from django.core.cache import cache
from django.test import override_settings
from django.utils import timezone

from tests.disclosure import locate
from tests.utils import drain, find_all, find_by_id, parse_html, tip_form_data
from traceobject.core.countries import country_choices
from traceobject.gallery.models import Audience, Object, ObjectStatus


def _html(response) -> str:
    return response.content.decode()


def _cards(html: str) -> list[dict[str, object]]:
    """The gallery cards in page order: code, title, whether they carry the "New" badge."""
    cards = []
    for block in re.findall(r'<li class="card[^"]*">(.*?)</li>', html, re.DOTALL):
        code = re.search(r'<span class="card-code">([^<]*)</span>', block)
        title = re.search(r'<span class="card-title">([^<]*)</span>', block)
        cards.append(
            {
                "code": code.group(1) if code else None,
                "title": title.group(1) if title else None,
                "new": '<span class="badge">' in block,
            }
        )
    return cards


def _cache_control(response) -> set[str]:
    return {part.strip() for part in response["Cache-Control"].split(",")}


def _numbers(html: str, tag: str, css_class: str) -> list[str]:
    """The numbers in the text of the one element ``<tag class=css_class>``, whatever the wording."""
    elements = find_all(html, tag, class_=css_class)
    assert len(elements) == 1, (tag, css_class)
    return re.findall(r"\d+", elements[0].text)


def _codes(html: str) -> list[str]:
    return [str(card["code"]) for card in _cards(html)]


# --- Home: the gallery -----------------------------------------------------------------------------


def test_home_lists_only_published_public_objects(client, object_factory, release_factory) -> None:
    object_factory(code="SHOWN-1", title="Green lamp")
    object_factory(code="DRAFT-1", status=ObjectStatus.DRAFT)
    object_factory(code="REVIEW-1", status=ObjectStatus.IN_REVIEW)
    object_factory(code="WITHDRAWN-1", status=ObjectStatus.WITHDRAWN)
    object_factory(code="PARTNERS-1", audience=Audience.PARTNERS)
    locate(object_factory(code="FOUND-1"))
    object_factory(code="LATER-1", release=release_factory(publish_at=timezone.now() + timedelta(days=1)))
    response = client.get("/")
    assert response.status_code == 200
    html = _html(response)
    assert _codes(html) == ["SHOWN-1"]
    for hidden in ("DRAFT-1", "REVIEW-1", "WITHDRAWN-1", "PARTNERS-1", "FOUND-1", "LATER-1"):
        assert hidden not in html
    assert _numbers(html, "p", "count") == ["1"]


def test_home_newest_release_first_and_new_badge_only_on_the_latest(
    client, object_factory, release_factory
) -> None:
    now = timezone.now()
    old = release_factory(publish_at=now - timedelta(days=30))
    latest = release_factory(publish_at=now - timedelta(days=1))
    drafts_only = release_factory(publish_at=now - timedelta(hours=2))
    upcoming = release_factory(publish_at=now + timedelta(days=1))
    object_factory(code="OLD-B", release=old)
    object_factory(code="OLD-A", release=old)
    object_factory(code="NEW-B", release=latest)
    object_factory(code="NEW-A", release=latest)
    object_factory(code="DRAFT-1", release=drafts_only, status=ObjectStatus.DRAFT)
    object_factory(code="LATER-1", release=upcoming)
    cards = _cards(_html(client.get("/")))
    assert [(card["code"], card["new"]) for card in cards] == [
        ("NEW-A", True),
        ("NEW-B", True),
        ("OLD-A", False),
        ("OLD-B", False),
    ]


def test_object_page_badge_follows_the_latest_release(client, object_factory, release_factory) -> None:
    now = timezone.now()
    object_factory(code="OLD-1", release=release_factory(publish_at=now - timedelta(days=30)))
    object_factory(code="NEW-1", release=release_factory(publish_at=now - timedelta(days=1)))
    assert '<span class="badge">' in _html(client.get("/objects/NEW-1/"))
    assert '<span class="badge">' not in _html(client.get("/objects/OLD-1/"))


def test_home_category_filter(client, object_factory, category_factory) -> None:
    toys = category_factory(slug="toys", name="Toys", position=1)
    bags = category_factory(slug="bags", name="Bags", position=2)
    category_factory(slug="shoes", name="Shoes", position=3)
    object_factory(code="TOY-1", category=toys)
    object_factory(code="BAG-1", category=bags)
    html = _html(client.get("/", {"category": "toys"}))
    assert _codes(html) == ["TOY-1"]
    # The category menu lists only categories with objects, and marks the current one.
    current = [a for a in find_all(html, "a") if a.attrs.get("aria-current") == "page"]
    assert [a.attrs["href"] for a in current] == ["?category=toys#gallery-heading"]
    menu = [
        a.attrs["href"] for a in find_all(html, "a") if str(a.attrs.get("href", "")).startswith("?category=")
    ]
    assert menu == ["?category=toys#gallery-heading", "?category=bags#gallery-heading"]


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("lamp", ["LMP-2026"]),
        ("LAMP", ["LMP-2026"]),
        ("brass", ["LMP-2026"]),  # description, stored as "Brass"
        ("lmp-2026", ["LMP-2026"]),  # code
        ("rug", ["RUG-2026"]),
    ],
)
def test_home_search(client, object_factory, query: str, expected: list[str]) -> None:
    object_factory(code="LMP-2026", title="Desk lamp", description="Brass base, green shade.")
    object_factory(code="RUG-2026", title="Woven rug", description="Red and blue.")
    html = _html(client.get("/", {"q": query}))
    assert _codes(html) == expected
    search = find_by_id(html, "q")
    assert search
    assert search.attrs["value"] == query


def test_home_search_and_category_keep_each_other(client, object_factory, category_factory) -> None:
    toys = category_factory(slug="toys", name="Toys")
    object_factory(code="TOY-1", title="Red ball", category=toys)
    object_factory(code="BAG-1", title="Red bag")
    html = _html(client.get("/", {"q": "red", "category": "toys"}))
    assert _codes(html) == ["TOY-1"]
    hidden = find_all(html, "input", type="hidden", name="category")
    assert [i.attrs["value"] for i in hidden] == ["toys"]
    assert find_all(html, "a", href="?category=toys&q=red#gallery-heading")


def _empty_notice(html: str) -> str:
    notices = find_all(html, "p", class_="empty")
    assert len(notices) == 1
    return re.sub(r"\s+", " ", notices[0].text).strip()


def test_home_empty_gallery(client, db) -> None:
    html = _html(client.get("/"))
    empty = _empty_notice(html)
    assert _cards(html) == []
    # "Come back later", not "no match": there is no search to undo.
    assert empty != _empty_notice(_html(client.get("/", {"q": "submarine"})))
    assert not find_all(html, "p", class_="count")


def test_home_no_match(client, object_factory) -> None:
    object_factory(code="LMP-2026", title="Desk lamp")
    html = _html(client.get("/", {"q": "submarine"}))
    assert _empty_notice(html)
    assert _cards(html) == []
    # A way back to all objects, inside the notice.
    assert '<a href="/">' in re.findall(r'<p class="empty">(.*?)</p>', html, re.DOTALL)[0]


@pytest.mark.parametrize("params", [{"q": "lamp\x00"}, {"q": "\x00"}, {"category": "\x00"}])
def test_home_control_characters_are_no_error(client, object_factory, params: dict[str, str]) -> None:
    """A NUL cannot reach the database (PostgreSQL refuses it in any text: a 500 before); control
    characters are spaces, so the words beside them still search."""
    object_factory(code="LMP-2026", title="Desk lamp")
    response = client.get("/", params)
    assert response.status_code == 200
    codes = _codes(_html(response))
    if params.get("q") == "lamp\x00":
        assert codes == ["LMP-2026"]


def test_home_unknown_category_is_an_empty_result_not_an_error(client, object_factory) -> None:
    object_factory()
    response = client.get("/", {"category": "no-such-category"})
    assert response.status_code == 200
    html = _html(response)
    assert _cards(html) == []
    assert _empty_notice(html) == _empty_notice(_html(client.get("/", {"q": "submarine"})))


@pytest.fixture
def five_objects(object_factory, release_factory) -> list[str]:
    release = release_factory()
    codes = [f"P{n}-2026" for n in range(1, 6)]
    for code in codes:
        object_factory(code=code, release=release, title=f"Pageable thing {code}")
    return codes


@override_settings(GALLERY_PAGE_SIZE=2)
@pytest.mark.parametrize(
    ("page", "expected", "number"),
    [
        (None, ["P1-2026", "P2-2026"], 1),
        ("2", ["P3-2026", "P4-2026"], 2),
        ("3", ["P5-2026"], 3),
        ("99", ["P5-2026"], 3),  # beyond the end: the last page
        ("0", ["P5-2026"], 3),
        ("-1", ["P5-2026"], 3),
        ("two", ["P1-2026", "P2-2026"], 1),  # not a number: the first page
        ("", ["P1-2026", "P2-2026"], 1),
    ],
)
def test_home_pagination(client, five_objects, page, expected, number: int) -> None:
    response = client.get("/", {"page": page} if page is not None else {})
    assert response.status_code == 200
    html = _html(response)
    assert _codes(html) == expected
    assert _numbers(html, "nav", "pagination") == [str(number), "3"]  # "Page n of 3"
    assert _numbers(html, "p", "count") == ["5"]
    prev_links = [a.attrs["href"] for a in find_all(html, "a", rel="prev")]
    next_links = [a.attrs["href"] for a in find_all(html, "a", rel="next")]
    assert prev_links == ([f"?page={number - 1}#gallery-heading"] if number > 1 else [])
    assert next_links == ([f"?page={number + 1}#gallery-heading"] if number < 3 else [])


@override_settings(GALLERY_PAGE_SIZE=2)
def test_home_pagination_links_keep_the_search(client, five_objects) -> None:
    html = _html(client.get("/", {"q": "pageable", "page": "2"}))
    assert [a.attrs["href"] for a in find_all(html, "a", rel="prev")] == [
        "?q=pageable&page=1#gallery-heading"
    ]
    assert [a.attrs["href"] for a in find_all(html, "a", rel="next")] == [
        "?q=pageable&page=3#gallery-heading"
    ]


@override_settings(GALLERY_PAGE_SIZE=2)
def test_no_pagination_when_everything_fits(client, object_factory) -> None:
    object_factory()
    object_factory()
    html = _html(client.get("/"))
    assert not find_all(html, "nav", class_="pagination")


def test_home_is_cacheable_and_sets_no_cookie(client, object_factory) -> None:
    object_factory()
    response = client.get("/")
    assert _cache_control(response) == {"public", "max-age=60"}
    assert not response.cookies


def test_home_shows_headline_figures(client, object_factory, tip_factory) -> None:
    obj = object_factory()
    for _ in range(3):
        tip_factory(obj=obj)
    locate(object_factory())
    locate(object_factory(), kind=ObjectStatus.WIDESPREAD)
    locate(object_factory(), disclosed=False)  # in the quiet period: still counted as in the gallery only
    object_factory(status=ObjectStatus.DRAFT)
    html = _html(client.get("/"))
    # The results page's headline, from the same selector: objects published (the located ones were),
    # tips received, objects identified (identified and widespread alike, once disclosed), then what
    # the leads gave, which the public sees only by the quarter and from five on.
    assert [" ".join(dd.text.split()) for dd in find_all(html, "dd")] == [
        "4",
        "3",
        "2",
        "fewer than 5",
        "fewer than 5",
        "fewer than 5",
    ]


@pytest.mark.parametrize("path", ["/", "/identified/", "/about/"])
def test_list_pages_refuse_post(client, db, path: str) -> None:
    assert client.post(path).status_code == 405


# --- Query counts --------------------------------------------------------------------------------


def _make_objects(object_factory, object_image_factory, release, count: int) -> list[Object]:
    objects = []
    for _ in range(count):
        obj = object_factory(release=release)
        object_image_factory(obj=obj)
        objects.append(obj)
    return objects


@pytest.mark.parametrize("path", ["/", "/?q=object", "/identified/"])
def test_list_page_queries_do_not_grow_with_the_objects(
    client,
    object_factory,
    object_image_factory,
    release_factory,
    count_queries,
    django_assert_max_num_queries,
    path: str,
) -> None:
    release = release_factory()
    located = "identified" in path
    for obj in _make_objects(object_factory, object_image_factory, release, 3):
        if located:
            locate(obj)

    cache.clear()
    few = count_queries(lambda: client.get(path))
    # A handful (the public figures take 7 on an empty cache, the translations into the page's language
    # one, a search its word lookup one), whatever the objects.
    assert few <= (16 if "q=" in path else 15)

    for obj in _make_objects(object_factory, object_image_factory, release, 17):
        if located:
            locate(obj)
    cache.clear()
    with django_assert_max_num_queries(few):
        response = client.get(path)
    assert len(_cards(_html(response))) == 20
    cache.clear()
    assert count_queries(lambda: client.get(path)) == few


def test_object_page_queries_do_not_grow_with_related_objects(
    client, object_factory, object_image_factory, count_queries, django_assert_max_num_queries
) -> None:
    obj = object_factory(code="MAIN-1")
    object_image_factory(obj=obj)

    def relate(count: int) -> None:
        for _ in range(count):
            other = object_factory()
            object_image_factory(obj=other)
            obj.related.add(other)

    relate(2)
    few = count_queries(lambda: client.get("/objects/MAIN-1/"))
    relate(8)
    with django_assert_max_num_queries(few):
        response = client.get("/objects/MAIN-1/")
    assert len(_cards(_html(response))) == 10


# --- Object page -----------------------------------------------------------------------------------


def test_object_page(client, published_object: Object) -> None:
    response = client.get("/objects/B17-2026/")
    assert response.status_code == 200
    html = _html(response)
    assert "<h1>Blue canvas bag</h1>" in html
    assert "A blue canvas bag with a yellow zip." in html
    questions = find_all(html, "ul", class_="questions")[0]
    assert "Which shop sold this bag?" in questions.text
    assert "Where is the brand from?" in questions.text
    hints = find_all(html, "ul", class_="hints")[0]
    assert "Probably sold around 2015." in hints.text
    assert "Look at the zip, not the strap." in hints.text
    assert find_all(html, "p", class_="warning")  # the "don't post guesses publicly" line
    assert find_all(html, "a", href="/report-something-else/")
    form = find_all(html, "form", method="post")
    assert [f.attrs["action"] for f in form] == ["/objects/B17-2026/tip/#tip"]


def test_object_page_images_are_responsive_and_served(client, published_object: Object) -> None:
    html = _html(client.get("/objects/B17-2026/"))
    sources = find_all(html, "source", type="image/webp")
    assert sources
    webp_srcset = sources[0].attrs["srcset"] or ""
    assert "320w" in webp_srcset
    image = next(img for img in find_all(html, "img") if "/media/objects/" in str(img.attrs.get("src")))
    assert "320w" in str(image.attrs["srcset"])
    assert image.attrs["alt"] == "A blue bag on a plain background"
    assert image.attrs["width"]
    assert image.attrs["height"]
    for url in [image.attrs["src"], webp_srcset.split()[0]]:
        served = client.get(url)
        assert served.status_code == 200, url
        assert served["Cache-Control"] == "public, max-age=31536000, immutable"
        drain(served)


def test_private_uploads_are_never_served(client, published_object: Object) -> None:
    original = published_object.images.get().original_path
    assert original.startswith("uploads/")
    for url in [
        f"/media/{original}",
        f"/private/{original}",
        f"/media/objects/../../private/{original}",
        f"/media/objects/%2e%2e/%2e%2e/private/{original}",
        "/media/objects/../keys/vault-private.key",
    ]:
        response = client.get(url)
        assert response.status_code in {400, 404}, url


def test_object_page_opengraph(client, published_object: Object) -> None:
    html = _html(client.get("/objects/B17-2026/"))
    meta = {
        m.attrs.get("property"): m.attrs.get("content")
        for m in find_all(html, "meta")
        if m.attrs.get("property")
    }
    assert meta["og:title"] == "B17-2026: Blue canvas bag"
    assert meta["og:url"] == "http://testserver/objects/B17-2026/"
    assert meta["og:type"] == "website"
    assert meta["og:description"]
    assert re.fullmatch(
        r"http://testserver/media/objects/B17-2026/[0-9a-f]{16}-\d+\.jpeg", str(meta["og:image"])
    )
    assert meta["og:image:alt"] == "A blue bag on a plain background"


def test_object_page_share_links_are_plain_links(client, published_object: Object) -> None:
    html = _html(client.get("/objects/B17-2026/"))
    page_url = quote("http://testserver/objects/B17-2026/", safe="")
    share = find_all(html, "section", class_="share")[0]
    warning = find_all(html, "p", class_="warning")
    assert len(warning) == 1
    assert "guesses" in warning[0].text
    assert warning[0].text in share.text
    hrefs = [str(a.attrs["href"]) for a in find_all(html, "a")]
    for prefix in (
        "https://x.com/intent/post?url=",
        "https://www.facebook.com/sharer/sharer.php?u=",
        "https://wa.me/?text=",
        "https://t.me/share/url?url=",
        "https://www.reddit.com/submit?url=",
    ):
        matching = [href for href in hrefs if href.startswith(prefix)]
        assert matching == [
            f"{prefix}{page_url}" + ("&title=Blue%20canvas%20bag" if "reddit" in prefix else "")
        ]
    for a in find_all(html, "a"):
        if str(a.attrs.get("href", "")).startswith("https://"):
            assert a.attrs.get("rel") == "noopener noreferrer"
    assert not [e for e in parse_html(html) if e.tag in {"iframe", "object", "embed"}]
    # The only script is our own proof of work (tips.antiabuse), from our origin: no share widgets.
    scripts = [e.attrs.get("src") for e in parse_html(html) if e.tag == "script"]
    assert scripts == ["/static/public/pow.js"]


def test_object_page_shows_only_public_related_objects(client, object_factory, object_image_factory) -> None:
    shown = object_factory(code="REL-1", title="Matching curtain")
    object_image_factory(obj=shown)
    draft = object_factory(code="REL-DRAFT", status=ObjectStatus.DRAFT)
    partners = object_factory(code="REL-PARTNERS", audience=Audience.PARTNERS)
    object_factory(code="MAIN-1", related=[shown, draft, partners])
    html = _html(client.get("/objects/MAIN-1/"))
    assert find_by_id(html, "related-heading")
    assert _codes(html) == ["REL-1"]
    assert "REL-DRAFT" not in html
    assert "REL-PARTNERS" not in html
    assert find_all(html, "a", href="/objects/REL-1/")


def test_object_without_related_has_no_related_section(client, published_object: Object) -> None:
    html = _html(client.get("/objects/B17-2026/"))
    assert not find_by_id(html, "related-heading")
    assert _cards(html) == []


def test_object_page_is_private_because_of_the_csrf_token(client, published_object: Object) -> None:
    response = client.get("/objects/B17-2026/")
    assert response["Cache-Control"] == "private, no-cache"
    assert settings.CSRF_COOKIE_NAME in response.cookies


def test_object_code_in_lower_case(client, published_object: Object) -> None:
    assert client.get("/objects/b17-2026/").status_code == 200


@pytest.mark.parametrize(
    "changes",
    [
        {"status": ObjectStatus.DRAFT},
        {"status": ObjectStatus.IN_REVIEW},
        {"status": ObjectStatus.APPROVED},
        {"status": ObjectStatus.WITHDRAWN},
        {"status": ObjectStatus.ARCHIVED},
        {"audience": Audience.PARTNERS},
        {"release": None},
    ],
    ids=lambda changes: str(next(iter(changes.values()))),
)
def test_object_page_not_found_for_objects_the_public_cannot_see(client, object_factory, changes) -> None:
    object_factory(code="HIDDEN-1", title="Secret wallpaper", **changes)
    response = client.get("/objects/HIDDEN-1/")
    assert response.status_code == 404
    html = _html(response)
    assert find_all(html, "h1")
    assert "Secret wallpaper" not in html
    main = find_by_id(html, "main")
    assert main
    assert "HIDDEN-1" not in main.text


def test_object_page_not_found_before_the_release(client, object_factory, release_factory) -> None:
    object_factory(code="LATER-1", release=release_factory(publish_at=timezone.now() + timedelta(minutes=5)))
    assert client.get("/objects/LATER-1/").status_code == 404


@pytest.mark.parametrize("code", ["UNKNOWN-1", "x", "B17-2026-EXTRA"])
def test_unknown_object_code(client, published_object: Object, code: str) -> None:
    assert client.get(f"/objects/{code}/").status_code == 404


def test_object_page_refuses_post(client, published_object: Object) -> None:
    assert client.post("/objects/B17-2026/", tip_form_data()).status_code == 405


# --- Located objects -------------------------------------------------------------------------------


@pytest.fixture
def located_object(published_object: Object) -> Object:
    """Located, its lead sent, and the quiet period over: disclosed."""
    locate(published_object)
    return published_object


def _csrf_free(html: str) -> str:
    """The page without what changes on every request: the hidden inputs' values (the CSRF token, the
    proof-of-work challenge)."""
    return re.sub(r'(<input type="hidden"[^>]*?value=")[^"]*', r"\1", html)


def test_located_object_in_its_quiet_period_looks_unchanged(client, published_object: Object) -> None:
    """Before the disclosure rule lets it, nothing public says that the object was located: same
    gallery card, same page with the tip form, nothing on /identified/, and its tips are still taken."""
    before_home = _html(client.get("/"))
    before_page = _csrf_free(_html(client.get("/objects/B17-2026/")))
    locate(published_object, disclosed=False)
    cache.clear()
    assert _html(client.get("/")) == before_home
    html = _html(client.get("/objects/B17-2026/"))
    assert _csrf_free(html) == before_page
    assert not find_all(html, "p", class_="notice located")
    assert find_all(html, "form", method="post")
    assert _cards(_html(client.get("/identified/"))) == []
    response = client.post("/objects/B17-2026/tip/", tip_form_data())
    assert response.status_code == 200
    assert published_object.tips.count() == 1


def test_identified_object_page_thanks_and_takes_no_tip(client, located_object: Object) -> None:
    response = client.get("/objects/B17-2026/")
    assert response.status_code == 200
    html = _html(response)
    assert find_all(html, "p", class_="notice located")
    assert not find_all(html, "form", method="post")
    assert 'name="text"' not in html
    assert not find_all(html, "section", class_="share")


def test_identified_objects_leave_the_gallery_for_the_identified_page(client, located_object: Object) -> None:
    assert "B17-2026" not in _html(client.get("/"))
    html = _html(client.get("/identified/"))
    cards = _cards(html)
    assert [(card["code"], card["title"]) for card in cards] == [("B17-2026", "Blue canvas bag")]
    assert len(find_all(html, "span", class_="card-status")) == 1


def test_identified_and_widespread_look_the_same(
    client, object_factory, release_factory, category_factory
) -> None:
    """Telling them apart would say whether the police now hold a country lead."""
    now = timezone.now()
    same = {
        "title": "Striped towel",
        "located_at": now,
        "release": release_factory(),
        "category": category_factory(),
    }
    when = now - timedelta(days=settings.DISCLOSURE_QUIET_DAYS + 1)
    locate(object_factory(code="IDENT-1", **same), confirmed_at=when)
    locate(object_factory(code="WIDE-1", **same), kind=ObjectStatus.WIDESPREAD, confirmed_at=when)
    html = _html(client.get("/identified/"))
    blocks = re.findall(r'<li class="card located">(.*?)</li>', html, re.DOTALL)
    assert len(blocks) == 2
    assert len({block.replace("IDENT-1", "CODE").replace("WIDE-1", "CODE") for block in blocks}) == 1
    pages = {_html(client.get(f"/objects/{code}/")).replace(code, "CODE") for code in ("IDENT-1", "WIDE-1")}
    assert len(pages) == 1


def test_identified_page_names_no_country(client, located_object: Object) -> None:
    html = _html(client.get("/identified/"))
    cards_html = " ".join(element.text for element in find_all(html, "ul", class_="cards"))
    for _code, name in country_choices("en"):
        assert not re.search(rf"\b{re.escape(name)}\b", cards_html), name


def test_identified_page_empty(client, published_object: Object) -> None:
    html = _html(client.get("/identified/"))
    assert _cards(html) == []
    assert len(find_all(html, "p", class_="empty")) == 1


def test_identified_page_is_cacheable(client, located_object: Object) -> None:
    response = client.get("/identified/")
    assert _cache_control(response) == {"public", "max-age=60"}
    assert not response.cookies


# --- Internal data never shown ---------------------------------------------------------------------


def test_case_reference_never_appears_on_a_public_page(client, object_factory, object_image_factory) -> None:
    now = timezone.now()
    open_object = object_factory(code="OPEN-1", case_reference="CASE-REF-OPEN-8841")
    object_image_factory(obj=open_object)
    related = object_factory(code="REL-1", case_reference="CASE-REF-RELATED-8842")
    open_object.related.add(related)
    locate(object_factory(code="FOUND-1", located_at=now, case_reference="CASE-REF-FOUND-8843"))
    pages = [
        client.get("/"),
        client.get("/?q=open"),
        client.get("/objects/OPEN-1/"),
        client.get("/objects/REL-1/"),
        client.get("/objects/FOUND-1/"),
        client.get("/identified/"),
        client.get("/fr/objects/OPEN-1/"),
        client.post("/objects/OPEN-1/tip/", tip_form_data()),
        client.post("/objects/OPEN-1/tip/", tip_form_data(text="short")),
        client.post("/objects/FOUND-1/tip/", tip_form_data()),
    ]
    for response in pages:
        assert response.status_code in {200, 400}
        assert "CASE-REF" not in _html(response)
    # Searching for it finds nothing either.
    assert _cards(_html(client.get("/", {"q": "CASE-REF-OPEN"}))) == []


# --- Other pages -----------------------------------------------------------------------------------


def test_static_pages(client, db) -> None:
    headings = set()
    for path in ("/about/", "/privacy/", "/report-something-else/"):
        response = client.get(path)
        assert response.status_code == 200
        h1 = find_all(_html(response), "h1")
        assert len(h1) == 1
        headings.add(h1[0].text.strip())
        assert _cache_control(response) == {"public", "max-age=60"}
        assert not response.cookies
    assert len(headings) == 3


def test_report_page_gives_emergency_advice(client, db) -> None:
    html = _html(client.get("/report-something-else/"))
    urgent = find_all(html, "p", class_="notice urgent")
    assert len(urgent) == 1
    assert "112" in urgent[0].text
    links = [str(a.attrs["href"]) for a in find_all(html, "a")]
    assert any(link.startswith("https://www.inhope.org/") for link in links)


def test_healthz(client, db) -> None:
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.content == b"ok\n"
    assert "no-cache" in response["Cache-Control"]


def test_not_found_page(client, db) -> None:
    response = client.get("/no-such-page/")
    assert response.status_code == 404
    html = _html(response)
    assert '<html lang="en" dir="ltr">' in html  # the site's own page, not a bare server error
    assert find_all(html, "a", href="/")


# --- Languages -------------------------------------------------------------------------------------


@pytest.mark.parametrize("language", ["fr", "de"])
@pytest.mark.parametrize(
    "path", ["/", "/objects/B17-2026/", "/identified/", "/about/", "/privacy/", "/report-something-else/"]
)
def test_pages_in_french_and_german(client, published_object: Object, language: str, path: str) -> None:
    response = client.get(f"/{language}{path}")
    assert response.status_code == 200
    html = _html(response)
    assert f'<html lang="{language}" dir="ltr">' in html
    # Links within the site stay in the language.
    assert find_all(html, "a", class_="brand", href=f"/{language}/")


@pytest.mark.parametrize("language", ["fr", "de"])
def test_tip_in_french_and_german(client, published_object: Object, language: str) -> None:
    page = _html(client.get(f"/{language}/objects/B17-2026/"))
    assert [f.attrs["action"] for f in find_all(page, "form", method="post")] == [
        f"/{language}/objects/B17-2026/tip/#tip"
    ]
    response = client.post(f"/{language}/objects/B17-2026/tip/", tip_form_data(country="DE"))
    assert response.status_code == 200
    assert f'<html lang="{language}" dir="ltr">' in _html(response)
    assert find_by_id(_html(response), "receipt-code")


def test_unprefixed_pages_are_english_whatever_the_browser_asks(client, published_object: Object) -> None:
    """Every page but the bare root is cacheable per URL: the language comes from the path only (the
    root's redirect: tests/core/test_languages.py)."""
    for url in ("/objects/B17-2026/", "/about/", "/?q=bag"):
        response = client.get(url, HTTP_ACCEPT_LANGUAGE="fr-FR,fr;q=0.9")
        assert response.status_code == 200, url
        assert '<html lang="en" dir="ltr">' in _html(response), url
        assert "Accept-Language" not in response.get("Vary", ""), url


def test_language_links(client, published_object: Object) -> None:
    html = _html(client.get("/fr/objects/B17-2026/"))
    links = {a.attrs["hreflang"]: a.attrs["href"] for a in find_all(html, "a") if a.attrs.get("hreflang")}
    expected = {code: f"/{code}/objects/B17-2026/" for code, _name in settings.LANGUAGES if code != "en"}
    assert links == {"en": "/objects/B17-2026/", **expected}
    assert len(links) == 36
