"""Exports of a lead: the PDF dossier (text asserted, a page rendered), the JSON, and the bundle."""

from __future__ import annotations

import hashlib
import io
import json
import os
import re
import zipfile
from datetime import datetime
from pathlib import Path
from typing import Any

import pypdfium2 as pdfium
import pytest

from tests.imaging import corpus
from tests.leads.conftest import (
    ANSWER_TEXT,
    AUTHORITY_NOTE,
    NOTE_TEXT,
    PL_RATIONALE,
    POLAND_TIP,
    QUESTION_TEXT,
    Loop,
)
from traceobject.core.errors import ApplicationError
from traceobject.imaging.sanitize import inspect
from traceobject.leads.exports import _fetcher, lead_bundle, lead_json, lead_pdf
from traceobject.leads.selectors import lead_snapshot
from traceobject.leads.services import _seal_snapshot

pytestmark = pytest.mark.django_db


def _pdf_text(data: bytes) -> str:
    pdf = pdfium.PdfDocument(data)
    try:
        texts = []
        for page in pdf:
            textpage = page.get_textpage()
            texts.append(textpage.get_text_range())
            textpage.close()
            page.close()
        return " ".join(texts)
    finally:
        pdf.close()


def _flat(text: str) -> str:
    return " ".join(text.split())


def test_pdf_dossier_holds_the_lead(loop: Loop, tmp_path: Path) -> None:
    lead = loop.leads["PL"]
    data = lead_pdf(lead)
    assert data.startswith(b"%PDF-")
    text = _flat(_pdf_text(data))
    for expected in (
        lead.reference,
        "B17-2026",
        "Blue canvas bag",
        "Poland",
        POLAND_TIP,
        PL_RATIONALE,
    ):
        assert _flat(expected) in text, expected
    assert _flat(NOTE_TEXT) not in text  # an internal note never leaves the agency
    assert "Diese Tasche" not in text  # the German tip belongs to the German lead only

    # Rendered as a picture, the first page is not blank (and can be looked at).
    # LEADS_DOSSIER_PNG=/some/dossier-page1.png keeps the pictures of every page for a human to look at.
    target = Path(os.environ.get("LEADS_DOSSIER_PNG") or tmp_path / "dossier-page1.png")
    pdf = pdfium.PdfDocument(data)
    try:
        pages = [page.render(scale=1.5).to_pil() for page in pdf]
    finally:
        pdf.close()
    for number, picture in enumerate(pages, 1):
        picture.save(target.with_name(target.name.replace("page1", f"page{number}")))
    image = pages[0]
    assert image.width > 800
    low, high = image.convert("L").getextrema()
    assert high - low > 100


def test_pdf_fetches_nothing_but_data_uris() -> None:
    fetcher = _fetcher()
    for url in ("http://example.org/x.png", "https://example.org/x.css", "file:///etc/passwd"):
        with pytest.raises(ValueError, match="disallowed"):
            fetcher(url)


def test_json_is_the_snapshot_without_image_data(loop: Loop) -> None:
    lead = loop.leads["PL"]
    data = lead_json(lead)
    assert data == lead_json(lead)  # deterministic
    document = json.loads(data.decode("utf-8"))
    snapshot = lead_snapshot(lead)
    assert document["reference"] == lead.reference
    assert document["snapshot_sha256"] == lead.snapshot_sha256
    assert document["image_sha256"] == sorted(image["sha256"] for image in snapshot["images"])
    assert all("data_base64" not in image for image in document["images"])
    for key in ("object", "determination", "tips", "note_for_authority", "country", "authority"):
        assert document[key] == snapshot[key]
    assert POLAND_TIP in data.decode("utf-8")  # UTF-8, not escaped


def test_bundle_manifest_checks_out(loop: Loop) -> None:
    lead = loop.leads["PL"]
    with zipfile.ZipFile(io.BytesIO(lead_bundle(lead))) as archive:
        names = set(archive.namelist())
        manifest = archive.read("MANIFEST.sha256").decode("ascii")
        listed = {}
        for line in manifest.splitlines():
            digest, name = line.split("  ", 1)
            listed[name] = digest
        assert set(listed) == names - {"MANIFEST.sha256"}
        assert {"dossier.pdf", "lead.json"} <= set(listed)
        assert any(name.startswith("images/") for name in listed)
        for name, digest in listed.items():
            assert hashlib.sha256(archive.read(name)).hexdigest() == digest
        assert json.loads(archive.read("lead.json")) == json.loads(lead_json(lead))
        images = [name for name in listed if name.startswith("images/")]
        assert sorted(listed[name] for name in images) == json.loads(lead_json(lead))["image_sha256"]


