"""The gallery's word search: what a visitor types finds the objects whose public text holds every word.

Matching (docs/architecture.md, "Gallery search"): every word of the query must occur, in any order, as a
piece of a word of the object's text (so "bag" finds "handbag" and "tasche" finds "Handtasche"), in the
title, description, questions or hints of any language of the object, or in its code. Case, accents and
the usual variant letters do not matter: text and query pass through the same ``normalise``.

The index is derived and can always be rebuilt (``traceobject searchindex --rebuild``):

* ``SearchText``: one row per object and part (its own text with its code, or one translation), already
  normalised. On SQLite longer words are looked up there, in an FTS5 table with the trigram tokenizer
  (exact: the phrase of trigrams must be consecutive). PostgreSQL keeps writing these rows (the check
  compares them, and they say what the words below come from) but no longer searches them: a word found
  in every object ("label", "verkauft") made pg_trgm recheck tens of thousands of long texts, 60 ms.
* ``SearchWord`` and ``SearchDocument.words``, on PostgreSQL only: a dictionary of the distinct words of
  all the texts (the space-separated tokens of ``SearchText.text``), with a ``pg_trgm`` GIN index, and
  per object the ids of its words (its postings, exact), with a GIN index over them. A query word never
  holds a space, so it is a piece of a text exactly when it is a piece of one of its words: it is looked
  up among the few tens of thousands of short dictionary words (cheap to recheck), and the objects are
  those whose ids overlap the words found. SQLite's tables stay empty (its FTS5 lookup is exact and
  fast already; filling them would cost every write for nothing). A word no object uses any more stays
  in the dictionary until a rebuild (it finds nothing: no object lists its id); postings never lag.
* ``SearchDocument.grams``: per object, every distinct piece of its words up to ``piece_length`` characters
  (two on SQLite, three on PostgreSQL). A trigram index cannot find a shorter word (many Chinese and
  Japanese words have one or two characters), and on PostgreSQL a three-letter word such as "red" is in
  so many languages' rows that rechecking them cost more than the rest of the search: words up to that
  length are looked up there, exactly, all in one condition: an FTS5 table (one token per piece) on
  SQLite, a GIN index over the pieces on PostgreSQL.

The rows follow the objects through ``post_save`` and ``post_delete`` receivers on ``Object`` and
``ObjectTranslation`` (connected in ``GalleryConfig.ready``), in the transaction of the change.

A search runs once, when the selector asks (``objects_matching``): one statement, the intersection of
one lookup per word, gives the matching objects' ids, and the selector's query filters its own rows
(visibility, category, order, the paginator's count and page) by that list. The database then plans the
page with the true number of matches, where a subquery's guessed selectivity led PostgreSQL to nested
loops that took seconds; and the count and the page do not search twice. Which objects a page may show
is not the index's business, so a withdrawn object leaves the results at once.
"""

from __future__ import annotations

import hashlib
import json
import re
import unicodedata
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from functools import cache
from typing import Any, TypeVar

from django.core.exceptions import ImproperlyConfigured
from django.db import DatabaseError, connections, transaction
from django.db.backends.base.base import BaseDatabaseWrapper
from django.db.models import BooleanField, Model, QuerySet
from django.db.models.expressions import RawSQL
from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver

from traceobject.gallery.models import Object, ObjectTranslation, SearchDocument, SearchText, SearchWord

_T = TypeVar("_T")

# --- Normalisation -------------------------------------------------------------------------------------

# The accents that readers leave out: the combining diacritics of the Latin, Greek and Cyrillic scripts
# (what NFKD splits off "é", "ά", "ё"), Hebrew points, Arabic harakat and hamza signs, variation selectors.
# Marks that are letters in their script (Devanagari and Thai vowel signs, the kana voicing marks) stay:
# "बैग" without its vowel signs would be another word.
_ACCENTS = re.compile(
    "["
    "\u0300-\u036f\u0483-\u0489\u1ab0-\u1aff\u1dc0-\u1dff\u20d0-\u20ff\ufe20-\ufe2f"
    "\u0591-\u05bd\u05bf\u05c1\u05c2\u05c4\u05c5\u05c7"
    "\u0610-\u061a\u064b-\u065f\u0670\u06d6-\u06dc\u06df-\u06e4\u06e7\u06e8\u06ea-\u06ed"
    "\ufe00-\ufe0f\U000e0100-\U000e01ef"
    "]+"
)

