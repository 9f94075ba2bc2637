from __future__ import annotations

import hashlib
import json

from django.conf import settings
from django.core.validators import RegexValidator
from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from traceobject.gallery.categories import category_label


class Category(models.Model):
    slug = models.SlugField(unique=True)
    name = models.CharField(max_length=100)
    position = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["position", "slug"]
        verbose_name_plural = "categories"

    def __str__(self) -> str:
        return str(self.label)

    @property
    def label(self) -> str:
        """The standard category's name in the active language (``gallery.categories``), else ``name``."""
        return category_label(self.slug, self.name)


class Release(models.Model):
    """A batch published together; the newest published release carries the "new" badge."""

    name = models.CharField(max_length=100)
    publish_at = models.DateTimeField(db_index=True)
    is_demo = models.BooleanField(default=False)

    class Meta:
        ordering = ["-publish_at"]

    def __str__(self) -> str:
        return self.name


class ObjectStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    IN_REVIEW = "in_review", _("In review")
    APPROVED = "approved", _("Approved")
    PUBLISHED = "published", pgettext_lazy("object status", "Published")
    IDENTIFIED = "identified", pgettext_lazy("object status", "Identified")
    WIDESPREAD = "widespread", _("Widespread")
    ARCHIVED = "archived", _("Archived")
    WITHDRAWN = "withdrawn", _("Withdrawn")


# The states in which the public sees an object as located. Identified and widespread are shown alike
# on purpose: telling them apart would say whether police now hold a country lead.
LOCATED_STATUSES = (ObjectStatus.IDENTIFIED, ObjectStatus.WIDESPREAD)


class Audience(models.TextChoices):
    PARTNERS = "partners", _("National partners only")
    PUBLIC = "public", _("Public")


code_validator = RegexValidator(
    r"^[A-Z0-9][A-Z0-9-]{1,23}$", _("Use capital letters, digits and hyphens, such as B17-2026.")
)


class Object(models.Model):
    code = models.CharField(max_length=24, unique=True, validators=[code_validator])
    title = models.CharField(max_length=200)
    category = models.ForeignKey(Category, on_delete=models.PROTECT)
    description = models.TextField(blank=True)
    questions = models.JSONField(default=list, blank=True, help_text="One question per item.")
    hints = models.JSONField(default=list, blank=True, help_text="One hint per item.")
    status = models.CharField(max_length=16, choices=ObjectStatus.choices, default=ObjectStatus.DRAFT)
    audience = models.CharField(max_length=16, choices=Audience.choices, default=Audience.PUBLIC)
    release = models.ForeignKey(Release, null=True, blank=True, on_delete=models.PROTECT)
    related = models.ManyToManyField("self", blank=True, symmetrical=True)
    # Internal only: never rendered on a public page.
    case_reference = models.CharField(max_length=100, blank=True)
    internal_notes = models.TextField(blank=True)
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="authored_objects",
    )
    # The language the staff wrote title, description, questions and hints in: the fallback for a
    # visitor's language that has no ObjectTranslation.
    original_language = models.CharField(max_length=8, default="en")
    submitted_at = models.DateTimeField(null=True, blank=True)
    published_at = models.DateTimeField(null=True, blank=True)
    withdrawn_at = models.DateTimeField(null=True, blank=True)
    located_at = models.DateTimeField(null=True, blank=True)
    is_demo = models.BooleanField(default=False)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        indexes = [models.Index(fields=["status", "audience"])]

    def __str__(self) -> str:
        return f"{self.code} {self.title}"

    def get_absolute_url(self) -> str:
        from django.urls import reverse

        return reverse("gallery:object_detail", kwargs={"code": self.code})

    def text_digest(self) -> str:
        """The fingerprint of the original public text (``text_digest``), which translations record."""
        return text_digest(
            title=self.title, description=self.description, questions=self.questions, hints=self.hints
        )


def text_digest(*, title: str, description: str, questions: list[str], hints: list[str]) -> str:
    """A fingerprint of an object's original public text. A translation records the one it was made
    from, so that a later change of the original shows the translation as out of date (and keeps it off
    the public pages). Migration gallery/0004 keeps a frozen copy of this function: change both or
    neither."""
    canonical = json.dumps(
        [title, description, list(questions), list(hints)], ensure_ascii=False, separators=(",", ":")
    )
    return hashlib.sha256(canonical.encode()).hexdigest()


