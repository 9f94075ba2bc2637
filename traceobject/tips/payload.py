"""What a tipster wrote: the document the vault seals. Its own module, so that triage can read it
without importing the intake service that calls triage."""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass, field


@dataclass(frozen=True)
class TipPayload:
    """What the tipster wrote; sealed as one JSON document."""

    text: str
    country: str = ""
    place: str = ""
    shop_brand: str = ""
    time_period: str = ""
    links: list[str] = field(default_factory=list)
    contact: str = ""

    def to_bytes(self) -> bytes:
        return json.dumps(asdict(self), ensure_ascii=False, separators=(",", ":")).encode()

    @classmethod
    def from_bytes(cls, raw: bytes) -> TipPayload:
        return cls(**json.loads(raw))


__all__ = ["TipPayload"]