# Letters that NFKD keeps whole but readers type plainly (Polish ł, Danish ø, Croatian đ, Maltese ħ,
# Turkish dotless ı…), and the Arabic-script letters that keyboards spell two ways (Arabic and Persian
# yeh and kaf, teh marbuta, the tatweel that only stretches a word).
_LETTER_FOLDS = {
    "ł": "l",
    "ø": "o",
    "đ": "d",
    "ħ": "h",
    "ı": "i",
    "æ": "ae",
    "œ": "oe",
    "ŧ": "t",
    "ð": "d",
    "þ": "th",
    "\u064a": "\u06cc",  # ي Arabic yeh → ی Persian yeh
    "\u0649": "\u06cc",  # ى alef maksura → ی
    "\u0643": "\u06a9",  # ك Arabic kaf → ک keheh
    "\u0629": "\u0647",  # ة teh marbuta → ه heh
    "\u0640": "",  # ـ tatweel
}

# Planes holding punctuation, format characters or digits (the rest hold letters or nothing).
_SCANNED = (range(0x40000), range(0xE0000, 0xE1000))


@cache
def _character_table() -> dict[int, str | None]:
    """Punctuation, separators and control characters become spaces (a word ends there: "T-shirt" is
    "t shirt", and a NUL is never sent to a database); format characters (soft hyphen, zero-width
    joiners, direction marks) and lone surrogates vanish, so "Hand\\u00adtasche" is one word; every decimal digit becomes
    its ASCII digit ("٢٠١٦" is "2016"). Built once per process (about 0.2 s)."""
    table: dict[int, str | None] = {}
    for block in _SCANNED:
        for code in block:
            character = chr(code)
            category = unicodedata.category(character)
            if category[0] in "PZ" or category == "Cc":
                table[code] = " "
            elif category in ("Cf", "Cs"):
                table[code] = None
            elif category == "Nd" and code > 0x7F:
                table[code] = str(unicodedata.digit(character))
    table.update({ord(letter): folded for letter, folded in _LETTER_FOLDS.items()})
    return table


def normalise(text: str) -> str:
    """Fold ``text`` for matching: NFKD (compatibility forms: "ﬁ" is "fi", fullwidth "ＢＡＧ" is "bag"),
    case folding ("ß" is "ss", "ς" is "σ"), accents stripped, the letter folds above, punctuation to
    spaces, then NFC (Hangul syllables and kana recomposed) and single spaces."""
    text = unicodedata.normalize("NFKD", unicodedata.normalize("NFKD", text).casefold())
    text = _ACCENTS.sub("", text).translate(_character_table())
    return " ".join(unicodedata.normalize("NFC", text).split())


def query_words(query: str) -> list[str]:
    """The words a search must find, longest first. A word contained in another word of the query adds
    nothing ("bag handbag" asks what "handbag" asks) and is dropped, as are repeats."""
    words: list[str] = []
    for word in sorted(set(normalise(query).split()), key=lambda w: (-len(w), w)):
        if not any(word in kept for kept in words):
            words.append(word)
    return words


def grams(text: str, longest: int = 2) -> str:
    """The distinct pieces of one to ``longest`` characters of the words of normalised ``text``, sorted
    and space-separated. A word of the query of up to ``longest`` characters is a piece of a word of the
    text exactly when it is one of these (words never contain a space)."""
    pieces: set[str] = set()
    for word in set(text.split()):
        for length in range(1, longest + 1):
            pieces.update(word[start : start + length] for start in range(len(word) - length + 1))
    return " ".join(sorted(pieces))


def piece_length(connection: BaseDatabaseWrapper) -> int:
    """The longest words looked up among the pieces: those the trigram index cannot find (one or two
    characters), and on PostgreSQL also three, whose rows pg_trgm would recheck one by one."""
    return 3 if connection.vendor == "postgresql" else 2


def document_grams(texts: Iterable[str], *, using: str) -> str:
    return grams(" ".join(texts), piece_length(connections[using]))


def uses_dictionary(connection: BaseDatabaseWrapper) -> bool:
    """Whether longer words are looked up in the word dictionary (PostgreSQL) rather than in the texts."""
    return connection.vendor == "postgresql"


def text_words(texts: Iterable[str]) -> set[str]:
    """The distinct words of normalised texts: what the dictionary and an object's postings hold."""
    words: set[str] = set()
    for text in texts:
        words.update(text.split())
    return words


def word_key(word: str) -> str:
    """The dictionary's unique key for a word: a hash, as a word may be longer than a B-tree entry."""
    return hashlib.blake2b(word.encode("utf-8", "surrogatepass"), digest_size=16).hexdigest()


# Keys per lookup (PostgreSQL takes at most 65,535 parameters in one statement).
_KEYS_PER_QUERY = 5000


