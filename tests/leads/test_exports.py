"""Exports of a lead: the PDF dossier (text asserted, a page rendered), the JSON, and the bundle."""

from __future__ import annotations

import hashlib
import io
import json
import os
import zipfile
from pathlib import Path

import pypdfium2 as pdfium
import pytest

from tests.imaging import corpus
from tests.leads.conftest import NOTE_TEXT, PL_RATIONALE, POLAND_TIP, Loop
from traceobject.core.errors import ApplicationError
from traceobject.imaging.sanitize import inspect
from traceobject.leads.exports import _fetcher, lead_bundle, lead_json, lead_pdf
from traceobject.leads.selectors import lead_snapshot

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
        NOTE_TEXT,
    ):
        assert _flat(expected) in text, expected
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
    for key in ("object", "determination", "tips", "notes", "country", "authority"):
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
