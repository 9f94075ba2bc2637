# ruff: noqa: RUF001 - non-ASCII letters and punctuation are the point of these strings
"""Links: the sites a tip points to, and the country of their domain.

A country-code domain (allegro.pl, amazon.co.uk) is a good hint of where a product was offered; the
ccTLDs that are sold as generic names (.io, .co, .tv, .me ...) are not. Links come from the links field
and from URLs and bare host names written in the text.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache
from urllib.parse import urlsplit

from traceobject.triage.signals import data
from traceobject.triage.signals.gazetteer import country_codes

DOMAIN_CONFIDENCE = 0.7
_URL = re.compile(r"(?i)\b(?:https?://|www\.)[^\s<>\"'`\[\]{}|\\^]+")
_BARE = re.compile(
    r"(?i)(?<![\w@./\-])((?:[a-z0-9](?:[a-z0-9\-]{0,61}[a-z0-9])?\.)+([a-z]{2,18}))(?![\w@\-]|\.[a-z0-9])"
    r"(?:/[^\s<>\"'`\[\]{}|\\^]*)?"
)
_TRAILING = ".,;:!?)»”’'\""


@dataclass(frozen=True, slots=True)
class Url:
    start: int
    end: int
    host: str  # lower case, without "www."
    host_start: int
    host_end: int


@cache
def _tables() -> tuple[frozenset[str], frozenset[str], frozenset[str], frozenset[str], frozenset[str]]:
    table = data.load("links.json")
    return (
        frozenset(table["generic_cctlds"]),
        frozenset(table["generic_tlds"]),
        frozenset(table["second_level"]),
        frozenset(table["marketplace"]),
        frozenset(table["store"]),
    )


@cache
def _country_tlds() -> frozenset[str]:
    return frozenset(code.lower() for code in country_codes()) | {"uk"}


def _host(url: str) -> str:
    candidate = url if "://" in url else "http://" + url
    try:
        host = urlsplit(candidate).hostname or ""
    except ValueError:
        return ""
    host = host.strip(".").lower()
    return host.removeprefix("www.")


def _url(text: str, start: int, end: int) -> Url | None:
    while end > start and text[end - 1] in _TRAILING:
        end -= 1
    raw = text[start:end]
    host = _host(raw)
    if not host or "." not in host:
        return None
    offset = raw.lower().find(host)
    host_start = start + max(offset, 0)
    return Url(start, end, host, host_start, host_start + len(host) if offset >= 0 else end)


def find_urls(text: str) -> list[Url]:
    """URLs (with a scheme or www.) and bare host names with a known top-level domain."""
    urls: list[Url] = []
    taken: list[tuple[int, int]] = []
    for match in _URL.finditer(text):
        url = _url(text, *match.span())
        if url is not None:
            urls.append(url)
            taken.append((url.start, url.end))
    generic_cctlds, generic_tlds, _, _, _ = _tables()
    known = generic_tlds | generic_cctlds | _country_tlds()
    for match in _BARE.finditer(text):
        start, end = match.span()
        if match.group(2).lower() not in known or any(s < end and start < e for s, e in taken):
            continue
        url = _url(text, start, end)
        if url is not None:
            urls.append(url)
    urls.sort(key=lambda url: url.start)
    return urls


def link_urls(links: list[str]) -> list[Url]:
    """One Url per entry of the links field; offsets index ``"\\n".join(links)``."""
    urls: list[Url] = []
    offset = 0
    for link in links:
        stripped = link.strip()
        lead = len(link) - len(link.lstrip())
        if stripped:
            url = _url(link, lead, lead + len(stripped))
            if url is not None:
                urls.append(
                    Url(
                        url.start + offset,
                        url.end + offset,
                        url.host,
                        url.host_start + offset,
                        url.host_end + offset,
                    )
                )
        offset += len(link) + 1
    return urls


def _labels(host: str) -> list[str]:
    return [label for label in host.split(".") if label]


def host_country(host: str) -> str:
    """ISO alpha-2 of a country-code domain, "" for generic domains."""
    labels = _labels(host)
    if len(labels) < 2:
        return ""
    tld = labels[-1]
    generic_cctlds, _, _, _, _ = _tables()
    if tld in generic_cctlds or tld not in _country_tlds():
        return ""
    return "GB" if tld == "uk" else tld.upper()


def _brand(host: str) -> str:
    """The registrable label: "amazon" for smile.amazon.co.uk."""
    labels = _labels(host)
    _, _, second_level, _, _ = _tables()
    if len(labels) >= 3 and len(labels[-1]) == 2 and labels[-2] in second_level:
        labels = labels[:-1]
    return labels[-2] if len(labels) >= 2 else labels[0] if labels else ""


def link_kind(host: str) -> str:
    """marketplace | store | other."""
    _, _, _, marketplaces, stores = _tables()
    brand = _brand(host)
    for kind, names in (("marketplace", marketplaces), ("store", stores)):
        if brand in names or any(host == name or host.endswith("." + name) for name in names if "." in name):
            return kind
    return "other"
