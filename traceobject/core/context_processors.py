from __future__ import annotations

from typing import Any

from django.conf import settings
from django.http import HttpRequest
from django.urls import NoReverseMatch, reverse, translate_url
from django.utils.translation import get_language, get_language_info
from django.utils.translation import gettext_lazy as _

from traceobject.core.permissions import Permission, user_has_permission
from traceobject.core.staff import is_verified


def site(request: HttpRequest) -> dict[str, Any]:
    """Language-picker links: plain URLs, so switching works without JavaScript and without a cookie."""
    current = get_language() or settings.LANGUAGE_CODE
    # A page answering a POST (the receipt, a form shown again) links to the page it belongs to:
    # its own URL only accepts POST.
    path = getattr(request, "language_path", None) or request.get_full_path()
    languages = []
    for code, _name in settings.LANGUAGES:
        languages.append(
            {
                "code": code,
                "name_local": get_language_info(code)["name_local"],
                "url": translate_url(path, code),
                "current": code == current,
            }
        )
    return {"site_languages": languages, "demo_mode": settings.EMBEDDED}


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
