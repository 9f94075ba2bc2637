"""What signal extraction returns. Shared by the intake, the triage pages and ``traceobject signals``."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any


@dataclass(frozen=True)
class CountrySignal:
    """One mention of a country. ``start``/``end`` are offsets into the payload ``field`` (None when
    the signal does not come from a span of text, e.g. the structured country field)."""

    code: str  # ISO 3166-1 alpha-2, upper case
    # "name" | "inflection" | "demonym" | "typo" | "subdivision" | "city" | "phone" | "currency"
    # | "postcode" | "chain" | "code" | "domain" | "field"
    source: str
    confidence: float  # 0..1
    field: str = "text"  # the TipPayload field it was read from: text, place, shop_brand, links, country
    start: int | None = None
    end: int | None = None

    def to_json(self) -> dict[str, Any]:
        return {"code": self.code, "source": self.source, "confidence": round(self.confidence, 2)}


@dataclass(frozen=True)
class LinkSignal:
    domain: str  # host name, lower case, without a leading "www."
    kind: str  # "marketplace" | "store" | "other"
    field: str = "links"
    start: int | None = None
    end: int | None = None

    def to_json(self) -> dict[str, Any]:
        return {"domain": self.domain, "kind": self.kind}


@dataclass(frozen=True)
class Signals:
    language: str = ""  # ISO 639-1 code, "" when unknown
    countries: list[CountrySignal] = field(default_factory=list)  # every mention, in reading order
    links: list[LinkSignal] = field(default_factory=list)
    shop: str = ""  # the shop/brand field, normalised ("" when empty): the key tips are grouped by
    shop_text: str = ""  # the same field as the tipster spelt it, for display ("" when ``shop`` is)

    def best_countries(self) -> dict[str, CountrySignal]:
        """One signal per country: the most confident mention."""
        best: dict[str, CountrySignal] = {}
        for signal in self.countries:
            if signal.code not in best or signal.confidence > best[signal.code].confidence:
                best[signal.code] = signal
        return best

    def to_json(self) -> dict[str, Any]:
        return {
            "language": self.language,
            "countries": [signal.to_json() for signal in self.best_countries().values()],
            "links": [link.to_json() for link in self.links],
            "shop": self.shop,
        }
