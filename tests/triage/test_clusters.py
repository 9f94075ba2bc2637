from __future__ import annotations

import numpy as np
import pytest
from django.test import override_settings

from traceobject.triage import clusters

BASE = "Diese Tasche habe ich 2015 bei Biedronka in Warschau gesehen, sie kostete damals 30 Zloty."


def test_normalise_folds_case_diacritics_and_punctuation() -> None:
    assert clusters.normalise("Ikea, KRAKÓW!  Zürich…") == "ikea krakow zurich"


def test_near_duplicates_are_similar_and_different_texts_are_not() -> None:
    edited = BASE.replace("30 Zloty", "35 Zloty")
    other = "Ce tapis vient d'un marché de Marrakech, on en trouve partout au Maroc depuis les années 90."
    a, b, c = (clusters.fingerprint(text) for text in (BASE, edited, other))
    assert a is not None
    assert b is not None
    assert c is not None
    assert clusters.similarity(a, b) >= clusters.THRESHOLD
    assert clusters.similarity(a, c) < 0.2
    assert clusters.exact_similarity(BASE, edited) >= clusters.THRESHOLD
    assert clusters.exact_similarity(BASE, other) < 0.1


def test_signature_and_band_keys_are_stable_and_round_trip() -> None:
    signature = clusters.fingerprint(BASE)
    assert signature is not None
    assert signature.shape == (clusters.NUM_PERM,)
    raw = clusters.signature_bytes(signature)
    assert len(raw) == clusters.NUM_PERM * 4
    assert np.array_equal(clusters.signature_from_bytes(raw), signature)
    keys = clusters.band_keys(signature)
    assert len(keys) == clusters.BANDS
    assert keys == clusters.band_keys(clusters.fingerprint(BASE))  # type: ignore[arg-type]
    assert all(-(2**63) <= key < 2**63 for key in keys)


def test_identical_bands_in_different_positions_do_not_collide() -> None:
    signature = np.full(clusters.NUM_PERM, 7, dtype="<u4")
    keys = clusters.band_keys(signature)
    assert len(set(keys)) == clusters.BANDS


def test_the_signature_depends_on_the_deployment_key() -> None:
    """Without the pepper, a stolen signature cannot be matched against guessed texts."""
    first = clusters.fingerprint(BASE)
    with override_settings(RECEIPT_PEPPER="another deployment's pepper"):
        second = clusters.fingerprint(BASE)
    assert first is not None
    assert second is not None
    assert clusters.similarity(first, second) < 0.2


@pytest.mark.parametrize("text", ["", "   ", "!!! ???"])
def test_text_without_words_has_no_fingerprint(text: str) -> None:
    assert clusters.fingerprint(text) is None


def test_short_text_has_a_fingerprint() -> None:
    assert clusters.fingerprint("IKEA") is not None


def test_scripts_without_spaces_still_cluster() -> None:
    text = "这个包是在上海的一家商场买的，大概是二零一五年，价格很便宜。"  # noqa: RUF001
    edited = text.replace("很便宜", "非常便宜")
    a, b = clusters.fingerprint(text), clusters.fingerprint(edited)
    assert a is not None
    assert b is not None
    assert clusters.similarity(a, b) >= 0.5
