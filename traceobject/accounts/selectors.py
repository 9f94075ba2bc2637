"""Reads for staff accounts and second factors."""

from __future__ import annotations

import base64
from dataclasses import dataclass
from typing import Any
from xml.etree import ElementTree as ET

import qrcode
import qrcode.image.svg
from django.db.models import Exists, OuterRef, Q, QuerySet
from django.utils.translation import gettext as _
from django_otp.plugins.otp_totp.models import TOTPDevice

from traceobject.accounts.models import User
from traceobject.core.countries import country_choices
from traceobject.core.errors import NotFoundError
from traceobject.core.permissions import Role
from traceobject.vault import keyring, rotation
from traceobject.vault.models import KeyGrant, StaffKey, VaultKey

QR_PIXELS = 240


def user_list() -> QuerySet[User]:
    """Every account, with ``has_second_factor``, in one query."""
    confirmed = TOTPDevice.objects.filter(user=OuterRef("pk"), confirmed=True)
    return User.objects.annotate(has_second_factor=Exists(confirmed)).order_by("username")


@dataclass(frozen=True)
class UserSearch:
    """``query`` matches a username or a name (parts), a role by its name or value, or a country by its
    code or its name in ``language``; ``role`` and ``country`` narrow exactly."""

    query: str = ""
    role: str = ""
    country: str = ""
    language: str = "en"


def _query_matches(query: str, language: str) -> Q:
    folded = query.casefold()
    matches = Q()
    for word in query.split():
        matches &= Q(username__icontains=word) | Q(first_name__icontains=word) | Q(last_name__icontains=word)
    roles = [role.value for role in Role if folded in (role.value, str(role.label).casefold())]
    countries = [
        code
        for code, name in country_choices(language)
        if folded == code.casefold() or folded in name.casefold()
    ]
    return matches | Q(role__in=roles) | Q(country__in=countries)


def user_search(*, search: UserSearch) -> QuerySet[User]:
    """The account list, filtered; the same single query as ``user_list``."""
    users = user_list()
    if search.query.strip():
        users = users.filter(_query_matches(search.query.strip(), search.language))
    if search.role:
        users = users.filter(role=search.role)
    if search.country:
        users = users.filter(country=search.country)
    return users


def user_get(*, pk: int) -> User:
    user = user_list().filter(pk=pk).first()
    if user is None:
        raise NotFoundError(_("No such account."))
    return user


def user_has_second_factor(*, user: User) -> bool:
    return TOTPDevice.objects.filter(user=user, confirmed=True).exists()


@dataclass(frozen=True)
class TotpEnrolment:
    secret: str  # base32, in groups of four for typing
    uri: str  # otpauth://, what the QR code holds
    qr_svg: str  # inline <svg>, with no style attribute and nothing from another host


def _qr_svg(data: str, *, title: str) -> str:
    image = qrcode.make(data, image_factory=qrcode.image.svg.SvgPathImage, border=4)
    svg = image.get_image()
    # Pixel size instead of millimetres, an accessible name, and a white background under the code
    # (an attribute, not a style, so the CSP's style-src 'self' has nothing to refuse).
    svg.set("width", str(QR_PIXELS))
    svg.set("height", str(QR_PIXELS))
    svg.set("role", "img")
    svg.set("aria-labelledby", "totp-qr-title")
    svg.set("class", "totp-qr")
    background = ET.Element("rect", {"width": "100%", "height": "100%", "fill": "#ffffff"})
    label = ET.Element("title", {"id": "totp-qr-title"})
    label.text = title
    svg.insert(0, background)
    svg.insert(0, label)
    for element in svg.iter():
        if "style" in element.attrib:  # not produced by qrcode 8; the CSP would refuse it
            del element.attrib["style"]
    return ET.tostring(svg, encoding="unicode")


def totp_enrolment(*, device: TOTPDevice) -> TotpEnrolment:
    secret = base64.b32encode(device.bin_key).decode("ascii").rstrip("=")
    grouped = " ".join(secret[i : i + 4] for i in range(0, len(secret), 4))
    uri = device.config_url
    return TotpEnrolment(
        secret=grouped, uri=uri, qr_svg=_qr_svg(uri, title=_("QR code for your authenticator app"))
    )


@dataclass(frozen=True)
class VaultAccess:
    has_key_pair: bool
    held: list[str]  # descriptions of the keys granted
    missing: list[str]  # the keys the role warrants that are not granted


def _key_label(key: Any) -> str:
    if key.authority_id is None:
        return _("tip key %(id)s") % {"id": key.key_id}
    return _("key of %(authority)s (%(id)s)") % {"authority": key.authority.name, "id": key.key_id}


def vault_access(*, user: User) -> VaultAccess:
    """What the account's vault access looks like, for the administrator's account page."""

    grants = KeyGrant.objects.filter(user=user, key__retired_at__isnull=True).select_related("key__authority")
    return VaultAccess(
        has_key_pair=StaffKey.objects.filter(user=user).exists(),
        held=[_key_label(grant.key) for grant in grants],
        missing=[_key_label(key) for key in keyring.keys_missing(user=user)],
    )


@dataclass(frozen=True)
class VaultKeyRow:
    key_id: str
    label: str
    created_at: Any
    retired_at: Any
    holders: int


@dataclass(frozen=True)
class VaultOverview:
    keys: list[VaultKeyRow]
    rotation: Any  # the KeyRotation under way, or None
    rotation_waiting: bool  # under way, but the task lost the old key: an administrator resumes
    configured_key: bool  # the tip key is still in the configuration (escrow not finished)


def vault_overview() -> VaultOverview:
    from django.conf import settings
    from django.db.models import Count

    rows = (
        VaultKey.objects.select_related("authority")
        .annotate(holders=Count("grants"))
        .order_by("authority__country", "-created_at")
    )
    current = rotation.rotation_current()
    return VaultOverview(
        keys=[VaultKeyRow(k.key_id, _key_label(k), k.created_at, k.retired_at, k.holders) for k in rows],
        rotation=current,
        rotation_waiting=current is not None and not rotation.rotation_has_key(current),
        configured_key=bool(settings.VAULT_PRIVATE_KEY),
    )
