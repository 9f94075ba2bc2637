"""What the tips app asks of the apps above it (``core.hooks``; docs/architecture.md, Layers).

The intake (``tips.services.tip_submit``) extracts the triage signals and the near-duplicate
fingerprint from the clear text before the vault seals it, and stores the tip with its signals, cluster
and counters in one transaction. That work is triage's (``triage/intake.py``), one layer up, so triage
provides it here in its ``AppConfig.ready()``:

* ``tip_prepare(payload)``: the signals and fingerprint of a tip's clear text, computed before sealing.
  The result has ``signals.language``, ``has_contact`` and ``has_links``, which the tip row keeps.
* ``object_lock(object_id)``: serialise the intake of one object (PostgreSQL advisory lock), inside the
  tip's transaction, before the tip row is written.
* ``tip_index(tip=..., prepared=...)``: store the signals, the cluster and the counters of the new
  tip, in the same transaction.

They are providers, not notifications: without triage no tip can be stored (``ImproperlyConfigured``),
rather than tips stored without their evidence.
"""

from __future__ import annotations

from typing import Any

from traceobject.core.hooks import Provider

tip_prepare: Provider[..., Any] = Provider("tips.hooks.tip_prepare")
object_lock: Provider[[int], None] = Provider("tips.hooks.object_lock")
tip_index: Provider[..., None] = Provider("tips.hooks.tip_index")

__all__ = ["object_lock", "tip_index", "tip_prepare"]
