"""Machine signals from a tip: its language, the countries it mentions, its links, its shop.

Runs at intake, before the tip is sealed, so it must be fast (a few milliseconds) and must never fail
a submission: it is pure computation over the payload, and ``extract`` turns any error into empty
signals. Country mentions keep their spans in the original field text, so that an analyst can see
exactly which words produced a signal, and their kind as ``source``: a name, its case form, a
demonym, a misspelling, a region, a city, a phone number, a currency, a postcode, a retail chain, an
ISO code, a link's domain or the form's field (docs/architecture.md gives each one's confidence).

    extract(payload)   every field of a TipPayload
    extract_text(text) a bare text, as if it were payload.text
    prepare()          build the lazy parts now (at worker start), returns their build times
"""

from __future__ import annotations

import logging
import time
from collections.abc import Iterable, Sequence
from itertools import pairwise
from typing import TYPE_CHECKING

from traceobject.triage.signals import phones, typos
from traceobject.triage.signals.codes import CODE_CONFIDENCE, find_codes
from traceobject.triage.signals.countries import Mention, find_mentions
from traceobject.triage.signals.currency import find_currencies
from traceobject.triage.signals.gazetteer import KIND_CITY, KIND_NAME, KIND_REGION, country_codes
from traceobject.triage.signals.gazetteer import gazetteer as load_gazetteer
from traceobject.triage.signals.language import Guess, detect, detector, own_words_guess, place_spans
from traceobject.triage.signals.links import (
    DOMAIN_CONFIDENCE,
    Url,
    find_urls,
    host_country,
    link_kind,
    link_urls,
)
from traceobject.triage.signals.normalise import fold
from traceobject.triage.signals.postcodes import find_postcodes
from traceobject.triage.signals.shops import display_shop, normalise_shop
from traceobject.triage.signals.types import CountrySignal, LinkSignal, Signals

if TYPE_CHECKING:
    from traceobject.tips.payload import TipPayload

__all__ = ["CountrySignal", "LinkSignal", "Signals", "extract", "extract_text", "prepare"]

logger = logging.getLogger(__name__)

FIELD_CONFIDENCE = 1.0
_FIELD_ORDER = {"text": 0, "country": 1, "place": 2, "shop_brand": 3, "links": 4}


def prepare() -> dict[str, float]:
    """Build the language detector and the gazetteer now rather than on the first tip."""
    started = time.perf_counter()
    detector()
    language_seconds = time.perf_counter() - started
    index = load_gazetteer()
    started = time.perf_counter()
    phones.prepare()
    typos.prepare()
    tables_seconds = time.perf_counter() - started
    return {
        "language_seconds": language_seconds,
        "gazetteer_seconds": index.build_seconds,
        "tables_seconds": tables_seconds,
    }


def _scan_field(value: str, field: str, guess: Guess) -> tuple[list[Mention], list[CountrySignal], list[Url]]:
    """Every country signal of one free-text field: the gazetteer's (names, case forms, demonyms,
    regions, cities, chains), then codes, phone numbers, postcodes, prices and misspellings on the
    words still free, and the link domains."""
    if not value or not value.strip():
        return [], [], []
    urls = find_urls(value)
    masked = [(url.start, url.end) for url in urls]
    blocked: list[tuple[int, int]] = []
    mentions = find_mentions(
        fold(value),
        field=field,
        language=guess.language,
        plausible=guess.plausible,
        masked=masked,
        blocked=blocked,
    )
    taken = masked + blocked + [(mention.start, mention.end) for mention in mentions]
    signals = [
        CountrySignal(code=code, source="code", confidence=CODE_CONFIDENCE, field=field, start=start, end=end)
        for start, end, code in find_codes(value, taken)
    ]
    taken += [(signal.start or 0, signal.end or 0) for signal in signals]
    # Numbers first (a phone number holds digit groups that look like postcodes and amounts), then
    # postcodes, prices, and last the misspelt names, on the words no other signal took.
    for source, finder in (
        ("phone", phones.find_phones),
        ("postcode", find_postcodes),
        ("currency", find_currencies),
    ):
        for hit in finder(value, taken, guess.language):
            candidates = getattr(hit, "candidates", ())
            if source == "currency":
                code = hit.code or _named_country(candidates, mentions)
            else:
                code = hit.code or _town_country(candidates, hit.end, mentions)
            if code:
                signals.append(_span_signal(code, source, hit.confidence, field, hit.start, hit.end))
                taken.append((hit.start, hit.end))
    for typo in typos.find_typos(value, taken, guess.language):
        signals.append(_span_signal(typo.code, "typo", typo.confidence, field, typo.start, typo.end))
    signals += _domain_signals(urls, field)
    return mentions, signals, urls


