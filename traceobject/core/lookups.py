"""The one lookup helper of every view (ARCHITECTURE 4.15).

Each app's selectors decide who may see what (``object_public_get``, ``object_staff_get``,
``object_for_triage``, a partner's own leads …) and answer ``None`` for anything this user may not
see; views turn that ``None`` into the area's 404 here, so an outsider cannot tell "forbidden" from
"absent".
"""

from __future__ import annotations

from typing import TypeVar

from django.http import Http404

T = TypeVar("T")


def found_or_404(found: T | None) -> T:
    """``found``, or a 404 when the selector found nothing this user may see."""
    if found is None:
        raise Http404
    return found


__all__ = ["found_or_404"]
