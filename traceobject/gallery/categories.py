"""The names of the standard categories, in the visitor's language.

A category is a row (``gallery.models.Category``) whose ``name`` staff enter once; the standard ones,
known by their slug, are named here instead, so that "Textiles and wallpaper" reads in Polish on
``/pl/`` and in the partner's language on the portal. This module is its own file because the
translation scopes are lists of files (``core.translations.PUBLIC_SOURCES`` and ``PARTNER_SOURCES``):
the public and partner languages translate what it holds, and nothing else of ``gallery/models.py``.
A category created later by staff with another slug shows its stored name as it is.
"""

from __future__ import annotations

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

CATEGORY_LABELS: dict[str, Promise] = {
    "bags": _("Bags"),
    "bottles": _("Bottles"),
    "buildings-landscapes": _("Buildings and landscapes"),
    "clothing": _("Clothing"),
    "furniture": _("Furniture"),
    "packaging": _("Packaging"),
    "shoes": _("Shoes"),
    "signs-logos": _("Signs and logos"),
    "textiles": _("Textiles and wallpaper"),
    "toys": _("Toys"),
}


def category_label(slug: str, name: str) -> str:
    """The name to show for a category: the translated standard name, or the stored one."""
    label = CATEGORY_LABELS.get(slug)
    return str(label) if label is not None else name