def _named_country(candidates: Sequence[str], mentions: list[Mention]) -> str:
    """The one country of ``candidates`` (a shared currency's: "lei" is Romania's and Moldova's) that
    the tip names as a place of one country ("35 lei, kupione w Mołdawii"), or ""."""
    named = {m.entry.codes[0][0] for m in mentions if len(m.entry.codes) == 1} & set(candidates)
    return named.pop() if len(named) == 1 else ""


def _town_country(candidates: Sequence[str], end: int, mentions: list[Mention]) -> str:
    """The one country of ``candidates`` that the place written right after a postcode lies in
    ("CP 08001 Barcelona": Spain, not Mexico or France; Barcelona is Venezuelan too), or ""."""
    town = next((m for m in mentions if end < m.start <= end + 3), None)
    if town is None or town.entry.kind not in (KIND_CITY, KIND_REGION):
        return ""
    shared = [code for code, _share in town.entry.codes if code in candidates]
    return shared[0] if len(shared) == 1 else ""


def _span_signal(
    code: str, source: str, confidence: float, field: str, start: int, end: int
) -> CountrySignal:
    return CountrySignal(code=code, source=source, confidence=confidence, field=field, start=start, end=end)


def _domain_signals(urls: Iterable[Url], field: str) -> list[CountrySignal]:
    signals = []
    for url in urls:
        code = host_country(url.host)
        if code:
            signals.append(
                CountrySignal(
                    code=code,
                    source="domain",
                    confidence=DOMAIN_CONFIDENCE,
                    field=field,
                    start=url.host_start,
                    end=url.host_end,
                )
            )
    return signals


def _link_signals(urls: Iterable[Url], field: str) -> list[LinkSignal]:
    return [
        LinkSignal(domain=url.host, kind=link_kind(url.host), field=field, start=url.start, end=url.end)
        for url in urls
    ]


# A city name that several countries' cities share counts for the likeliest only when it has this
# share of the evidence (population): "Hamilton" (Canada, New Zealand, Bermuda, Scotland) or
# "Córdoba" (Argentina, Spain, Mexico) alone name no country, "Manchester" (78 % England) does.
CITY_DOMINANCE = 0.75
SHARED_CITY_CONFIDENCE = 0.45  # below the pages' and the benchmark's 0.5: shown, weak


def _pairs(mentions: list[Mention], values: dict[str, str]) -> tuple[dict[int, str], set[int]]:
    """Places written as an address, "City, Region": "Athens, Georgia", "Ontario, California", "Paris,
    Texas". When the two share a country, both take it; when the second is a region of one country and
    the first a city that is not there, the city is a namesake in that region and is dropped."""
    forced: dict[int, str] = {}
    dropped: set[int] = set()
    for left, right in pairwise(mentions):
        if left.field != right.field or left.entry.kind not in (KIND_CITY, KIND_REGION):
            continue
        between = values.get(left.field, "")[left.end : right.start]
        if (
            between.strip() not in {",", ""}
            or len(between) > 3
            or right.entry.kind not in (KIND_REGION, KIND_NAME)
        ):
            continue
        left_codes = [code for code, _share in left.entry.codes]
        right_codes = [code for code, _share in right.entry.codes]
        shared = [code for code in left_codes if code in right_codes]
        if shared and (len(left_codes) > 1 or len(right_codes) > 1):
            forced[id(left)] = forced[id(right)] = shared[0]
        elif not shared and right.entry.kind == KIND_REGION and len(right_codes) == 1 and between.strip():
            dropped.add(id(left))
    return forced, dropped


def _shared(mentions: list[Mention], firm: set[str]) -> dict[int, str]:
    """Names of several countries that only one country shares between them: "Georgia" (the country,
    or the US state) and "Savannah" (a Ghanaian region, or the city in Georgia) together mean the
    United States. Each such mention goes to that country, when no firmer signal of the tip decides."""
    ambiguous = [mention for mention in mentions if len(mention.entry.codes) > 1]
    chosen: dict[int, str] = {}
    for mention in ambiguous:
        own = {code for code, _share in mention.entry.codes}
        if own & firm:
            continue
        others = set().union(
            *({code for code, _share in other.entry.codes} for other in ambiguous if other is not mention)
        )
        common = own & others
        if len(common) == 1:
            chosen[id(mention)] = common.pop()
    return chosen


NEAR_REGION = 40  # characters between a city and a region of another country in its sentence


def _foreign_region_near(city: Mention, mentions: list[Mention], values: dict[str, str]) -> bool:
    """A region of one other country follows the city in its sentence ("из Санкт-Петербурга, который во
    Флориде"): the city is likelier a namesake there, which GeoNames' big cities may not list."""
    own = {code for code, _share in city.entry.codes}
    text = values.get(city.field, "")
    for other in mentions:
        if other.field != city.field or other.entry.kind != KIND_REGION or len(other.entry.codes) != 1:
            continue
        if other.entry.codes[0][0] in own or not 0 <= other.start - city.end <= NEAR_REGION:
            continue
        if not any(char in ".!?\n" for char in text[city.end : other.start]):
            return True
    return False


