"""Near-duplicate detection: MinHash signatures and LSH band keys (datasketch's MinHash).

The LSH index lives in the database (``Band`` rows) rather than in datasketch's in-memory index, so that
every web worker and task process shares it, it survives restarts, and it grows one tip at a time.

Shingles are hashed with a keyed BLAKE2b (key derived from the receipt pepper): the stored signatures
and band keys then say nothing testable about the words of a tip to someone holding only the database.
Rotating the pepper starts a new keyspace: old tips stop matching new ones (clusters restart).
"""

from __future__ import annotations

import hashlib
import hmac
import re
import unicodedata
from functools import cache

import numpy as np
from datasketch import MinHash
from django.conf import settings

NUM_PERM = 64
BANDS, ROWS = 16, 4  # P(candidate) = 1 - (1 - s^4)^16: 0.89 at s=0.6, 0.99 at s=0.7, 0.03 at s=0.2
SHINGLE = 5  # characters: works for scripts written without spaces, too
THRESHOLD = 0.6  # estimated Jaccard similarity at or above which a tip joins a candidate's cluster
SCHEME = "affine32"

_NON_WORD = re.compile(r"[\W_]+", re.UNICODE)


def normalise(text: str) -> str:
    """Fold case, diacritics and punctuation, so that "Ikea, Kraków!" and "ikea krakow" shingle alike."""
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    stripped = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    return _NON_WORD.sub(" ", stripped).strip()


def shingles(text: str) -> set[bytes]:
    norm = normalise(text)
    if len(norm) <= SHINGLE:
        return {norm.encode()} if norm else set()
    return {norm[i : i + SHINGLE].encode() for i in range(len(norm) - SHINGLE + 1)}


@cache
def _hash_key(pepper: str) -> bytes:
    return hmac.new(pepper.encode(), b"traceobject triage fingerprint v1", hashlib.sha256).digest()


def _keyed_hash(key: bytes) -> object:
    def hash32(data: bytes) -> int:
        return int.from_bytes(hashlib.blake2b(data, key=key, digest_size=4).digest(), "little")

    return hash32


@cache
def _template(pepper: str) -> MinHash:
    return MinHash(num_perm=NUM_PERM, hashfunc=_keyed_hash(_hash_key(pepper)), scheme=SCHEME)


def fingerprint(text: str) -> np.ndarray | None:
    """The text's MinHash signature (uint32 x NUM_PERM), or None when it has nothing to compare."""
    grams = shingles(text)
    if not grams:
        return None
    template = _template(settings.RECEIPT_PEPPER)
    minhash = MinHash(
        num_perm=NUM_PERM, hashfunc=template.hashfunc, permutations=template.permutations, scheme=SCHEME
    )
    minhash.update_batch(grams)
    return np.asarray(minhash.hashvalues, dtype="<u4")


def signature_bytes(signature: np.ndarray) -> bytes:
    return signature.astype("<u4").tobytes()


def signature_from_bytes(raw: bytes | memoryview) -> np.ndarray:
    return np.frombuffer(bytes(raw), dtype="<u4")


def band_keys(signature: np.ndarray) -> list[int]:
    """One signed 64-bit key per band; the band's index is hashed in so that bands never collide."""
    keys = []
    for band in range(BANDS):
        chunk = signature[band * ROWS : (band + 1) * ROWS].astype("<u4").tobytes()
        digest = hashlib.blake2b(bytes([band]) + chunk, digest_size=8).digest()
        keys.append(int.from_bytes(digest, "little", signed=True))
    return keys


def similarity(first: np.ndarray, second: np.ndarray) -> float:
    """MinHash estimate of the Jaccard similarity of two signatures."""
    return float(np.count_nonzero(first == second)) / NUM_PERM


def exact_similarity(first: str, second: str) -> float:
    """The exact Jaccard similarity of two texts' shingle sets: the benchmark's baseline."""
    a, b = shingles(first), shingles(second)
    if not a or not b:
        return 0.0
    return len(a & b) / len(a | b)