def word_ids(
    words: Iterable[str], *, model: type[Model], using: str, known: dict[str, int] | None = None
) -> list[int]:
    """The dictionary ids of ``words``, sorted, adding the words it lacks. ``known`` (key → id) spares
    lookups of words already seen (a rebuild keeps it across batches) and learns the new ones."""
    known = {} if known is None else known
    keys = {word_key(word): word for word in words}
    missing = [key for key in keys if key not in known]
    manager = model._default_manager.using(using)
    for chunk in _chunks(missing, _KEYS_PER_QUERY):
        known.update(manager.filter(key__in=chunk).values_list("key", "id"))
    new = [key for key in missing if key not in known]
    if new:
        # A concurrent writer may add the same word: its row is kept and looked up like ours.
        manager.bulk_create([model(key=key, word=keys[key]) for key in new], ignore_conflicts=True)
        for chunk in _chunks(new, _KEYS_PER_QUERY):
            known.update(manager.filter(key__in=chunk).values_list("key", "id"))
    return sorted(known[key] for key in keys)


def document_words(
    texts: Iterable[str], *, models: IndexModels, using: str, known: dict[str, int] | None = None
) -> str:
    """An object's postings for ``SearchDocument.words``: its words' ids, sorted, space-separated ("" where
    the dictionary is not used)."""
    if not uses_dictionary(connections[using]) or models.word is None:
        return ""
    ids = word_ids(text_words(texts), model=models.word, using=using, known=known)
    return " ".join(str(word_id) for word_id in ids)


# --- The text of an object -----------------------------------------------------------------------------

# The object fields that reach the index (the public ones). Internal notes and the case reference never
# do: a public search must not answer questions about them.
OBJECT_FIELDS = ("code", "title", "description", "questions", "hints")
TRANSLATION_FIELDS = ("language", "title", "description", "questions", "hints")
OWN_PART = ""
# Parts of one object's text the index can hold (its own and one per translation): see ``text_row_id``.
PART_BITS = 8
PARTS = 1 << PART_BITS


def _lines(value: Any) -> list[str]:
    """Questions and hints are JSON lists of strings; anything else in them is not text to find."""
    if isinstance(value, str):
        return [value]
    if isinstance(value, list):
        return [item for item in value if isinstance(item, str)]
    return []


def part_text(values: Mapping[str, Any]) -> str:
    """The normalised searchable text of an object's own fields or of one translation's."""
    pieces = [values.get("code") or "", values.get("title") or "", values.get("description") or ""]
    pieces += _lines(values.get("questions")) + _lines(values.get("hints"))
    return normalise(" ".join(str(piece) for piece in pieces))


@dataclass(frozen=True)
class IndexModels:
    """The models the index reads and writes: the project's own, or a migration's historical ones.
    ``word`` is None before the dictionary existed (migration 0005): no dictionary, no ``words``."""

    object: type[Model] = Object
    translation: type[Model] = ObjectTranslation
    text: type[Model] = SearchText
    document: type[Model] = SearchDocument
    word: type[Model] | None = SearchWord


CURRENT = IndexModels()


def wanted_parts(own: Mapping[str, Any], translations: Iterable[Mapping[str, Any]]) -> dict[str, str]:
    """Part → normalised text for one object: its own fields (with the code) and each translation."""
    parts = {OWN_PART: part_text(own)}
    for translation in translations:
        language = str(translation["language"])[: SearchText._meta.get_field("part").max_length or 16]
        parts[language] = part_text(translation)
    return parts


def _wanted(
    object_id: int, own: Mapping[str, Any] | None, *, models: IndexModels, using: str
) -> dict[str, str] | None:
    if own is None:
        own = models.object._default_manager.using(using).filter(pk=object_id).values(*OBJECT_FIELDS).first()
        if own is None:
            return None
    translations = models.translation._default_manager.using(using).filter(object_id=object_id)
    return wanted_parts(own, translations.values(*TRANSLATION_FIELDS))


def _stored(object_id: int, *, models: IndexModels, using: str) -> dict[str, tuple[int, str]]:
    """Part → (row id, text) of what the index holds for one object."""
    rows = models.text._default_manager.using(using).filter(object_id=object_id)
    return {part: (row_id, text) for row_id, part, text in rows.values_list("id", "part", "text")}


def text_row_id(object_id: int, slot: int) -> int:
    """A ``SearchText`` row's id: its object's id times ``PARTS``, plus the part's slot. SQLite's FTS5
    table answers with these ids (its rowids), and ``rowid >> PART_BITS`` is the object, with no lookup:
    reading the object's id from each of tens of thousands of matching rows was most of a search's time."""
    if not 0 <= slot < PARTS:
        raise ValueError(f"an object has at most {PARTS} parts of text in the search index")
    return object_id * PARTS + slot


def _free_slots(used: Iterable[int]) -> Iterator[int]:
    taken = set(used)
    return (slot for slot in range(PARTS) if slot not in taken)


