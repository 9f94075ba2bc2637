# ruff: noqa: RUF001 - non-ASCII letters and punctuation are the point of these strings
"""Words that name a language rather than a country: "written in Polish", "auf Ungarisch", "French and
German on the washing instructions", "ελληνικά και αγγλικά", "अंग्रेज़ी और हिंदी में लिखा है".

A language is spoken in many countries, so its name is no evidence of one; but most languages name a
language with the word for its people or their adjective ("French", "polski", "Αγγλικά"), which the
gazetteer reads as a demonym or a country's name. The names themselves come from CLDR (Babel's
``Locale.languages`` in each public language), with their case forms built from the case endings of
``inflection.json`` ("angielskim", "njemačkom", "češtině", "nemščini"); the words around them, per
language, from ``data/language_words.json``. A demonym or name is a language when:

- its form can only be a language: Czech and Slovak adverbs ("po anglicky"), Latvian "-iski" and
  Lithuanian "-iškai" ("krieviski", "lietuviškai"), the Ukrainian instrumental ("румунською"), a Slavic
  locative after "na" ("na njemačkom"), a German language noun (capitalised mid-sentence: "in Englisch");
- a word right before or after it says so ("auf", "po", "het", "texte", "text", "язык");
- it is one of a list of languages ("X and Y", "X, Y") in a sentence about writing (a cue: "text",
  "instructions", "bilingual"; for lists also "label", "box", "says"), or the list ends its clause and
  holds a language's own name ("Polish and English." where "or" lists stay countries: "Polish or Czech");
- it ends its clause as the language's own name in a sentence about writing ("The text is Turkish.").

A real demonym keeps its country: "a Polish brand", "polnische Marke", "Polish and German brands".
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache

from traceobject.triage.signals import data
from traceobject.triage.signals.normalise import Folded, fold_key, is_unspaced

SENTENCE_ENDS = frozenset(".!?…。！？")
CLAUSE_ENDS = frozenset(".,;:!?)…。！？、，")
_STRIP = ".,;:!?()\"'«»“”„[]…。！？、，"
MAX_LIST = 4  # languages stepped over on each side of a list

# Adverbs and case forms that can only name a language: Czech and Slovak "-sky"/"-cky" without the
# adjective's acute ("po anglicky", "maďarsky"), Latvian "-iski" ("krieviski"), Lithuanian "-iškai"
# ("angliškai"), Ukrainian instrumental "-ською" ("румунською").
_LANGUAGE_FORM = re.compile(r"(?:(?<=sk)|(?<=ck))y$|(?:ськ|цьк)ою$|iski$|iškai$|iskai$")
# After "на"/"na", a Slavic adjective in the locative or a Bulgarian plain form is a language:
# "на английском", "na njemačkom", "на турски".
_ON_LANGUAGE = re.compile(r"(?:ском|цком|skom|čkom|ckom|ски|цки)$")


@dataclass(frozen=True, slots=True)
class Words:
    """Folded words, some of them stems ("tekst*" matches "tekstem")."""

    exact: frozenset[str]
    prefixes: tuple[str, ...]
    unspaced: tuple[str, ...]  # words of scripts without spaces, found anywhere in a text

    @classmethod
    def of(cls, words: list[str]) -> Words:
        exact, prefixes, unspaced = set(), set(), set()
        for word in words:
            folded = fold_key(word.rstrip("*"))
            if not folded:
                continue
            if is_unspaced(folded[0]):
                unspaced.add(folded)
            elif word.endswith("*"):
                prefixes.add(folded)
            else:
                exact.add(folded)
        return cls(frozenset(exact), tuple(sorted(prefixes)), tuple(sorted(unspaced)))

    def __contains__(self, word: object) -> bool:
        if not isinstance(word, str) or not word:
            return False
        return word in self.exact or word.startswith(self.prefixes)

    def in_text(self, words: list[str], text: str) -> bool:
        """Whether any of these words is among ``words`` (or, for an unspaced script, in ``text``)."""
        return any(word in self for word in words) or any(cue in text for cue in self.unspaced)


_EMPTY = Words(frozenset(), (), ())


@dataclass(frozen=True, slots=True)
class Rules:
    before: Words
    before_at_end: Words
    after: Words
    cues: Words
    weak_cues: Words


@cache
def _table() -> tuple[dict[str, Rules], frozenset[str], frozenset[str]]:
    table = data.load("language_words.json")
    rules = {
        language: Rules(*(Words.of(values.get(name, [])) for name in Rules.__slots__))
        for language, values in table["languages"].items()
    }
    conjunctions = table["conjunctions"]
    and_words = frozenset(fold_key(word) for word in conjunctions["and"])
    or_words = frozenset(fold_key(word) for word in conjunctions["or"]) - and_words
    return rules, and_words, or_words


def rules(language: str) -> Rules | None:
    return _table()[0].get(language)


def conjunction(word: str) -> str:
    """ "and" or "or" when ``word`` joins two list members, else ""."""
    _rules, and_words, or_words = _table()
    if word in and_words:
        return "and"
    if word in or_words:
        return "or"
    return ""


@cache
def _public_languages() -> tuple[str, ...]:
    from django.conf import settings

    return tuple(code for code, _name in settings.LANGUAGES)


@cache
def _language_names_by_language() -> dict[str, frozenset[str]]:
    from babel import Locale

    extra = data.load("language_words.json")["languages"]
    names: dict[str, frozenset[str]] = {}
    for code in _public_languages():
        locale = Locale.parse(code.replace("-", "_").replace("zh_hans", "zh_Hans"))
        language = code.split("-")[0]
        folded = {fold_key(str(name)) for name in locale.languages.values()}
        folded |= {fold_key(name) for name in extra.get(language, {}).get("names", ())}
        names[language] = frozenset(name for name in folded if len(name) >= 3)
    return names


@cache
def language_names(language: str = "") -> frozenset[str]:
    """The languages' names in ``language`` (in every public language when ""), folded ("anglais",
    "finska", "турски"): a country's name spelt like one in the tip's language ("Frans" in Dutch, not
    "Francia" in Italian, which is Hungarian for French) is judged by the language rules too."""
    by_language = _language_names_by_language()
    if language:
        return by_language.get(language, frozenset())
    return frozenset().union(*by_language.values())


@cache
def _country_names(language: str) -> frozenset[str]:
    """The countries' names in ``language`` (CLDR), folded: "Belanda" is the Netherlands in
    Indonesian and the Dutch language too, and stays a country by itself."""
    from babel import Locale

    try:
        locale = Locale.parse(language)
    except (ValueError, LookupError):
        return frozenset()
    return frozenset(fold_key(str(name)) for name in locale.territories.values())


@cache
def _endings(language: str) -> tuple[frozenset[str], tuple[str, ...]]:
    """The case endings of ``language`` and the letters its stems drop (``inflection.json``)."""
    for group in data.load("inflection.json")["groups"]:
        if language in group["languages"]:
            endings = frozenset(fold_key(ending) for ending in group["endings"])
            drops = tuple(sorted({fold_key(drop) for drop in group["drop"]}, key=len, reverse=True))
            return endings, drops
    return frozenset(), ()


@cache
def _name_stems(language: str) -> frozenset[str]:
    """The stems that a language's name keeps before a case ending: "angielsk" (angielski),
    "češtin" (čeština), "englesk" (engleski)."""
    _endings_of, drops = _endings(language)
    stems = set()
    for name in language_names(language):
        stems.add(name)
        for drop in drops:
            if name.endswith(drop) and len(name) - len(drop) >= 4:
                stems.add(name[: -len(drop)])
    return frozenset(stems)


def is_language_name(word: str, language: str) -> bool:
    """``word`` (folded) is the name of a language in ``language`` as CLDR spells it."""
    return word in language_names(language)


def is_language_form(word: str, language: str) -> bool:
    """``word`` (folded) is a language's name in ``language``, or that name with one of the language's
    case endings ("angielskim", "njemačkom", "češtině")."""
    if word in language_names(language):
        return True
    endings, _drops = _endings(language)
    if not endings:
        return False
    stems = _name_stems(language)
    return any(word[-cut:] in endings and word[:-cut] in stems for cut in range(1, min(5, len(word) - 3)))


def languageish(word: str) -> bool:
    """A word that can be a language's name: one of CLDR's in a public language, possibly with a case
    ending, or a demonym or country name of the gazetteer ("англійською", "talijanskom")."""
    from traceobject.triage.signals.gazetteer import KIND_DEMONYM, KIND_NAME, decode, gazetteer

    word = word.strip(_STRIP)
    if len(word) < 2:
        return False
    if word in language_names():
        return True
    index = gazetteer()
    for cut in range(min(5, len(word) - 3)):
        value = index.automaton.get(word[: len(word) - cut] if cut else word, None)
        if value is not None:
            entry_index, _length, _stem = decode(value)
            if index.entries[entry_index].kind in (KIND_DEMONYM, KIND_NAME):
                return True
    return False


@cache
def official_languages(region: str, de_facto: bool = False) -> frozenset[str]:
    """The languages CLDR lists as official in a country (de for AT, fr and ar for MA ...); with
    ``de_facto``, also those official in fact (English in the United States, Russian in Ukraine)."""
    from babel.languages import get_official_languages

    return frozenset(code.split("_")[0] for code in get_official_languages(region, de_facto=de_facto))


def spoken_in(language: str, codes: tuple[tuple[str, float], ...]) -> bool:
    """``language`` is official (in law or in fact) in one of the countries of ``codes``."""
    return any(language in official_languages(code, de_facto=True) for code, _share in codes)


def not_a_place(word: str, language: str, codes: tuple[tuple[str, float], ...]) -> bool:
    """A word that the gazetteer reads as a region or a city of countries that do not speak the tip's
    language, but that is a language's name in it (and not a country's): Irish "Gearmáinis" (German)
    is no Romanian county. Indonesian "Bali" (Balinese) stays the Indonesian province."""
    return (
        bool(language)
        and is_language_name(word, language)
        and word not in _country_names(language)
        and not spoken_in(language, codes)
    )


@dataclass(frozen=True, slots=True)
class _List:
    """The words around a demonym, once the other languages of its list are stepped over."""

    before: str  # the word before the list ("" at the start)
    after: str  # the word after it
    at_end: bool  # the list closes its clause
    members: tuple[str, ...]  # the other languages of the list
    joined: frozenset[str]  # how: "and", "or", ","


def _list_around(text: str, start: int, end: int) -> _List:
    before_words = text[:start].split()
    after_words = text[end:].split()
    members: list[str] = []
    joined: set[str] = set()
    for _ in range(MAX_LIST):
        if len(before_words) >= 2 and conjunction(before_words[-1]) and languageish(before_words[-2]):
            joined.add(conjunction(before_words[-1]))
            members.append(before_words[-2])
            before_words = before_words[:-2]
        elif before_words and before_words[-1].endswith(",") and languageish(before_words[-1]):
            joined.add(",")
            members.append(before_words[-1])
            before_words = before_words[:-1]
        else:
            break
    ended = False  # the list of languages closed a clause: "på tysk og polsk, og prisen"
    for _ in range(MAX_LIST):
        first = after_words[0] if after_words else ""
        if first == "," and len(after_words) >= 2 and languageish(after_words[1]):
            joined.add(",")
            members.append(after_words[1])
            ended = after_words[1][-1:] in CLAUSE_ENDS
            after_words = after_words[2:]
        elif len(after_words) >= 2 and conjunction(first) and languageish(after_words[1]):
            joined.add(conjunction(first))
            members.append(after_words[1])
            ended = after_words[1][-1:] in CLAUSE_ENDS
            after_words = after_words[2:]
        elif len(after_words) >= 3 and conjunction(first) and languageish(after_words[2]):
            joined.add(conjunction(first))
            members.append(after_words[2])
            ended = after_words[2][-1:] in CLAUSE_ENDS
            after_words = after_words[3:]  # "en anglais et en arabe", "na turski i na angliyski"
        else:
            break
    before = before_words[-1].strip(_STRIP) if before_words else ""
    after_text = " ".join(after_words)
    after = after_words[0].strip(_STRIP) if after_words else ""
    at_end = (
        ended or not after_text or after_text[0] in CLAUSE_ENDS or bool(conjunction(after)) or after == "but"
    )
    return _List(before, after, at_end, tuple(member.strip(_STRIP) for member in members), frozenset(joined))


def _sentence_words(text: str, start: int, end: int, ends: frozenset[str]) -> tuple[list[str], str]:
    """The words of the sentence (or clause, by ``ends``) around ``start:end`` (without the span
    itself), and its text."""
    left = start
    while left > 0 and text[left - 1] not in ends:
        left -= 1
    right = end
    while right < len(text) and text[right] not in ends:
        right += 1
    sentence = text[left:start] + " " + text[end:right]
    return [word.strip(_STRIP) for word in sentence.split()], sentence


def _attached_word(text: str, start: int, end: int) -> tuple[str, str]:
    before = text[:start].split()
    after = text[end:].split()
    return (before[-1].strip(_STRIP) if before else ""), (after[0].strip(_STRIP) if after else "")


_ON_SURFACE = frozenset(
    {
        "on", "onto", "auf", "sur", "su", "sul", "sulla", "sullo", "op", "pa", "na", "на", "pe", "em", "no",
        "sobre", "στο", "στην", "στη", "στα", "uzerinde", "ustunde", "po", "ant", "uz", "paa",
    }
)  # fmt: skip


def in_language_context(folded: Folded, start: int, end: int, languages: frozenset[str], word: str) -> bool:
    """True when the demonym (or country name) at ``start:end`` of the folded text names a language."""
    text = folded.text
    around = _list_around(text, start, end)
    in_list = bool(around.members)
    sentence_words: list[str] | None = None
    sentence = ""
    original_start = folded.starts[start]
    # A list of two or more joined by "and" standing as a noun before "on" ("Greek and English on the
    # lid", "Deutsch und Englisch auf dem Etikett"): the words written there, not an origin, which
    # would stand before a noun ("Polish and German brands").
    if in_list and "or" not in around.joined and around.after in _ON_SURFACE:
        return True
    for language in languages:
        language_rules = rules(language)
        if language_rules is None:
            continue
        if around.before in language_rules.before or around.after in language_rules.after:
            return True
        if around.at_end and around.before in language_rules.before_at_end:
            return True
        if language == "de" and _german_language_noun(folded, original_start, word):
            return True
        if in_list:
            if sentence_words is None:
                sentence_words, sentence = _sentence_words(text, start, end, SENTENCE_ENDS)
            if language_rules.cues.in_text(sentence_words, sentence) or language_rules.weak_cues.in_text(
                sentence_words, sentence
            ):
                return True
            own = [member for member in (word, *around.members) if is_language_name(member, language)]
            if around.at_end and "or" not in around.joined and own:
                return True
        elif around.at_end and is_language_name(word, language):
            # A lone name, in its clause: "The text is Turkish." (not "It may be Polish, the text ...")
            clause_words, clause = _sentence_words(text, start, end, CLAUSE_ENDS)
            if language_rules.cues.in_text(clause_words, clause):
                return True
    return False


def _german_language_noun(folded: Folded, original_start: int, word: str) -> bool:
    """German writes nouns with a capital and adjectives without: "auf Deutsch", "Englisch und
    Italienisch" (the languages) against "englische Marke". A language's bare name, capitalised
    mid-sentence, is the noun."""
    from traceobject.triage.signals.countries import _sentence_start

    original = folded.original
    return (
        is_language_name(word, "de")
        and original[original_start].isupper()
        and not _sentence_start(original, original_start)
    )


def names_language(is_name: bool, folded: Folded, start: int, end: int, plausible: frozenset[str]) -> bool:
    """True when the words at ``start:end`` name a language rather than a country or its people.

    ``is_name``: the gazetteer read a country's name ("Frans" in Dutch, "francuskim" in Polish, which
    are Croatian and Afrikaans names of France), which counts as a language only when it is one in the
    tip's language, possibly declined."""
    word = folded.text[start:end]
    original = folded.original[folded.starts[start] : folded.ends[end - 1]]
    if _LANGUAGE_FORM.search(original):
        return True
    before, _after = _attached_word(folded.text, start, end)
    if before in {"na", "на"} and _ON_LANGUAGE.search(word):
        return True
    if is_name and not any(is_language_form(word, language) for language in plausible):
        return False
    return in_language_context(folded, start, end, plausible, word)