class ObjectTranslation(models.Model):
    """An object's public text in one more language: one row per (object, language).

    A plain model rather than a translation library (docs/architecture.md, "Objects in many languages"):
    36 languages would be 144 columns as per-language columns, and one row per language keeps a missing
    language a missing row, easy to list for the staff and to fall back from on the public page.

    A row holds only text that went through four eyes: written while the object was a draft (the
    publication review covers it), or approved as a ``TranslationProposal`` once the object was out.
    Write it only through ``gallery.translations`` and always with ``save()``/``delete()``: the gallery
    search keeps its index in step through the model's signals.
    """

    object = models.ForeignKey(Object, on_delete=models.CASCADE, related_name="translations")
    language = models.CharField(max_length=8)
    title = models.CharField(max_length=200)
    description = models.TextField(blank=True)
    questions = models.JSONField(default=list, blank=True)
    hints = models.JSONField(default=list, blank=True)
    # ``text_digest`` of the original when this text was written: a different digest now means that
    # the original changed since, and the translation is out of date.
    source_digest = models.CharField(max_length=64, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["object", "language"], name="gallery_translation_per_language")
        ]

    def __str__(self) -> str:
        return f"{self.object_id} [{self.language}] {self.title}"


class ProposalState(models.TextChoices):
    PENDING = "pending", _("Awaiting review")
    SENT_BACK = "sent_back", _("Sent back")


class TranslationProposal(models.Model):
    """A translation of an object that is already out (published, or located since), waiting for a
    second person's review before it replaces or adds public text. Once approved, its text moves into
    ``ObjectTranslation`` and the proposal is deleted; until then the public page keeps what it showed.
    """

    object = models.ForeignKey(Object, on_delete=models.CASCADE, related_name="translation_proposals")
    language = models.CharField(max_length=8)
    title = models.CharField(max_length=200)
    description = models.TextField(blank=True)
    questions = models.JSONField(default=list, blank=True)
    hints = models.JSONField(default=list, blank=True)
    source_digest = models.CharField(max_length=64, blank=True)
    state = models.CharField(max_length=16, choices=ProposalState.choices, default=ProposalState.PENDING)
    # Everyone who wrote a version of this text: none of them may approve it (four eyes).
    writers = models.ManyToManyField(settings.AUTH_USER_MODEL, related_name="+")
    # The reviewer's reason, when sent back.
    comments = models.TextField(blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["object", "language"], name="gallery_proposal_per_language")
        ]
        ordering = ["created_at", "id"]

    def __str__(self) -> str:
        return f"{self.object_id} [{self.language}] {self.title} ({self.state})"


class ImageStatus(models.TextChoices):
    PENDING = "pending", _("Processing")
    READY = "ready", pgettext_lazy("image status", "Ready")
    FAILED = "failed", _("Failed")


class ObjectImage(models.Model):
    """A sanitized picture; only its derivatives (re-encoded, metadata-free) are ever public."""

    object = models.ForeignKey(Object, on_delete=models.CASCADE, related_name="images")
    position = models.PositiveSmallIntegerField(default=0)
    alt_text = models.CharField(max_length=300, blank=True)
    # Path of the private upload, relative to PRIVATE_MEDIA_ROOT; never served.
    original_path = models.CharField(max_length=300, blank=True)
    width = models.PositiveIntegerField(default=0)
    height = models.PositiveIntegerField(default=0)
    # [{"width": 320, "height": 240, "format": "webp", "path": "objects/…/…-320.webp"}, …]
    derivatives = models.JSONField(default=list, blank=True)
    perceptual_hash = models.CharField(max_length=64, blank=True)
    processed_at = models.DateTimeField(null=True, blank=True)
    status = models.CharField(max_length=16, choices=ImageStatus.choices, default=ImageStatus.READY)
    error = models.TextField(blank=True)
    # Edits given by the publisher, in the oriented original's pixels:
    # crop [left, top, right, bottom] or null; redactions [{"box": [l, t, r, b], "mode": "black"|"blur"}].
    crop = models.JSONField(null=True, blank=True)
    redactions = models.JSONField(default=list, blank=True)
    # The pre-publication safety scan: {"metadata_clean": bool, "faces": [[x, y, w, h], …],
    # "near_duplicates": [{"object": code, "distance": n}, …], "scanned_at": iso}.
    safety = models.JSONField(default=dict, blank=True)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True, null=True)

    class Meta:
        ordering = ["position", "id"]

    def __str__(self) -> str:
        return f"{self.object.code} image {self.position}"


