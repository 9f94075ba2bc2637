"""The language of a tip, as an ISO 639-1 code.

lingua in high-accuracy mode needs ~1 GB and ten seconds to load all its models; low-accuracy mode
(trigrams only) needs ~2 MB per language and answers in well under a millisecond. We use low accuracy
with a restricted but large set of languages (those of the countries that publish objects and of their
neighbours and diasporas), and settle close calls on short tips with a count of common function words
(data/function_words.json). The detector is built once per process, on first use, under a lock; lingua's
detector itself is safe to share between threads.
"""

from __future__ import annotations

import re
import threading
from dataclasses import dataclass
from functools import cache
from typing import Any

from traceobject.triage.signals import data
from traceobject.triage.signals.normalise import is_unspaced

LANGUAGES = [
    "EN", "DE", "FR", "ES", "PT", "IT", "NL", "PL", "CS", "SK", "SL", "HR", "SR", "HU", "RO", "BG",
    "EL", "RU", "UK", "SV", "DA", "NB", "FI", "ET", "LV", "LT", "SQ", "CA", "TR", "KA", "HY", "AR",
    "FA", "HE", "HI", "UR", "BN", "TH", "VI", "ID", "ZH", "JA", "KO", "GA",
]  # fmt: skip
MIN_LETTERS = 8  # fewer letters than this: no opinion
MIN_LETTERS_UNSPACED = 3
MIN_CONFIDENCE = 0.25  # below this (after the function-word vote): unsure
# lingua's cost grows with the text; its accuracy does not grow past ~150 characters (docs/benchmarks.md)
MAX_CHARS = 200
PLAUSIBLE_SHARE = 0.5  # runners-up within this share of the best score stay plausible
FUNCTION_WORD_WEIGHT = 0.2
FUNCTION_WORD_CAP = 4  # a tie-breaker: on long texts lingua is sure and both sides reach the cap
_NOISE = re.compile(r"(?i)\b(?:https?://|www\.)\S+|\S+@\S+|\S+\.(?:com|net|org|[a-z]{2})\b/?\S*|\d+")
_WORD = re.compile(r"\w+(?:'\w+)?")

_lock = threading.Lock()
_detector: Any = None


def detector() -> Any:
    """The process-wide lingua detector (built on first use)."""
    global _detector
    if _detector is None:
        with _lock:
            if _detector is None:
                from lingua import IsoCode639_1, Language, LanguageDetectorBuilder

                languages = [Language.from_iso_code_639_1(getattr(IsoCode639_1, code)) for code in LANGUAGES]
                _detector = (
                    LanguageDetectorBuilder.from_languages(*languages)
                    .with_low_accuracy_mode()
                    .with_preloaded_language_models()
                    .build()
                )
    return _detector


@cache
def _function_words() -> dict[str, tuple[str, ...]]:
    by_word: dict[str, list[str]] = {}
    for language, words in data.load("function_words.json")["words"].items():
        for word in words.split():
            by_word.setdefault(word, []).append(language)
    return {word: tuple(languages) for word, languages in by_word.items()}


def _letters(text: str) -> int:
    count = 0
    for char in text:
        if char.isalpha():
            count += 3 if is_unspaced(char) else 1
    return count


@dataclass(frozen=True, slots=True)
class Guess:
    """The likeliest language ("" if unsure) and the languages close behind it.

    Matching rules that depend on the language (demonyms, words that are also names) consult all the
    plausible languages, so that a misread short tip does not switch them off.
    """

    language: str = ""
    plausible: frozenset[str] = frozenset()
    score: float = 0.0  # the likeliest language's score: lingua's confidence plus the function words


def detect(text: str) -> Guess:
    cleaned = _NOISE.sub(" ", (text or "")[: MAX_CHARS * 2])
    if len(cleaned) > MAX_CHARS:
        cleaned = cleaned[:MAX_CHARS].rsplit(" ", 1)[0]
    letters = _letters(cleaned)
    if letters < MIN_LETTERS and not (letters >= MIN_LETTERS_UNSPACED * 3 and any(map(is_unspaced, cleaned))):
        return Guess()
    values = detector().compute_language_confidence_values(cleaned)
    scores = {value.language.iso_code_639_1.name.lower(): value.value for value in values[:8]}
    votes: dict[str, int] = {}
    words = _function_words()
    for word in _WORD.findall(cleaned.casefold()):
        for language in words.get(word, ()):
            votes[language] = votes.get(language, 0) + 1
    for language, count in votes.items():
        if language in scores:
            scores[language] += FUNCTION_WORD_WEIGHT * min(count, FUNCTION_WORD_CAP)
    ranked = sorted(scores, key=lambda language: -scores[language])
    if not ranked or scores[ranked[0]] < MIN_CONFIDENCE:
        return Guess()
    top = scores[ranked[0]]
    plausible = frozenset(language for language in ranked[:3] if scores[language] >= PLAUSIBLE_SHARE * top)
    return Guess(language=ranked[0], plausible=plausible, score=top)