def object_search_sync(
    object_id: int,
    *,
    own: Mapping[str, Any] | None = None,
    models: IndexModels = CURRENT,
    using: str = "default",
) -> bool:
    """Bring one object's index rows in line with its text; ``own``: its fields, if the caller has them.

    Three reads, and writes only for what changed, so that saving an object whose text did not change
    costs no index write. A part keeps its row (and slot) while it exists. Returns whether anything was
    written."""
    wanted = _wanted(object_id, own, models=models, using=using)
    if wanted is None:
        return False
    stored = _stored(object_id, models=models, using=using)
    if wanted == {part: text for part, (_row_id, text) in stored.items()}:
        return False
    texts = models.text._default_manager.using(using)
    gone = [part for part in stored if part not in wanted]
    if gone:
        texts.filter(object_id=object_id, part__in=gone).delete()
    kept = [row_id for part, (row_id, _text) in stored.items() if part in wanted]
    slots = _free_slots(row_id - object_id * PARTS for row_id in kept)
    for part, text in wanted.items():
        if part not in stored:
            row_id = text_row_id(object_id, next(slots, PARTS))
            texts.create(id=row_id, object_id=object_id, part=part, text=text)
        elif stored[part][1] != text:
            texts.filter(pk=stored[part][0]).update(text=text)
    document = {"grams": document_grams(wanted.values(), using=using)}
    if models.word is not None:
        document["words"] = document_words(wanted.values(), models=models, using=using)
    models.document._default_manager.using(using).update_or_create(object_id=object_id, defaults=document)
    return True


def _part_forget(object_id: int, part: str, *, using: str) -> None:
    """A translation is gone: drop its part and recompute the pieces from what remains. Only updates the
    document, never creates one: during an object's deletion its rows may already be gone."""
    SearchText.objects.using(using).filter(object_id=object_id, part=part).delete()
    documents = SearchDocument.objects.using(using).filter(object_id=object_id)
    if not documents.exists():  # the object is being deleted: its document went first
        return
    remaining = list(
        SearchText.objects.using(using).filter(object_id=object_id).values_list("text", flat=True)
    )
    documents.update(
        grams=document_grams(remaining, using=using),
        words=document_words(remaining, models=CURRENT, using=using),
    )


# --- Keeping the index in step -------------------------------------------------------------------------


@receiver(post_save, sender=Object, dispatch_uid="gallery.search.object_saved")
def _object_saved(sender: type[Object], instance: Object, update_fields: Any = None, **kwargs: Any) -> None:
    # A save that names its fields and none of the indexed ones (a status change) cannot change the text.
    if update_fields is not None and not set(update_fields) & set(OBJECT_FIELDS):
        return
    own = {name: getattr(instance, name) for name in OBJECT_FIELDS}
    object_search_sync(instance.pk, own=own, using=kwargs.get("using") or "default")


@receiver(post_save, sender=ObjectTranslation, dispatch_uid="gallery.search.translation_saved")
def _translation_saved(sender: type[ObjectTranslation], instance: ObjectTranslation, **kwargs: Any) -> None:
    object_search_sync(instance.object_id, using=kwargs.get("using") or "default")


@receiver(post_delete, sender=ObjectTranslation, dispatch_uid="gallery.search.translation_deleted")
def _translation_deleted(sender: type[ObjectTranslation], instance: ObjectTranslation, **kwargs: Any) -> None:
    _part_forget(instance.object_id, instance.language, using=kwargs.get("using") or "default")


# --- The database's side ------------------------------------------------------------------------------
# SQLite: two FTS5 tables over the two tables' columns (external content: the text is stored once), kept
# in step by triggers, so that every way a row changes (the ORM, a cascade, a test's flush) reaches them.
# PostgreSQL: GIN indexes over the pieces, the dictionary's words (trigrams) and the objects' word ids.
# All are dropped and made again by a rebuild (a bulk build is faster than row-by-row upkeep) and by the
# migrations. The trigram index over ``gallery_searchtext`` (migration 0005) is dropped for good by 0006.