class ReviewDecision(models.TextChoices):
    APPROVED = "approved", _("Approved")
    REJECTED = "rejected", _("Sent back")


# The publication checklist. Every item must be ticked to approve; the metadata item is also
# checked by machine (the safety scan) and cannot be ticked over a failed scan.
REVIEW_CHECKLIST = {
    "no_person": _("No person or body part is visible."),
    "no_identifying_detail": _("No text or detail could identify a victim."),
    "tight_crop": _("The crop is tight enough that an offender would not recognise the room."),
    "metadata_clean": _("The metadata is clean (checked by machine)."),
}


# The review of a translation proposed for an object that is already out: the text items of the
# publication checklist, and faithfulness to the original (the reviewer compares the two side by side).
TRANSLATION_CHECKLIST = {
    "no_identifying_detail": REVIEW_CHECKLIST["no_identifying_detail"],
    "faithful": _("The translation says what the original says, and nothing more."),
}


class PublicationReview(models.Model):
    """One four-eyes decision on an object: by a publisher who is never the object's author."""

    object = models.ForeignKey(Object, on_delete=models.CASCADE, related_name="reviews")
    reviewer = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    decision = models.CharField(max_length=16, choices=ReviewDecision.choices)
    checklist = models.JSONField(default=dict)
    comments = models.TextField(blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"{self.object.code} {self.decision}"


# --- The search index (derived; gallery/search.py) ------------------------------------------------------
# Both tables hold only what ``gallery.search`` computes from an object's public text, and are rebuilt by
# ``traceobject searchindex --rebuild``. Nothing else writes them. The database's own indexes over them
# (SQLite FTS5 tables with their triggers, PostgreSQL GIN indexes) are made by ``search.schema_install``,
# not declared here: a migration that makes Django rebuild one of these tables on SQLite (most field
# changes do) must call ``search.schema_install`` again, since the triggers go with the old table.


class SearchText(models.Model):
    """One part of an object's public text, normalised for search: the object's own fields with its code
    (``part`` ""), or one translation (``part`` its language). Internal fields are never copied here.
    The id is always given (``search.text_row_id``: the object's id and the part's slot), never drawn
    from the sequence."""

    id = models.BigAutoField(primary_key=True)
    object = models.ForeignKey(Object, on_delete=models.CASCADE, related_name="+")
    part = models.CharField(max_length=16, blank=True)
    text = models.TextField()

    class Meta:
        constraints = [models.UniqueConstraint(fields=["object", "part"], name="gallery_searchtext_part")]

    def __str__(self) -> str:
        return f"{self.object_id} [{self.part}]"


class SearchDocument(models.Model):
    """Per object, the distinct short pieces of its words (space-separated), for search words shorter
    than a trigram; and on PostgreSQL the ids of its distinct words in the ``SearchWord`` dictionary
    (sorted, space-separated: its postings, "" on SQLite, where the dictionary is not used)."""

    object = models.OneToOneField(Object, on_delete=models.CASCADE, primary_key=True, related_name="+")
    grams = models.TextField()
    words = models.TextField(blank=True, default="")

    def __str__(self) -> str:
        return str(self.object_id)


class SearchWord(models.Model):
    """PostgreSQL's word dictionary for search: one row per distinct word of the indexed text. A longer
    search word is looked up here (a trigram index over a few short words) and then among the objects'
    word ids, instead of rechecking long texts. ``key`` (a hash of the word) is what is unique: a word
    can be longer than a B-tree entry may be (a Chinese description with no punctuation is one word).
    Words no object uses any more stay until a rebuild; they match nothing."""

    key = models.CharField(max_length=32, unique=True)
    word = models.TextField()

    def __str__(self) -> str:
        return self.word
