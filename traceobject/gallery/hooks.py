"""What the gallery asks of, or tells, the apps above it (``core.hooks``; docs/architecture.md, Layers).

* ``object_safety_report(obj=...)``: the pre-publication safety report of an object's images, with a
  ``blocking`` flag and the per-image findings. The imaging app provides it; the review refuses
  approval on a blocking report, and without a provider every approval fails loudly.
* ``object_withdrawn(obj=...)``: an object was withdrawn, inside the withdrawal's transaction. The
  imaging app deletes its public image files after the commit.
* ``figures_changed()``: something the public figures count moved (an object published or withdrawn,
  a determination confirmed, tips purged), inside the change's transaction. ``stats`` forgets its
  cached figures and recomputes them after the commit. Apps above the gallery (triage, leads) send it
  too: it lives in the lowest app that needs it.
"""

from __future__ import annotations

from typing import Any

from traceobject.core.hooks import Hook, Provider

object_safety_report: Provider[..., Any] = Provider("gallery.hooks.object_safety_report")
object_withdrawn: Hook[...] = Hook("gallery.hooks.object_withdrawn")
figures_changed: Hook[[]] = Hook("gallery.hooks.figures_changed")

__all__ = ["figures_changed", "object_safety_report", "object_withdrawn"]