_SQLITE_INSTALL = (
    # Trigrams of the normalised text (already folded: the tokenizer folds nothing itself).
    "CREATE VIRTUAL TABLE gallery_searchtext_fts USING fts5(text, content='gallery_searchtext', "
    "content_rowid='id', tokenize='trigram case_sensitive 1')",
    "CREATE TRIGGER gallery_searchtext_fts_insert AFTER INSERT ON gallery_searchtext BEGIN "
    "INSERT INTO gallery_searchtext_fts(rowid, text) VALUES (new.id, new.text); END",
    "CREATE TRIGGER gallery_searchtext_fts_delete AFTER DELETE ON gallery_searchtext BEGIN "
    "INSERT INTO gallery_searchtext_fts(gallery_searchtext_fts, rowid, text) VALUES ('delete', old.id, old.text); "
    "END",
    "CREATE TRIGGER gallery_searchtext_fts_update AFTER UPDATE ON gallery_searchtext BEGIN "
    "INSERT INTO gallery_searchtext_fts(gallery_searchtext_fts, rowid, text) VALUES ('delete', old.id, old.text); "
    "INSERT INTO gallery_searchtext_fts(rowid, text) VALUES (new.id, new.text); END",
    # One token per piece: every character but the space is part of a token, nothing is folded again.
    "CREATE VIRTUAL TABLE gallery_searchdocument_fts USING fts5(grams, content='gallery_searchdocument', "
    "content_rowid='object_id', detail=none, "
    "tokenize=\"unicode61 remove_diacritics 0 categories 'L* M* N* P* S* Z* C*' separators ' '\")",
    "CREATE TRIGGER gallery_searchdocument_fts_insert AFTER INSERT ON gallery_searchdocument BEGIN "
    "INSERT INTO gallery_searchdocument_fts(rowid, grams) VALUES (new.object_id, new.grams); END",
    "CREATE TRIGGER gallery_searchdocument_fts_delete AFTER DELETE ON gallery_searchdocument BEGIN "
    "INSERT INTO gallery_searchdocument_fts(gallery_searchdocument_fts, rowid, grams) "
    "VALUES ('delete', old.object_id, old.grams); END",
    "CREATE TRIGGER gallery_searchdocument_fts_update AFTER UPDATE ON gallery_searchdocument BEGIN "
    "INSERT INTO gallery_searchdocument_fts(gallery_searchdocument_fts, rowid, grams) "
    "VALUES ('delete', old.object_id, old.grams); "
    "INSERT INTO gallery_searchdocument_fts(rowid, grams) VALUES (new.object_id, new.grams); END",
    # Index what the tables already hold, in one pass, then merge the index into one segment.
    "INSERT INTO gallery_searchtext_fts(gallery_searchtext_fts) VALUES ('rebuild')",
    "INSERT INTO gallery_searchdocument_fts(gallery_searchdocument_fts) VALUES ('rebuild')",
    "INSERT INTO gallery_searchtext_fts(gallery_searchtext_fts) VALUES ('optimize')",
    "INSERT INTO gallery_searchdocument_fts(gallery_searchdocument_fts) VALUES ('optimize')",
)
_SQLITE_DROP = (
    "DROP TRIGGER IF EXISTS gallery_searchtext_fts_insert",
    "DROP TRIGGER IF EXISTS gallery_searchtext_fts_delete",
    "DROP TRIGGER IF EXISTS gallery_searchtext_fts_update",
    "DROP TRIGGER IF EXISTS gallery_searchdocument_fts_insert",
    "DROP TRIGGER IF EXISTS gallery_searchdocument_fts_delete",
    "DROP TRIGGER IF EXISTS gallery_searchdocument_fts_update",
    "DROP TABLE IF EXISTS gallery_searchtext_fts",
    "DROP TABLE IF EXISTS gallery_searchdocument_fts",
)
_POSTGRES_INSTALL = (
    # Rows inserted in this transaction still owe their (deferred) foreign-key checks, and PostgreSQL
    # refuses to index a table with pending trigger events: run the checks now, then defer again
    # (Django's constraints are all INITIALLY DEFERRED).
    "SET CONSTRAINTS ALL IMMEDIATE",
    "CREATE INDEX gallery_searchword_trgm ON gallery_searchword USING gin (word gin_trgm_ops)",
    "CREATE INDEX gallery_searchdocument_grams ON gallery_searchdocument USING gin (string_to_array(grams, ' '))",
    "CREATE INDEX gallery_searchdocument_words ON gallery_searchdocument "
    "USING gin ((string_to_array(words, ' ')::bigint[]))",
    "SET CONSTRAINTS ALL DEFERRED",
    "ANALYZE gallery_searchword",
    "ANALYZE gallery_searchdocument",
)
_POSTGRES_INDEXES = (
    "gallery_searchword_trgm",
    "gallery_searchdocument_grams",
    "gallery_searchdocument_words",
)
# Migration 0005's indexes, before the dictionary (its rebuild, and 0006 undone).
_POSTGRES_INSTALL_TEXT = (
    "SET CONSTRAINTS ALL IMMEDIATE",
    "CREATE INDEX gallery_searchtext_trgm ON gallery_searchtext USING gin (text gin_trgm_ops)",
    "CREATE INDEX gallery_searchdocument_grams ON gallery_searchdocument USING gin (string_to_array(grams, ' '))",
    "SET CONSTRAINTS ALL DEFERRED",
    "ANALYZE gallery_searchtext",
    "ANALYZE gallery_searchdocument",
)
_POSTGRES_DROP = (
    "DROP INDEX IF EXISTS gallery_searchtext_trgm",
    "DROP INDEX IF EXISTS gallery_searchdocument_grams",
    "DROP INDEX IF EXISTS gallery_searchdocument_words",
    "DROP INDEX IF EXISTS gallery_searchword_trgm",
)

