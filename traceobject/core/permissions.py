"""The one list of permissions, and the one place that maps roles to them.

Names follow ``scope:resource:action``. Views declare the permission they need (``core.staff``),
services check it again, so that a view that forgets cannot leak and a permission test can
enumerate every staff URL against every role.
"""

from __future__ import annotations

from enum import StrEnum
from typing import Any

from django.db import models
from django.utils.translation import gettext_lazy as _

from traceobject.core.errors import PermissionDeniedError


class Role(models.TextChoices):
    ADMINISTRATOR = "administrator", _("Administrator")
    PUBLISHER = "publisher", _("Publisher")
    ANALYST = "analyst", _("Analyst")
    PARTNER = "partner", _("National partner")
    AUDITOR = "auditor", _("Auditor")


class Permission(StrEnum):
    STAFF_WORKSPACE_VIEW = "staff:workspace:view"
    ACCOUNTS_USER_MANAGE = "accounts:user:manage"
    AUDIT_EVENT_READ = "audit:event:read"
    AUDIT_EVENT_EXPORT = "audit:event:export"
    GALLERY_OBJECT_READ = "gallery:object:read"
    GALLERY_OBJECT_WRITE = "gallery:object:write"
    GALLERY_OBJECT_REVIEW = "gallery:object:review"
    GALLERY_RELEASE_MANAGE = "gallery:release:manage"
    GALLERY_OBJECT_WITHDRAW = "gallery:object:withdraw"
    # Adding and renaming categories (for now in Django's admin, through ``gallery.services``).
    GALLERY_CATEGORY_MANAGE = "gallery:category:manage"
    TIPS_TIP_READ = "tips:tip:read"
    TIPS_TIP_UPDATE = "tips:tip:update"
    # Asking a tipster a question through the anonymous follow-up channel (``tips.followups``).
    TIPS_FOLLOWUP_ASK = "tips:followup:ask"
    # Reading the accessibility barrier reports sent through the statement's public form (``tips.barriers``):
    # sealed like tips, so only the roles that hold the tip key; administrators too, who answer them.
    TIPS_BARRIER_READ = "tips:barrier:read"
    PARTNER_PORTAL_VIEW = "partner:portal:view"
    LEADS_DETERMINATION_PROPOSE = "leads:determination:propose"
    LEADS_DETERMINATION_CONFIRM = "leads:determination:confirm"
    LEADS_LEAD_READ = "leads:lead:read"
    LEADS_LEAD_SEND = "leads:lead:send"
    LEADS_AUTHORITY_MANAGE = "leads:authority:manage"
    PARTNER_LEAD_READ = "partner:lead:read"
    PARTNER_LEAD_REPORT = "partner:lead:report"
    # Telling the analysts what a partner recognises in an object published for partners.
    PARTNER_OBJECT_REPORT = "partner:object:report"
    STATS_DASHBOARD_VIEW = "stats:dashboard:view"


P = Permission

ROLE_PERMISSIONS: dict[str, frozenset[Permission]] = {
    # Administrators run accounts; they do not author or publish, so that account power and
    # publication power stay with different people.
    Role.ADMINISTRATOR: frozenset(
        {
            P.STAFF_WORKSPACE_VIEW,
            P.ACCOUNTS_USER_MANAGE,
            P.AUDIT_EVENT_READ,
            P.AUDIT_EVENT_EXPORT,
            P.LEADS_AUTHORITY_MANAGE,
            P.STATS_DASHBOARD_VIEW,
            P.TIPS_BARRIER_READ,
        }
    ),
    Role.PUBLISHER: frozenset(
        {
            P.STAFF_WORKSPACE_VIEW,
            P.GALLERY_OBJECT_READ,
            P.GALLERY_OBJECT_WRITE,
            P.GALLERY_OBJECT_REVIEW,
            P.GALLERY_RELEASE_MANAGE,
            P.GALLERY_OBJECT_WITHDRAW,
            P.GALLERY_CATEGORY_MANAGE,
            P.TIPS_TIP_READ,
            P.TIPS_BARRIER_READ,
            # A determination is confirmed by a second person: an analyst or a publisher.
            P.LEADS_DETERMINATION_PROPOSE,
            P.LEADS_DETERMINATION_CONFIRM,
            P.LEADS_LEAD_READ,
            P.LEADS_LEAD_SEND,
            P.LEADS_AUTHORITY_MANAGE,
            P.STATS_DASHBOARD_VIEW,
        }
    ),
    Role.ANALYST: frozenset(
        {
            P.STAFF_WORKSPACE_VIEW,
            P.GALLERY_OBJECT_READ,
            P.GALLERY_OBJECT_WRITE,
            P.TIPS_TIP_READ,
            P.TIPS_TIP_UPDATE,
            P.TIPS_FOLLOWUP_ASK,
            P.TIPS_BARRIER_READ,
            P.LEADS_DETERMINATION_PROPOSE,
            P.LEADS_DETERMINATION_CONFIRM,
            P.LEADS_LEAD_READ,
            P.LEADS_LEAD_SEND,
            P.STATS_DASHBOARD_VIEW,
        }
    ),
    Role.PARTNER: frozenset(
        {P.PARTNER_PORTAL_VIEW, P.PARTNER_LEAD_READ, P.PARTNER_LEAD_REPORT, P.PARTNER_OBJECT_REPORT}
    ),
    Role.AUDITOR: frozenset(
        {
            P.STAFF_WORKSPACE_VIEW,
            P.AUDIT_EVENT_READ,
            P.AUDIT_EVENT_EXPORT,
            P.GALLERY_OBJECT_READ,
            P.LEADS_LEAD_READ,
            P.STATS_DASHBOARD_VIEW,
        }
    ),
}


def role_permissions(role: str | None) -> frozenset[Permission]:
    return ROLE_PERMISSIONS.get(role or "", frozenset())


def roles_with_permission(permission: Permission) -> list[Role]:
    """The roles that grant ``permission``, in the order of ``Role``: for "who may do this?" answers."""
    return [Role(role) for role in Role.values if permission in ROLE_PERMISSIONS.get(role, frozenset())]


def user_has_permission(user: Any, permission: Permission) -> bool:
    """True for an active staff account whose role grants ``permission``.

    Superusers get nothing here on purpose: Django's admin is their tool; the workspace follows roles.
    """
    if user is None or not getattr(user, "is_authenticated", False) or not user.is_active:
        return False
    return permission in role_permissions(getattr(user, "role", None))


def permission_require(actor: Any, *permissions: Permission, any_of: bool = False) -> None:
    """The services' own check (views check first, with ``core.staff.staff_view``): refuse with
    ``PermissionDeniedError`` unless ``actor`` holds every permission (``any_of``: at least one).

    The one permission mechanism of the code: services call nothing else to refuse by role."""
    held = (user_has_permission(actor, permission) for permission in permissions)
    if not (any(held) if any_of else all(held)):
        raise PermissionDeniedError
