"""A lead as files: the JSON snapshot, the PDF dossier, and a zip of both with a SHA-256 manifest.

Everything is rendered from the sealed snapshot, never from the live tables, so that every export of a
lead shows what was frozen when it was confirmed. The PDF renderer fetches nothing: images are data:
URIs and every other URL is refused.
"""

from __future__ import annotations

import base64
import copy
import hashlib
import io
import json
import logging
import warnings
import zipfile
from datetime import datetime
from typing import Any

from babel import Locale
from django.template.loader import render_to_string
from django.utils import translation
from PIL import ImageFile

from traceobject.leads.models import Lead
from traceobject.leads.selectors import lead_snapshot

# A fixed time for every zip member, so that the same lead always zips to the same bytes.
_ZIP_TIME = (2020, 1, 1, 0, 0, 0)


def _json_bytes(value: Any) -> bytes:
    return json.dumps(value, sort_keys=True, ensure_ascii=False, indent=2).encode("utf-8") + b"\n"


def lead_document(lead: Lead) -> dict[str, Any]:
    """The snapshot without the image data (the images travel as files); with their SHA-256."""
    snapshot = copy.deepcopy(lead_snapshot(lead))
    for image in snapshot.get("images", []):
        image.pop("data_base64", None)
    snapshot["snapshot_sha256"] = lead.snapshot_sha256
    snapshot["image_sha256"] = sorted(image["sha256"] for image in snapshot.get("images", []))
    return snapshot


def lead_json(lead: Lead) -> bytes:
    """Deterministic JSON: sorted keys, UTF-8, the same bytes for the same lead."""
    return _json_bytes(lead_document(lead))


def _iso(value: str | None) -> str:
    """An ISO 8601 time to the minute with its offset (``2026-03-01T10:15+00:00``): exports use ISO dates."""
    return datetime.fromisoformat(value).isoformat(timespec="minutes") if value else ""


def _country_name(code: str) -> str:
    return str(Locale("en").territories.get(code, code))


def _dossier_context(snapshot: dict[str, Any], checksum: str) -> dict[str, Any]:
    country = snapshot["country"]
    determination = snapshot["determination"]
    own = [c for c in determination["countries"] if c["country"] == country]
    tips = [
        {
            **tip,
            "received": _iso(tip.get("received_at")),
            "thread": [
                {**message, "when": _iso(message.get("created_at"))}
                for message in tip.get("follow_ups") or []
            ],
        }
        for tip in snapshot.get("tips", [])
    ]
    note = snapshot.get("note_for_authority")
    return {
        "snapshot": snapshot,
        "reference": snapshot["reference"],
        "country": country,
        "country_name": _country_name(country),
        "authority": snapshot["authority"],
        "created": _iso(snapshot.get("created_at")),
        "object": snapshot["object"],
        "published": _iso(snapshot["object"].get("published_at"))[:10],
        "images": [
            {**image, "uri": f"data:{image['media_type']};base64,{image['data_base64']}"}
            for image in snapshot.get("images", [])
        ],
        "determination": determination,
        "decided": _iso(determination.get("decided_at")),
        "claim": own[0] if own else None,
        "others": [
            {**c, "name": _country_name(c["country"])}
            for c in determination["countries"]
            if c["country"] != country
        ],
        "tips": tips,
        "note": {**note, "when": _iso(note.get("written_at"))} if note else None,
        "checksum": checksum,
    }


class _QuietFontSubsetting(logging.Filter):
    """Drops WeasyPrint's per-font note that it subsets with fontTools when HarfBuzz-Subset is missing."""

    def filter(self, record: logging.LogRecord) -> bool:
        return "HarfBuzz-Subset" not in record.getMessage()


logging.getLogger("weasyprint").addFilter(_QuietFontSubsetting())


def _weasyprint() -> Any:
    """WeasyPrint, imported on first use (it loads Pango). Without the optional HarfBuzz-Subset library
    it warns on import that a future version will need it; that is a packaging note, not our error."""
    with warnings.catch_warnings():
        warnings.filterwarnings("ignore", message="HarfBuzz-Subset", category=DeprecationWarning)
        import weasyprint
        import weasyprint.urls
    # WeasyPrint's import sets Pillow's process-wide LOAD_TRUNCATED_IMAGES; our own images are whole, and
    # the upload checks (imaging.sanitize) must keep refusing truncated files in this process too.
    ImageFile.LOAD_TRUNCATED_IMAGES = False
    return weasyprint


def _fetcher() -> Any:
    """A URL fetcher that serves data: URIs only, so that rendering never touches a network or a file."""
    return _weasyprint().urls.URLFetcher(allowed_protocols={"data"}, allow_redirects=False, timeout=1)


def lead_pdf(lead: Lead) -> bytes:
    """The A4 dossier, rendered by WeasyPrint from ``leads/dossier.html`` (always in English)."""
    with translation.override("en"):
        html = render_to_string(
            "leads/dossier.html", _dossier_context(lead_snapshot(lead), lead.snapshot_sha256)
        )
    pdf: bytes = _weasyprint().HTML(string=html, base_url="data:,", url_fetcher=_fetcher()).write_pdf()
    return pdf


def _member(archive: zipfile.ZipFile, name: str, data: bytes) -> None:
    info = zipfile.ZipInfo(name, date_time=_ZIP_TIME)
    info.compress_type = zipfile.ZIP_DEFLATED
    info.external_attr = 0o644 << 16
    archive.writestr(info, data)


def lead_bundle(lead: Lead) -> bytes:
    """A zip: dossier.pdf, lead.json, the images, and MANIFEST.sha256 (``sha256sum -c`` format)."""
    snapshot = lead_snapshot(lead)
    files: dict[str, bytes] = {"dossier.pdf": lead_pdf(lead), "lead.json": lead_json(lead)}
    for image in snapshot.get("images", []):
        files[f"images/{image['name']}"] = base64.b64decode(image["data_base64"])
    manifest = "".join(
        f"{hashlib.sha256(data).hexdigest()}  {name}\n" for name, data in sorted(files.items())
    )
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        for name, data in sorted(files.items()):
            _member(archive, name, data)
        _member(archive, "MANIFEST.sha256", manifest.encode("ascii"))
    return out.getvalue()


def lead_filename(lead: Lead, extension: str) -> str:
    """``L-2026-00042.pdf``: the reference only, never the object or the country."""
    return f"{lead.reference}.{extension}"