def _settle(mentions: list[Mention], firm: set[str], values: dict[str, str]) -> list[CountrySignal]:
    """Turn mentions into signals. A name shared by several countries ("Valencia", "Córdoba") goes to
    the one the tip names elsewhere, or the one its address pairs it with ("Athens, Georgia"); failing
    that, to the likeliest, at a confidence cut by its share (below 0.5 for a city that no country
    dominates)."""
    forced, dropped = _pairs(mentions, values)
    shared = _shared(mentions, firm)
    signals = []
    for mention in mentions:
        if id(mention) in dropped:
            continue
        codes = mention.entry.codes
        chosen = forced.get(id(mention))
        if chosen is None and len(codes) > 1:
            chosen = next((code for code, _share in codes if code in firm), None) or shared.get(id(mention))
        if chosen is not None:
            code, confidence = chosen, mention.confidence
        else:
            code, share = codes[0]
            confidence = mention.confidence * share
            weak = share < CITY_DOMINANCE or mention.entry.contested
            if mention.entry.kind == KIND_CITY and (weak or _foreign_region_near(mention, mentions, values)):
                confidence = min(confidence, SHARED_CITY_CONFIDENCE)
        # "Ontario, California": the province's name, read as the Californian city the tip places.
        source = "city" if code in mention.entry.city_codes else mention.source
        signals.append(
            CountrySignal(
                code=code,
                source=source,
                confidence=round(confidence, 3),
                field=mention.field,
                start=mention.start,
                end=mention.end,
            )
        )
    return signals


def _field_signal(country: str) -> list[CountrySignal]:
    code = (country or "").strip().upper()
    if code == "UK":
        code = "GB"
    if code not in country_codes():
        return []
    return [CountrySignal(code=code, source="field", confidence=FIELD_CONFIDENCE, field="country")]


def _own_words_language(text: str) -> Guess:
    """The tip's language, weighing its own words above the places it names: the text is detected
    again with the place names blanked (the cities and countries the gazetteer finds, street and
    compound names by their form). The first guess only picks the case endings of that scan."""
    guess = detect(text)
    if not text:
        return guess
    masked = [(url.start, url.end) for url in find_urls(text)]
    mentions = find_mentions(
        fold(text), field="text", language=guess.language, plausible=guess.plausible, masked=masked
    )
    # Cities only: a country's name or a demonym is written in the tip's own language ("Polski",
    # "marca francesa") and tells it, where "Lyon" in an English tip does not.
    spans = [(m.start, m.end) for m in mentions if m.source == "city"] + place_spans(text)
    return own_words_guess(text, spans, guess)


def _extract(
    *, text: str, country: str = "", place: str = "", shop_brand: str = "", links: list[str] | None = None
) -> Signals:
    guess = _own_words_language(text)
    mentions: list[Mention] = []
    signals: list[CountrySignal] = []
    link_signals: list[LinkSignal] = []
    for field, value in (("text", text), ("place", place), ("shop_brand", shop_brand)):
        field_mentions, field_signals, urls = _scan_field(value, field, guess)
        mentions += field_mentions
        signals += field_signals
        link_signals += _link_signals(urls, field)
    field_links = link_urls(links or [])
    signals += _domain_signals(field_links, "links")
    link_signals += _link_signals(field_links, "links")
    signals += _field_signal(country)
    firm = {signal.code for signal in signals}
    firm |= {mention.entry.codes[0][0] for mention in mentions if len(mention.entry.codes) == 1}
    signals += _settle(mentions, firm, {"text": text, "place": place, "shop_brand": shop_brand})
    signals.sort(key=lambda signal: (_FIELD_ORDER.get(signal.field, 9), signal.start or 0))
    shop = normalise_shop(shop_brand)
    return Signals(
        language=guess.language,
        countries=signals,
        links=link_signals,
        shop=shop,
        shop_text=display_shop(shop_brand) if shop else "",
    )


def extract(payload: TipPayload) -> Signals:
    """All signals of a tip. Never raises: a tip without signals is still a tip, a lost tip is not."""
    try:
        return _extract(
            text=payload.text,
            country=payload.country,
            place=payload.place,
            shop_brand=payload.shop_brand,
            links=list(payload.links),
        )
    except Exception as error:  # see the docstring
        # The type only: an exception's message may quote the tip, and no tip text goes to the logs.
        logger.error("signal extraction failed: %s", type(error).__name__)
        return Signals()


def extract_text(text: str) -> Signals:
    """Signals of a bare text, as if it were the text of a tip with no other field."""
    return _extract(text=text)
