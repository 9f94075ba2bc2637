"""The triage load generator (bench/generate.py) on a small scale, on the tests' SQLite database.

The benchmark is only as good as its data: these tests hold the generator to the real code. Its
aggregates must equal what the real refresh functions compute from the generated tips, and its
in-memory clustering must give the partition that the real intake (``tip_index``) gives when the same
tips arrive one by one.
"""

from __future__ import annotations

from collections import defaultdict
from datetime import UTC, datetime
from typing import Any

import pytest
from django.db.models import F

from bench import generate
from traceobject import vault
from traceobject.gallery.models import Object
from traceobject.tips.models import Tip
from traceobject.tips.payload import TipPayload
from traceobject.triage import clusters
from traceobject.triage.intake import Prepared, tip_index
from traceobject.triage.models import Band, Cluster, Fingerprint, Signal, Term
from traceobject.triage.signals.types import Signals

NOW = datetime(2026, 11, 1, tzinfo=UTC)


@pytest.fixture
def built(db: None) -> dict[str, Any]:
    # Through the ORM on both databases: COPY drops constraints, which a test transaction cannot.
    return generate.generate(tips=400, objects=5, seed=7, workers=1, now=NOW, quiet=True, use_copy=False)


def test_the_aggregates_equal_the_real_refresh(built: dict[str, Any]) -> None:
    object_ids = list(
        Object.objects.filter(code__startswith=generate.CODE_PREFIX).values_list("pk", flat=True)
    )
    assert len(object_ids) == 5

    report = generate.check(object_ids, quiet=True)

    assert report["ok"], report
    assert all(result["rows_compared"] > 0 for result in report["objects"].values())


def test_the_dataset_is_varied(built: dict[str, Any]) -> None:
    shape = generate.dataset_shape()

    assert built["tips"] == shape["tips"] == Tip.objects.count() == 400
    detected = {language for language in shape["languages"] if language != "-"}
    assert len(detected) >= 12, shape["languages"]
    assert set(built["kinds"]) >= {"original", "repost", "copy", "burst"}
    # Near-duplicates: fewer clusters than tips, and clusters of several tips.
    assert shape["clusters"] < shape["tips"]
    assert shape["largest_clusters"][0] >= 5
    assert set(shape["status"]) >= {"new", "relevant", "not_relevant", "duplicate"}
    assert shape["contact"].get("yes", 0) > 0
    assert shape["links"].get("yes", 0) > 0
    assert Signal.objects.filter(kind="country").exists()
    assert Term.objects.filter(kind="domain").exists()


def test_every_table_intake_writes_is_filled_consistently(built: dict[str, Any]) -> None:
    tips = Tip.objects.count()
    with_fingerprint = Fingerprint.objects.count()

    assert 0 < with_fingerprint <= tips
    assert Band.objects.count() == clusters.BANDS * with_fingerprint
    # Each fingerprint carries its tip's cluster, as the intake writes it.
    assert not Fingerprint.objects.exclude(cluster_id=F("tip__cluster_id")).exists()
    assert Cluster.objects.count() == Tip.objects.values("cluster_id").distinct().count()
    # A cluster's key is its first tip, which belongs to it.
    for cluster in Cluster.objects.all()[:50]:
        first = Tip.objects.filter(cluster_id=cluster.pk).order_by("pk").first()
        assert first is not None
        assert first.pk == cluster.pk
    # Sealed with the real vault: every tip opens to a payload, and its text's fingerprint is stored,
    # or, for a repost, its cluster holds an indexed tip with the very same signature.
    for tip in Tip.objects.order_by("?")[:40]:
        payload = TipPayload.from_bytes(vault.open(bytes(tip.sealed)))
        signature = clusters.fingerprint(payload.text)
        stored = Fingerprint.objects.filter(tip=tip).first()
        if signature is None:
            assert stored is None
        elif stored is not None:
            assert bytes(stored.signature) == clusters.signature_bytes(signature)
        else:
            twins = Fingerprint.objects.filter(
                tip__cluster_id=tip.cluster_id, tip__lt=tip.pk, signature=clusters.signature_bytes(signature)
            )
            assert twins.exists()
    # Reposts are common in the load: the index holds fewer fingerprints than tips with text.
    assert with_fingerprint < Tip.objects.exclude(cluster=None).count()


def test_the_clusters_are_those_the_real_intake_makes(built: dict[str, Any]) -> None:
    """Replay the largest object's tips through ``tip_index`` into a new object: same partition."""
    source = max(Object.objects.filter(code__startswith=generate.CODE_PREFIX), key=lambda o: o.tips.count())
    mirror = Object.objects.create(
        code="MIRROR-1",
        title="Mirror",
        category=source.category,
        status=source.status,
        release=source.release,
    )
    generated: dict[int, list[int]] = defaultdict(list)
    replayed: dict[int, list[int]] = defaultdict(list)
    for position, tip in enumerate(source.tips.order_by("pk")):
        text = TipPayload.from_bytes(vault.open(bytes(tip.sealed))).text
        copy = Tip.objects.create(object=mirror, sealed=b"", created_at=tip.created_at)
        tip_index(
            tip=copy,
            prepared=Prepared(
                signals=Signals(), signature=clusters.fingerprint(text), has_contact=False, has_links=False
            ),
        )
        assert tip.cluster_id is not None
        assert copy.cluster_id is not None
        generated[tip.cluster_id].append(position)
        replayed[copy.cluster_id].append(position)

    assert sorted(generated.values()) == sorted(replayed.values())


def test_payload_bytes_are_those_of_tip_payload() -> None:
    payloads = generate._Payloads()
    fields = {"text": "Vu à Łódź", "links": ["https://allegro.pl/oferta/1"], "contact": "x@example.org"}

    index = payloads.add(fields, "fr")

    expected = TipPayload(text="Vu à Łódź", links=["https://allegro.pl/oferta/1"], contact="x@example.org")
    assert payloads.items[index] == expected.to_bytes()
    assert payloads.add(dict(fields), "fr") == index  # the same payload again: one distinct payload


def test_attention_is_uneven_and_sums_up() -> None:
    import random

    counts = generate.attention(1_000_000, 500, random.Random(1))

    assert sum(counts) == 1_000_000
    ordered = sorted(counts, reverse=True)
    assert ordered[0] > 50_000
    assert ordered[250] < 1_000
