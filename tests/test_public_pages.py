"""Public pages load nothing from another host and need no inline script or style (the CSP forbids both)."""

from __future__ import annotations

import re
from urllib.parse import urlsplit

import pytest
from django.conf import settings
from django.test import Client

from tests.utils import Element, csrf_token_from, parse_html, tip_form_data
from traceobject.gallery.models import Object, ObjectStatus

# Attributes through which an element makes the browser fetch something by itself.
_FETCHING_ATTRIBUTES = {
    "src",
    "srcset",
    "poster",
    "data",
    "background",
    "formaction",
    "action",
    "manifest",
    "ping",
}
_URL_IN_CSS = re.compile(r"""url\(\s*['"]?([^'")\s]+)|@import\s+['"]([^'"]+)""", re.IGNORECASE)


def _same_origin(url: str) -> bool:
    """Relative, or an absolute path on this host; ``//host/x`` and ``data:`` are other origins."""
    parts = urlsplit(url.strip())
    return not parts.scheme and not parts.netloc and not url.strip().startswith("//")


def _srcset_urls(value: str) -> list[str]:
    return [candidate.split()[0] for candidate in value.split(",") if candidate.strip()]


def _loaded_urls(elements: list[Element]) -> list[tuple[str, str]]:
    """(what, url) for everything the page would fetch on its own."""
    urls: list[tuple[str, str]] = []
    for element in elements:
        for name, value in element.attrs.items():
            if value is None:
                continue
            if name in {"srcset", "imagesrcset"}:
                urls.extend((f"<{element.tag} {name}>", url) for url in _srcset_urls(value))
            elif name in _FETCHING_ATTRIBUTES:
                urls.append((f"<{element.tag} {name}>", value))
        if element.tag == "link" and element.attrs.get("href"):
            urls.append(("<link href>", str(element.attrs["href"])))
        if element.tag in {"iframe", "frame", "object", "embed", "applet", "portal"}:
            urls.append(
                (f"<{element.tag}>", str(element.attrs.get("src") or element.attrs.get("data") or ""))
            )
        if element.tag == "meta" and str(element.attrs.get("http-equiv", "")).lower() == "refresh":
            target = re.search(r"url\s*=\s*(\S+)", str(element.attrs.get("content", "")), re.IGNORECASE)
            urls.append(("<meta refresh>", target.group(1) if target else ""))
        if element.tag == "style":
            urls.extend(("<style> url()", a or b) for a, b in _URL_IN_CSS.findall(element.text))
        if element.tag == "base":
            urls.append(("<base href>", str(element.attrs.get("href", ""))))
    return urls


def assert_loads_nothing_from_elsewhere(html: str, label: str) -> None:
    elements = parse_html(html)
    assert elements, label
    for what, url in _loaded_urls(elements):
        assert _same_origin(url), f"{label}: {what} loads {url!r}"
    for element in elements:
        if element.tag == "script":
            assert element.attrs.get("src"), f"{label}: inline <script>"
        assert "style" not in element.attrs, f"{label}: style= attribute on <{element.tag}>"
        assert not any(name.startswith("on") for name in element.attrs), (
            f"{label}: inline handler on <{element.tag}>"
        )
        href = str(element.attrs.get("href") or "")
        assert not href.lower().startswith(("javascript:", "data:")), f"{label}: {href!r}"
        if element.tag == "iframe":
            raise AssertionError(f"{label}: <iframe>")
    assert not [e for e in elements if e.tag == "style"], f"{label}: inline <style>"


@pytest.fixture
def site(object_factory, object_image_factory) -> dict[str, Object]:
    obj = object_factory(code="B17-2026", title="Blue canvas bag")
    object_image_factory(obj=obj)
    related = object_factory(code="B18-2026", title="Yellow curtain")
    object_image_factory(obj=related)
    obj.related.add(related)
    located = object_factory(code="F01-2026", title="Found lamp", status=ObjectStatus.IDENTIFIED)
    object_image_factory(obj=located)
    return {"open": obj, "related": related, "located": located}


GET_PAGES = [
    "/",
    "/?q=bag",
    "/objects/B17-2026/",
    "/objects/F01-2026/",
    "/identified/",
    "/results/",
    "/about/",
    "/privacy/",
    "/report-something-else/",
]


def _pages(client: Client, category: str) -> list[tuple[str, str]]:
    pages = []
    for prefix in ("", "/fr", "/de"):
        for path in [*GET_PAGES, f"/?category={category}"]:
            response = client.get(f"{prefix}{path}")
            assert response.status_code == 200, f"{prefix}{path}"
            pages.append((f"{prefix}{path}", response.content.decode()))
        for path in ("/no-such-page/", "/objects/UNKNOWN-1/"):
            response = client.get(f"{prefix}{path}")
            assert response.status_code == 404
            pages.append((f"404 {prefix}{path}", response.content.decode()))
        tip_url = f"{prefix}/objects/B17-2026/tip/"
        receipt = client.post(tip_url, tip_form_data())
        assert receipt.status_code == 200
        pages.append((f"receipt {prefix}", receipt.content.decode()))
        refused = client.post(tip_url, tip_form_data(text="short"))
        assert refused.status_code == 400
        pages.append((f"refused tip {prefix}", refused.content.decode()))
    return pages


def test_public_pages_load_nothing_from_another_host(client, site: dict[str, Object]) -> None:
    pages = _pages(client, site["open"].category.slug)
    assert len(pages) == 3 * (len(GET_PAGES) + 5)
    for label, html in pages:
        assert_loads_nothing_from_elsewhere(html, label)


