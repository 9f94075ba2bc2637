"""Hand-curated tables for signal extraction, kept as JSON so that analysts can review them."""

from __future__ import annotations

import json
from functools import cache
from importlib import resources
from typing import Any


@cache
def load(name: str) -> Any:
    """One table, parsed once per process."""
    return json.loads(resources.files(__name__).joinpath(name).read_text(encoding="utf-8"))