PG_TRGM_MISSING = (
    "The PostgreSQL extension pg_trgm is not installed in this database and this role may not create it. "
    "Ask the database's administrator to run CREATE EXTENSION pg_trgm; in it (or to make this role the "
    "database's owner: pg_trgm is a trusted extension since PostgreSQL 13), then migrate again. "
    "See docs/operations.md, Search."
)


def _pg_trgm_ensure(connection: BaseDatabaseWrapper) -> None:
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1 FROM pg_extension WHERE extname = 'pg_trgm'")
        if cursor.fetchone():
            return
        try:
            with transaction.atomic(using=connection.alias):
                cursor.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
        except DatabaseError as error:
            raise ImproperlyConfigured(PG_TRGM_MISSING) from error


def schema_install(connection: BaseDatabaseWrapper, *, dictionary: bool = True) -> None:
    """Make the database's indexes over the search tables and fill them from the tables' rows.
    ``dictionary``: False for the schema before migration 0006 (PostgreSQL's trigrams over the texts)."""
    if connection.vendor == "sqlite":
        statements: tuple[str, ...] = _SQLITE_INSTALL
    elif connection.vendor == "postgresql":
        _pg_trgm_ensure(connection)
        statements = _POSTGRES_INSTALL if dictionary else _POSTGRES_INSTALL_TEXT
    else:
        return
    with connection.cursor() as cursor:
        for statement in statements:
            cursor.execute(statement)


def schema_drop(connection: BaseDatabaseWrapper) -> None:
    statements = {"sqlite": _SQLITE_DROP, "postgresql": _POSTGRES_DROP}.get(connection.vendor, ())
    with connection.cursor() as cursor:
        for statement in statements:
            cursor.execute(statement)


def _chunks(items: list[_T], size: int) -> Iterator[list[_T]]:
    for start in range(0, len(items), size):
        yield items[start : start + size]


def search_rebuild(
    *,
    models: IndexModels = CURRENT,
    using: str = "default",
    batch_size: int = 500,
    progress: Callable[[int, int], None] | None = None,
) -> int:
    """Compute every object's index rows again, from scratch, in one transaction; returns the count.

    The database's indexes are dropped first and made again over the filled tables (a bulk build), so
    a rebuild also repairs an index that went out of step (a table remade by a migration, a raw write).
    The word dictionary starts again empty, so words no object uses any more leave it here."""
    connection = connections[using]
    objects = models.object._default_manager.using(using)
    texts = models.text._default_manager.using(using)
    documents = models.document._default_manager.using(using)
    known: dict[str, int] = {}
    with transaction.atomic(using=using):
        schema_drop(connection)
        texts.all().delete()
        documents.all().delete()
        if models.word is not None:
            models.word._default_manager.using(using).all().delete()
        ids = list(objects.order_by("pk").values_list("pk", flat=True))
        for done, chunk in enumerate(_chunks(ids, batch_size)):
            own_rows = {row["pk"]: row for row in objects.filter(pk__in=chunk).values("pk", *OBJECT_FIELDS)}
            translations: dict[int, list[dict[str, Any]]] = {}
            rows = models.translation._default_manager.using(using).filter(object_id__in=chunk)
            for row in rows.values("object_id", *TRANSLATION_FIELDS):
                translations.setdefault(row["object_id"], []).append(row)
            text_rows: list[Model] = []
            document_rows: list[Model] = []
            chunk_parts = {
                object_id: wanted_parts(own_rows[object_id], translations.get(object_id, ()))
                for object_id in chunk
            }
            if models.word is not None and uses_dictionary(connection):
                # The chunk's new words in three statements; each object's ids then come from ``known``.
                chunk_texts = (text for parts in chunk_parts.values() for text in parts.values())
                word_ids(text_words(chunk_texts), model=models.word, using=using, known=known)
            for object_id in chunk:
                parts = chunk_parts[object_id]
                text_rows += [
                    models.text(id=text_row_id(object_id, slot), object_id=object_id, part=part, text=text)
                    for slot, (part, text) in enumerate(parts.items())
                ]
                document = {"grams": document_grams(parts.values(), using=using)}
                if models.word is not None:
                    document["words"] = document_words(
                        parts.values(), models=models, using=using, known=known
                    )
                document_rows.append(models.document(object_id=object_id, **document))
            texts.bulk_create(text_rows)
            documents.bulk_create(document_rows)
            if progress is not None:
                progress(min((done + 1) * batch_size, len(ids)), len(ids))
        schema_install(connection, dictionary=models.word is not None)
    return len(ids)