def test_rendering_a_dossier_leaves_the_upload_checks_strict(loop: Loop) -> None:
    """WeasyPrint turns on Pillow's process-wide LOAD_TRUNCATED_IMAGES when imported; a web worker that
    rendered a dossier must still refuse a corrupt upload."""
    assert lead_pdf(loop.leads["PL"]).startswith(b"%PDF")
    with pytest.raises(ApplicationError, match="cannot be read"):
        inspect(corpus.corrupt_huffman_jpeg(), max_pixels=50_000_000)


# --- What travels with a lead: the note for the authority and the follow-up threads, never a note ---

ISO_MINUTE = re.compile(r"\d{4}-\d{2}-\d{2}T\d{2}:\d{2}\+00:00")


def _assert_travels(text: str) -> None:
    text = _flat(text)
    assert _flat(NOTE_TEXT) not in text  # the internal note stays in the agency
    for expected in (AUTHORITY_NOTE, QUESTION_TEXT, ANSWER_TEXT):
        assert _flat(expected) in text, expected


def test_the_json_carries_the_note_for_the_authority_and_the_thread(staff: Any, dispatched: Loop) -> None:
    document = json.loads(lead_json(dispatched.leads["PL"]))
    assert NOTE_TEXT not in json.dumps(document, ensure_ascii=False)
    assert "notes" not in document
    note = document["note_for_authority"]
    assert (note["text"], note["written_by"]) == (AUTHORITY_NOTE, "analyst")
    thread = document["tips"][0]["follow_ups"]
    assert [(m["kind"], m["text"]) for m in thread] == [("question", QUESTION_TEXT), ("reply", ANSWER_TEXT)]
    # ISO 8601 times, in order: the answer came after the question.
    times = [datetime.fromisoformat(m["created_at"]) for m in thread]
    assert times == sorted(times)
    assert all(t.tzinfo is not None for t in times)
    assert datetime.fromisoformat(note["written_at"]).tzinfo is not None
    # The German lead got no note, and its tip no thread.
    german = json.loads(lead_json(dispatched.leads["DE"]))
    assert german["note_for_authority"] is None
    assert german["tips"][0]["follow_ups"] == []
    assert AUTHORITY_NOTE not in json.dumps(german, ensure_ascii=False)


def test_the_pdf_carries_the_note_for_the_authority_and_the_thread(staff: Any, dispatched: Loop) -> None:
    text = _pdf_text(lead_pdf(dispatched.leads["PL"]))
    _assert_travels(text)
    assert "Note for the authority" in text
    assert "Tipster's answer" in _flat(text)
    assert ISO_MINUTE.search(text), "the dossier's times are ISO 8601"
    assert AUTHORITY_NOTE not in _flat(_pdf_text(lead_pdf(dispatched.leads["DE"])))


def test_every_member_of_the_bundle_carries_them(staff: Any, dispatched: Loop) -> None:
    with zipfile.ZipFile(io.BytesIO(lead_bundle(dispatched.leads["PL"]))) as archive:
        _assert_travels(archive.read("lead.json").decode("utf-8"))
        _assert_travels(_pdf_text(archive.read("dossier.pdf")))
        everything = b"".join(archive.read(name) for name in archive.namelist())
    assert NOTE_TEXT.encode() not in everything


def test_a_lead_frozen_with_internal_notes_shows_them_nowhere(staff: Any, dispatched: Loop) -> None:
    """Leads frozen before snapshot format 2 carried the notes in their sealed JSON: no export shows them."""
    lead = dispatched.leads["PL"]
    snapshot = lead_snapshot(lead)
    snapshot["notes"] = [{"tip": dispatched.pl_tip.pk, "author": "analyst", "text": NOTE_TEXT}]
    _seal_snapshot(lead, lead.authority, snapshot)
    lead.save()
    assert NOTE_TEXT not in lead_json(lead).decode("utf-8")
    assert _flat(NOTE_TEXT) not in _flat(_pdf_text(lead_pdf(lead)))