# Words that open a street or square's name (folded to lower case): "rue de la République",
# "boulevard Haussmann", "calle Mayor", "ulica Długa". The name after one is a place, not the tip's words.
STREET_WORDS = frozenset(
    """rue avenue av ave boulevard bd bld blvd place pl allée allee chemin quai impasse cours route
    faubourg passage square esplanade straße strasse str platz gasse weg damm ring ulica ul aleja al
    plac calle c avenida avda plaza paseo pza carrer rambla via viale piazza corso largo vicolo rua
    praça praca travessa straat laan plein gracht kade utca tér ut út""".split()  # noqa: SIM905
)
# Small words that join the parts of a place's name: "Marché aux Puces de Saint-Ouen", "Porta di Roma".
NAME_PARTICLES = frozenset(
    """de du des d la le les l aux au sur sous lès di del della dei degli da dal do dos das van von
    der den ter het""".split()  # noqa: SIM905
)
_NAME_WORD = re.compile("[^\\W\\d_]+(?:['\u2019\\-][^\\W\\d_]+)*")
# Below this many letters left once place names are masked, the tip's own words are too few to weigh.
OWN_WORDS_MIN_LETTERS = 12
# The tip's own words overrule the whole text's language only when they are this sure of theirs (a
# Guess.score: above lingua's 1.0, so some function words must agree). Short tips that lose a city
# ("Mýdlo je z hotelu v Brně", "Мило з готелю в Одесі") otherwise read as a neighbouring language:
# measured on bench/data/signals_eval.jsonl and the hold-out set (docs/benchmarks.md).
OWN_WORDS_MIN_SCORE = 1.0


def _capitalised(word: str) -> bool:
    return word[:1].isupper()


def place_spans(text: str) -> list[tuple[int, int]]:
    """Spans of ``text`` that are place names by their form: a street word with the name after it
    ("rue de la République"), and capitalised names joined by particles ("Porte de Clignancourt").
    The gazetteer finds the cities and countries (``countries.find_mentions``)."""
    words = [(m.start(), m.end(), m.group()) for m in _NAME_WORD.finditer(text)]
    spans: list[tuple[int, int]] = []

    def joined(left: int, right: int) -> bool:
        """The two words are neighbours in one name: only spaces (or an apostrophe) between them."""
        return text[words[left][1] : words[right][0]].strip(" '\u2019") == ""

    index = 0
    while index < len(words):
        start, _end, word = words[index]
        street = word.casefold().rstrip(".") in STREET_WORDS
        last_name = -1  # the last capitalised word of the name found from here
        particles = 0
        cursor = index + 1
        while cursor < len(words) and joined(cursor - 1, cursor):
            following = words[cursor][2]
            if following.casefold() in NAME_PARTICLES:
                particles += 1
            elif _capitalised(following):
                last_name = cursor
            else:
                break
            cursor += 1
        if last_name > 0 and (street or (_capitalised(word) and particles and last_name > index + 1)):
            spans.append((start, words[last_name][1]))
            index = last_name + 1
        else:
            index += 1
    return spans


def mask(text: str, spans: list[tuple[int, int]]) -> str:
    """``text`` with the spans blanked (same length, so the other spans stay valid)."""
    chars = list(text)
    for start, end in spans:
        chars[start:end] = " " * (end - start)
    return "".join(chars)


def own_words_guess(text: str, spans: list[tuple[int, int]], guess: Guess) -> Guess:
    """The language of the tip's own words: ``text`` detected again with the place names in ``spans``
    blanked, since "Monoprix, rue de la République, Lyon" makes an English tip read as French. Kept
    only when enough of the tip's own words remain and they are sure of their language; otherwise
    ``guess`` (of the whole text)."""
    if not spans:
        return guess
    masked = mask(text, spans)
    if _letters(_NOISE.sub(" ", masked)) < OWN_WORDS_MIN_LETTERS:
        return guess
    own = detect(masked)
    return own if own.language and own.score >= OWN_WORDS_MIN_SCORE else guess


def detect_language(text: str) -> str:
    """ISO 639-1 code in lower case, or "" when the text is too short or the answer unsure."""
    return detect(text).language