@dataclass
class IndexCheck:
    objects: int = 0
    stale: list[int] = field(default_factory=list)  # objects whose rows differ from their text
    problems: list[str] = field(default_factory=list)  # what the database's own checks said

    @property
    def ok(self) -> bool:
        return not self.stale and not self.problems


def _words_stored(ids: str, *, using: str) -> list[str] | None:
    """The words an object's postings name (None if an id names no word of the dictionary)."""
    numbers = [int(number) for number in ids.split()]
    found = dict(SearchWord.objects.using(using).filter(id__in=numbers).values_list("id", "word"))
    if len(found) != len(numbers):
        return None
    return sorted(found[number] for number in numbers)


def search_check(*, using: str = "default") -> IndexCheck:
    """Compare every object's rows with its text now (writing nothing), and run the database's own
    checks of its indexes (FTS5's integrity check against the tables, on SQLite; that the GIN indexes
    exist, on PostgreSQL). On PostgreSQL an object's postings must name exactly its words."""
    report = IndexCheck()
    connection = connections[using]
    dictionary = uses_dictionary(connection)
    for object_id in Object.objects.using(using).order_by("pk").values_list("pk", flat=True).iterator():
        report.objects += 1
        wanted = _wanted(object_id, None, models=CURRENT, using=using) or {}
        document = list(
            SearchDocument.objects.using(using).filter(object_id=object_id).values_list("grams", "words")
        )
        stored = {
            part: text for part, (_row_id, text) in _stored(object_id, models=CURRENT, using=using).items()
        }
        if (
            wanted != stored
            or len(document) != 1
            or document[0][0] != document_grams(wanted.values(), using=using)
            or (
                _words_stored(document[0][1], using=using) != sorted(text_words(wanted.values()))
                if dictionary
                else document[0][1] != ""
            )
        ):
            report.stale.append(object_id)
    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            for table in ("gallery_searchtext_fts", "gallery_searchdocument_fts"):
                try:
                    cursor.execute(f"INSERT INTO {table}({table}, rank) VALUES ('integrity-check', 1)")
                except DatabaseError as error:
                    report.problems.append(f"{table}: {error}")
        elif connection.vendor == "postgresql":
            cursor.execute(
                "SELECT indexname FROM pg_indexes WHERE indexname = ANY(%s)", [list(_POSTGRES_INDEXES)]
            )
            present = {row[0] for row in cursor.fetchall()}
            for index in _POSTGRES_INDEXES:
                if index not in present:
                    report.problems.append(f"the GIN index {index} of the search tables is missing")
    return report


# --- Searching ---------------------------------------------------------------------------------------

# At most this many words are looked up (the longest: a shorter word narrows less). The pages cut the
# query at 100 characters, which leaves room for 25 words; this only bounds what a caller could send.
MAX_WORDS = 32

# Per database: the objects whose text holds one longer word, and those whose pieces hold every shorter one.
_SQLITE_WORD = (
    f"SELECT rowid >> {PART_BITS} FROM gallery_searchtext_fts WHERE gallery_searchtext_fts MATCH %s"
)
_SQLITE_PIECES = "SELECT rowid FROM gallery_searchdocument_fts WHERE gallery_searchdocument_fts MATCH %s"
# PostgreSQL: one table, one row per object (no repeats to remove). The longer words' conditions go to
# one scan of the postings' GIN index (for each word, the dictionary's words holding it, found by
# pg_trgm, which rechecks only short words; then the objects whose postings overlap them), the pieces
# to another of the pieces' index, and the two are intersected. In one WHERE the planner, guessing one
# row from the first index, checked the other condition on each row instead, reading every matching
# object's pieces: 0.8 s for "hồng gấu bông" where the intersection takes 3 ms.
_POSTGRES_DOCUMENTS = "SELECT object_id FROM gallery_searchdocument WHERE "
_POSTGRES_WORD = (
    "string_to_array(words, ' ')::bigint[] && ARRAY(SELECT id FROM gallery_searchword WHERE word LIKE %s)"
)
_POSTGRES_PIECES = "string_to_array(grams, ' ') @> %s::text[]"
# The selectors' filter by the ids found: one parameter, however many ids.
_SQLITE_IDS = "SELECT value FROM json_each(%s)"
# On PostgreSQL a condition on the row, not a subquery: the planner takes ``unnest`` for 200 rows, so a
# word found in most objects made it fetch every match before sorting; ``= ANY`` of one array is hashed
# and checked as the rows come in index order, which halves a common word's time (docs/benchmarks.md).
_POSTGRES_IDS = "{table}.{column} = ANY(%s::bigint[])"


