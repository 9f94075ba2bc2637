from __future__ import annotations

from typing import Any
from urllib.parse import unquote, urlsplit, urlunsplit

from django.conf import settings
from django.http import HttpRequest
from django.urls import NoReverseMatch, Resolver404, get_script_prefix, resolve, reverse
from django.utils.translation import get_language, override
from django.utils.translation import gettext_lazy as _

from traceobject.core.errors import AREA_PUBLIC, area_of
from traceobject.core.languages import area_languages, is_bidi, native_name, picker_languages
from traceobject.core.permissions import Permission, user_has_permission
from traceobject.core.staff import is_verified


def _translations(path: str) -> dict[str, str] | None:
    """``path`` in each public language, or None when it resolves to nothing (a 404: its "translations"
    would be the same missing path) or is no language-prefixed page.

    What ``translate_url`` does per language, with two reverses instead of 36: the routes under
    ``i18n_patterns`` are not translated, so a path differs between languages by its prefix alone (none for
    English, ``<code>/`` for the others), which one other language's reverse shows and the rest repeat.
    """
    parsed = urlsplit(path)
    try:
        match = resolve(unquote(parsed.path))
    except Resolver404:
        return None
    name = f"{match.namespace}:{match.url_name}" if match.namespace else match.url_name
    languages = area_languages(AREA_PUBLIC)
    probe = languages[1]  # area_languages puts the default first
    reversed_paths = {}
    for code in (settings.LANGUAGE_CODE, probe):
        with override(code):
            try:
                reversed_paths[code] = reverse(name, args=match.args, kwargs=match.kwargs)
            except NoReverseMatch:
                return None
    script_prefix = get_script_prefix()
    default = reversed_paths[settings.LANGUAGE_CODE]
    if reversed_paths[probe] != f"{script_prefix}{probe}/{default[len(script_prefix) :]}":
        return None
    rest = default[len(script_prefix) :]
    return {
        code: urlunsplit(
            (
                "",
                "",
                default if code == settings.LANGUAGE_CODE else f"{script_prefix}{code}/{rest}",
                parsed.query,
                "",
            )
        )
        for code in languages
    }


def _homes() -> dict[str, str]:
    """Each public language's home page."""
    homes = {}
    for code in area_languages(AREA_PUBLIC):
        with override(code):
            homes[code] = reverse("gallery:home")
    return homes


def site(request: HttpRequest) -> dict[str, Any]:
    """The public pages' language picker and alternates (``<link rel="alternate" hreflang>``).

    The picker is plain links (no JavaScript, no cookie), each language under its own name in the order
    of those names (``core.languages.picker_languages``). A page answering a POST (the receipt, a form
    shown again) links to the page it belongs to, since its own URL only accepts POST; it has no
    alternates, being no page that another language could show.
    """
    context: dict[str, Any] = {"demo_mode": settings.EMBEDDED}
    if area_of(request.path_info) != AREA_PUBLIC:
        return context
    current = get_language() or settings.LANGUAGE_CODE
    language_path = getattr(request, "language_path", None)
    path = language_path or request.get_full_path()
    urls = _translations(path)
    # A path that is no page (a 404) has no version in another language: each language's home then,
    # not the same missing path again.
    targets = urls or _homes()
    languages = [
        {
            "code": code,
            "name_local": native_name(code),
            "bidi": is_bidi(code),
            "url": targets[code],
            "current": code == current,
        }
        for code in picker_languages(AREA_PUBLIC)
    ]
    alternates = []
    if urls and language_path is None and request.method in ("GET", "HEAD"):
        # Root-relative, not absolute: one page then serves every host name it is reached by (the clear
        # web and an onion service) from one cache entry, and never names the other.
        alternates = [{"hreflang": language["code"], "href": language["url"]} for language in languages]
        # For every other language, the unprefixed URL: English, or on the home page the root, which sends
        # each visitor on to their own language.
        alternates.append({"hreflang": "x-default", "href": urls[settings.LANGUAGE_CODE]})
    context["site_languages"] = languages
    context["current_language"] = next((language for language in languages if language["current"]), None)
    context["language_alternates"] = alternates
    return context


# (label, url name, permission): the staff navigation, shown only where the role allows.
STAFF_NAV: list[tuple[Any, str, Permission]] = [
    (_("Dashboard"), "staff:dashboard", Permission.STATS_DASHBOARD_VIEW),
    (_("Objects"), "staff:object_list", Permission.GALLERY_OBJECT_READ),
    (_("Releases"), "staff:release_list", Permission.GALLERY_RELEASE_MANAGE),
    (_("Triage"), "staff:triage_inbox", Permission.TIPS_TIP_READ),
    (_("Other reports"), "staff:triage_other", Permission.TIPS_TIP_READ),
    (_("Determinations"), "staff:determination_list", Permission.LEADS_LEAD_READ),
    (_("Leads"), "staff:lead_list", Permission.LEADS_LEAD_READ),
    (_("Authorities"), "staff:authority_list", Permission.LEADS_AUTHORITY_MANAGE),
    (_("Accounts"), "staff:user_list", Permission.ACCOUNTS_USER_MANAGE),
    (_("Vault"), "staff:vault", Permission.ACCOUNTS_USER_MANAGE),
    (_("Audit trail"), "staff:audit_list", Permission.AUDIT_EVENT_READ),
    (_("Barrier reports"), "staff:barrier_report_list", Permission.TIPS_BARRIER_READ),
]


def staff_nav(request: HttpRequest) -> dict[str, Any]:
    if not request.path.startswith("/staff/") or not is_verified(request.user):
        return {}
    items = []
    for label, name, permission in STAFF_NAV:
        if not user_has_permission(request.user, permission):
            continue
        try:
            url = reverse(name)
        except NoReverseMatch:  # a section not built yet
            continue
        items.append({"label": label, "url": url, "current": False})
    # One current entry: the longest match, since sections nest (/staff/triage/other/ is in /staff/triage/).
    matching = [item for item in items if request.path.startswith(item["url"])]
    if matching:
        max(matching, key=lambda item: len(item["url"]))["current"] = True
    return {"staff_nav": items}