@pytest.mark.usefixtures("site")
def test_pages_do_use_same_origin_resources(client) -> None:
    """Guards the checker: the object page has a stylesheet, images and a srcset, all found."""
    html = client.get("/objects/B17-2026/").content.decode()
    urls = [url for _what, url in _loaded_urls(parse_html(html))]
    assert any(url.startswith(settings.STATIC_URL) and url.endswith(".css") for url in urls)
    assert any(url.startswith("/media/objects/B17-2026/") and url.endswith(".webp") for url in urls)
    assert any(url.startswith("/media/objects/B17-2026/") and url.endswith(".jpeg") for url in urls)
    assert "/objects/B17-2026/tip/#tip" in urls


@pytest.mark.usefixtures("site")
def test_csrf_failure_page_loads_nothing_from_another_host(enforce_csrf_client) -> None:
    response = enforce_csrf_client.post("/objects/B17-2026/tip/", tip_form_data(), HTTP_ORIGIN="null")
    assert response.status_code == 403
    assert_loads_nothing_from_elsewhere(response.content.decode(), "csrf failure")


@pytest.mark.usefixtures("site")
def test_stylesheet_loads_nothing_from_another_host(client) -> None:
    html = client.get("/").content.decode()
    stylesheets = [
        e.attrs["href"] for e in parse_html(html) if e.tag == "link" and e.attrs.get("rel") == "stylesheet"
    ]
    assert stylesheets
    for href in stylesheets:
        response = client.get(str(href))
        assert response.status_code == 200
        css = b"".join(response.streaming_content).decode()
        assert css.strip()
        for a, b in _URL_IN_CSS.findall(css):
            assert _same_origin(a or b), f"{href} loads {a or b!r}"


@pytest.mark.usefixtures("site")
def test_share_links_are_the_only_links_elsewhere_and_load_nothing(client) -> None:
    html = client.get("/objects/B17-2026/").content.decode()
    elements = parse_html(html)
    foreign = [e for e in elements if e.attrs.get("href") and not _same_origin(str(e.attrs["href"]))]
    assert foreign
    for element in foreign:
        href = str(element.attrs["href"])
        assert element.tag == "a", f"{element.tag} {href}"
        if href.startswith("http"):
            assert element.attrs.get("rel") == "noopener noreferrer"


@pytest.mark.usefixtures("site")
def test_referrer_is_withheld_by_the_page_too(client) -> None:
    html = client.get("/objects/B17-2026/").content.decode()
    metas = [e for e in parse_html(html) if e.tag == "meta" and e.attrs.get("name") == "referrer"]
    assert [m.attrs.get("content") for m in metas] == ["no-referrer"]


@pytest.mark.usefixtures("site")
def test_tip_form_works_without_javascript(client) -> None:
    """A plain HTML form: method post, a same-origin action, the CSRF field, and a submit button."""
    html = client.get("/objects/B17-2026/").content.decode()
    forms = [e for e in parse_html(html) if e.tag == "form" and e.attrs.get("method") == "post"]
    assert len(forms) == 1
    assert csrf_token_from(html)
    assert '<button type="submit">' in html
    # One script, our own proof of work, which only enhances: the form has no JS-only control.
    scripts = [e for e in parse_html(html) if e.tag == "script"]
    assert [(e.attrs.get("src"), "defer" in e.attrs) for e in scripts] == [("/static/public/pow.js", True)]
    assert "onclick" not in html
    assert "onsubmit" not in html


@pytest.mark.parametrize(
    "snippet",
    [
        '<img src="https://evil.example/x.png">',
        '<img src="/a.png" srcset="/a.png 1x, https://evil.example/b.png 2x">',
        '<source srcset="//evil.example/a.webp 320w">',
        '<link rel="stylesheet" href="https://cdn.example/x.css">',
        '<link rel="icon" href="//cdn.example/favicon.ico">',
        '<script src="https://cdn.example/x.js"></script>',
        "<script>alert(1)</script>",
        '<form action="https://evil.example/collect" method="post"></form>',
        '<iframe src="/same-origin"></iframe>',
        '<object data="https://evil.example/x.swf"></object>',
        '<embed src="https://evil.example/x">',
        "<style>body { background: url(https://evil.example/x.png) }</style>",
        '<div style="color: red">x</div>',
        '<meta http-equiv="refresh" content="0; url=https://evil.example/">',
        '<img src="data:image/png;base64,AAAA">',
        '<a href="javascript:alert(1)">x</a>',
        '<button onclick="steal()">x</button>',
        '<video poster="https://evil.example/p.jpg"></video>',
    ],
)
def test_the_checker_catches_what_it_must(snippet: str) -> None:
    with pytest.raises(AssertionError):
        assert_loads_nothing_from_elsewhere(f"<html><body>{snippet}</body></html>", "snippet")


def test_the_checker_allows_plain_links_and_local_resources() -> None:
    assert_loads_nothing_from_elsewhere(
        '<html><head><link rel="stylesheet" href="/static/public/site.css"></head><body>'
        '<a href="https://x.com/intent/post?url=x" rel="noopener noreferrer">X</a>'
        '<img src="/media/objects/a-320.jpeg" srcset="/media/objects/a-320.jpeg 320w, a-640.jpeg 640w">'
        '<form action="" method="get"></form><form action="/objects/A/tip/#tip" method="post"></form>'
        "</body></html>",
        "good",
    )