def _fts_phrase(word: str) -> str:
    return '"' + word.replace('"', '""') + '"'


def _like_pattern(connection: BaseDatabaseWrapper, word: str) -> str:
    return "%" + connection.ops.prep_for_like_query(word) + "%"


def matching_ids(words: list[str], *, using: str = "default") -> list[int]:
    """The ids of the objects whose indexed text holds every one of ``words`` (normalised, as
    ``query_words`` gives them), in one statement: the intersection of one lookup per longer word and
    one for all the shorter words together."""
    connection = connections[using]
    if connection.vendor not in ("sqlite", "postgresql"):
        raise ImproperlyConfigured(
            f"The gallery search supports SQLite and PostgreSQL, not {connection.vendor}."
        )
    shortest_long = piece_length(connection) + 1
    long_words = [word for word in words[:MAX_WORDS] if len(word) >= shortest_long]
    short_words = [word for word in words[:MAX_WORDS] if len(word) < shortest_long]
    branches: list[str] = []
    params: list[Any] = []
    if connection.vendor == "postgresql":
        if short_words:
            branches.append(_POSTGRES_DOCUMENTS + _POSTGRES_PIECES)
            params.append(short_words)
        if long_words:
            branches.append(_POSTGRES_DOCUMENTS + " AND ".join(_POSTGRES_WORD for _word in long_words))
            params += [_like_pattern(connection, word) for word in long_words]
        sql = " INTERSECT ".join(branches)
        if short_words:
            return _postgres_ids_by_index(connection, sql, params)
        # The words' index alone needs no help: the planner's guess for ``&&`` (half a percent of the
        # rows) already picks it, and the statement costs one round trip instead of six.
        with connection.cursor() as cursor:
            cursor.execute(sql, params)
            return [row[0] for row in cursor.fetchall()]
    for word in long_words:
        branches.append(_SQLITE_WORD)
        params.append(_fts_phrase(word))
    if short_words:
        branches.append(_SQLITE_PIECES)
        params.append(" AND ".join(_fts_phrase(word) for word in short_words))
    # INTERSECT removes repeats (an object matches in several languages); one branch needs DISTINCT.
    sql = (
        " INTERSECT ".join(branches)
        if len(branches) > 1
        else branches[0].replace("SELECT", "SELECT DISTINCT", 1)
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return [row[0] for row in cursor.fetchall()]


def _postgres_ids_by_index(connection: BaseDatabaseWrapper, sql: str, params: list[Any]) -> list[int]:
    """Run ``sql`` with the planner told to use the indexes.

    A piece found in nearly every object ("st", "ka") makes the planner read the whole pieces table,
    and splitting every row's pieces there costs seconds, where the GIN index (exact for ``@>``, no
    recheck) answers in milliseconds: the planner cannot see that cost. ``SET LOCAL`` lasts to the end
    of the transaction, so the statement gets one of its own (a savepoint when the caller is already in
    one) and the previous value is put back before it ends."""
    with transaction.atomic(using=connection.alias), connection.cursor() as cursor:
        cursor.execute("SELECT current_setting('enable_seqscan')")
        (previous,) = cursor.fetchone()
        cursor.execute("SET LOCAL enable_seqscan = off")
        cursor.execute(sql, params)
        found = [row[0] for row in cursor.fetchall()]
        cursor.execute("SELECT set_config('enable_seqscan', %s, true)", [previous])
        return found


def objects_matching(queryset: QuerySet[Object], query: str) -> QuerySet[Object]:
    """``queryset`` narrowed to the objects whose indexed text holds every word of ``query``. A query
    with no word (empty, spaces, punctuation only) narrows nothing. The words are looked up now, once;
    the queryset stays lazy."""
    words = query_words(query)
    if not words:
        return queryset
    using = queryset.db
    ids = matching_ids(words, using=using)
    if not ids:
        return queryset.none()
    connection = connections[using]
    if connection.vendor == "sqlite":
        found = RawSQL(_SQLITE_IDS, [json.dumps(ids)])  # noqa: S611 - the ids are one parameter
        return queryset.filter(pk__in=found)
    quote = connection.ops.quote_name
    meta = queryset.model._meta
    condition = _POSTGRES_IDS.format(table=quote(meta.db_table), column=quote(str(meta.pk.column)))
    return queryset.filter(RawSQL(condition, [ids], output_field=BooleanField()))  # noqa: S611
