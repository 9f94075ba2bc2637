"""Writes of the leads domain: determinations (four eyes), authorities, leads and outcomes.

Every service re-checks its permission, runs in one transaction and writes its audit event last. The
snapshot of a lead is built and sealed at confirmation, so that what an authority receives is frozen
and holds tip text only as vault ciphertext.
"""

from __future__ import annotations

import base64
import hashlib
import json
import logging
import uuid
from collections.abc import Sequence
from dataclasses import asdict, dataclass, field
from typing import Any

from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from traceobject import vault
from traceobject.audit.actions import AuditAction
from traceobject.audit.services import audit_record
from traceobject.core.countries import country_codes
from traceobject.core.errors import ApplicationError, NotFoundError
from traceobject.core.permissions import Permission, permission_require, user_has_permission
from traceobject.gallery import hooks as gallery_hooks
from traceobject.gallery.models import Audience, ImageStatus, Object, ObjectStatus
from traceobject.imaging import storage
from traceobject.leads.models import (
    COUNTED_OUTCOMES,
    Authority,
    Confidence,
    Determination,
    DeterminationCountry,
    DeterminationKind,
    DeterminationState,
    Lead,
    LeadState,
    Outcome,
    OutcomeKind,
)
from traceobject.leads.selectors import lead_snapshot, partner_may_see
from traceobject.tips.models import FollowUp, Tip
from traceobject.tips.payload import TipPayload
from traceobject.tips.services import tip_read
from traceobject.triage.highlight import country_name
from traceobject.triage.models import Signal, SignalKind
from traceobject.triage.terms import terms_open
from traceobject.vault import keyring

logger = logging.getLogger(__name__)

MAX_COUNTRIES = 5
# 2: no internal notes; follow-up threads with each tip; the note for the authority.
SNAPSHOT_FORMAT = 2
_MEDIA_TYPES = {"webp": "image/webp", "jpeg": "image/jpeg", "jpg": "image/jpeg", "png": "image/png"}


@dataclass(frozen=True)
class CountryClaim:
    """One likely country of an identified determination, as the analyst proposes it."""

    country: str
    confidence: str
    rationale: str
    tip_ids: Sequence[int] = field(default_factory=tuple)


def _forget_figures() -> None:
    """The public figures count leads and outcomes: ``stats`` forgets them (``gallery.hooks``)."""
    gallery_hooks.figures_changed()


# --- Determinations ----------------------------------------------------------------------------------


def _clean_claims(obj: Object, kind: str, countries: Sequence[CountryClaim]) -> list[CountryClaim]:
    """Validate the countries of a proposal; return them with codes in upper case and tips checked."""
    if kind == DeterminationKind.WIDESPREAD:
        if countries:
            raise ApplicationError(
                _("A widespread determination names no country: the trail is ruled out."), field="countries"
            )
        return []
    if not countries:
        raise ApplicationError(_("Name at least one likely country."), field="countries")
    if len(countries) > MAX_COUNTRIES:
        raise ApplicationError(
            ngettext(
                "Name at most %(count)d country; more than that is widespread.",
                "Name at most %(count)d countries; more than that is widespread.",
                MAX_COUNTRIES,
            )
            % {"count": MAX_COUNTRIES},
            field="countries",
        )
    known = country_codes()
    cleaned: list[CountryClaim] = []
    seen: set[str] = set()
    all_tip_ids: set[int] = set()
    for claim in countries:
        code = (claim.country or "").strip().upper()
        if code not in known:
            raise ApplicationError(
                _("%(code)s is not a country code.") % {"code": claim.country or "?"}, field="countries"
            )
        if code in seen:
            raise ApplicationError(_("%(code)s is named twice.") % {"code": code}, field="countries")
        seen.add(code)
        if claim.confidence not in Confidence.values:
            raise ApplicationError(_("Choose a confidence for %(code)s.") % {"code": code}, field="countries")
        rationale = (claim.rationale or "").strip()
        if not rationale:
            raise ApplicationError(
                _("Say why the object points to %(code)s.") % {"code": code}, field="countries"
            )
        tip_ids = sorted({int(tip_id) for tip_id in claim.tip_ids})
        all_tip_ids.update(tip_ids)
        cleaned.append(CountryClaim(code, claim.confidence, rationale, tuple(tip_ids)))
    if all_tip_ids:
        found = set(Tip.objects.filter(pk__in=all_tip_ids, object=obj).values_list("pk", flat=True))
        if found != all_tip_ids:
            raise ApplicationError(_("Some of the chosen tips are not about this object."), field="countries")
    return cleaned


def determination_propose(
    *,
    actor: Any,
    obj: Object,
    kind: str,
    rationale: str,
    countries: Sequence[CountryClaim] = (),
) -> Determination:
    """Record an analyst's proposal; it takes effect only when a second person confirms it."""
    permission_require(actor, Permission.LEADS_DETERMINATION_PROPOSE)
    if kind not in DeterminationKind.values:
        raise ApplicationError(_("Choose identified or widespread."), field="kind")
    rationale = (rationale or "").strip()
    if not rationale:
        raise ApplicationError(_("Give the rationale of the determination."), field="rationale")
    with transaction.atomic():
        current = Object.objects.select_for_update().filter(pk=obj.pk).first()
        if current is None:
            raise ApplicationError(_("This object no longer exists."))
        if current.status != ObjectStatus.PUBLISHED:
            raise ApplicationError(_("Only a published object can be determined."))
        claims = _clean_claims(current, kind, countries)
        if Determination.objects.filter(
            object=current, state__in=[DeterminationState.PROPOSED, DeterminationState.CONFIRMED]
        ).exists():
            raise ApplicationError(_("This object already has a determination waiting or in force."))
        try:
            with transaction.atomic():
                determination = Determination.objects.create(
                    object=current, kind=kind, rationale=rationale, proposed_by=actor
                )
        except IntegrityError as exc:  # a concurrent proposal won the race
            raise ApplicationError(_("This object already has a determination waiting or in force.")) from exc
        for claim in claims:
            row = DeterminationCountry.objects.create(
                determination=determination,
                country=claim.country,
                confidence=claim.confidence,
                rationale=claim.rationale,
            )
            if claim.tip_ids:
                row.tips.set(claim.tip_ids)
        audit_record(
            actor=actor,
            action=AuditAction.DETERMINATION_PROPOSE,
            target=determination,
            details={
                "object": current.code,
                "kind": kind,
                "countries": [
                    {"country": c.country, "confidence": c.confidence, "tips": list(c.tip_ids)}
                    for c in claims
                ],
            },
        )
    return determination


def _locked_proposal(determination: Determination, actor: Any) -> Determination:
    current = (
        Determination.objects.select_for_update().filter(pk=determination.pk).select_related("object").first()
    )
    if current is None:
        raise NotFoundError(_("This determination no longer exists."))
    if current.state != DeterminationState.PROPOSED:
        raise ApplicationError(
            _("This determination is already %(state)s.") % {"state": current.get_state_display().lower()}
        )
    if current.proposed_by_id == getattr(actor, "pk", None):
        raise ApplicationError(_("A second person must decide: you proposed this determination."))
    return current


def determination_confirm(*, actor: Any, determination: Determination) -> list[Lead]:
    """Four eyes: confirm another person's proposal, move the object, and freeze one lead per country.

    Every country needs an active authority; if one lacks it nothing is stored (one transaction).
    """
    permission_require(actor, Permission.LEADS_DETERMINATION_CONFIRM)
    with transaction.atomic():
        current = _locked_proposal(determination, actor)
        obj = Object.objects.select_for_update().get(pk=current.object_id)
        if obj.status != ObjectStatus.PUBLISHED:
            raise ApplicationError(
                _("The object is %(status)s now, so it cannot be determined.")
                % {"status": obj.get_status_display().lower()}
            )
        claims = list(current.countries.order_by("id"))
        authorities = {
            a.country: a
            for a in Authority.objects.filter(country__in=[c.country for c in claims], active=True)
        }
        missing = [c.country for c in claims if c.country not in authorities]
        if missing:
            raise ApplicationError(
                _("No active authority receives leads for %(countries)s. Add one to the directory first.")
                % {"countries": ", ".join(missing)}
            )
        now = timezone.now()
        current.state = DeterminationState.CONFIRMED
        current.decided_by = actor
        current.decided_at = now
        current.save(update_fields=["state", "decided_by", "decided_at"])
        before = obj.status
        obj.status = (
            ObjectStatus.IDENTIFIED
            if current.kind == DeterminationKind.IDENTIFIED
            else ObjectStatus.WIDESPREAD
        )
        obj.located_at = now
        obj.save(update_fields=["status", "located_at", "updated_at"])
        leads: list[Lead] = []
        if claims:
            common = _snapshot_common(current, obj, claims)
            for claim in claims:
                leads.append(_lead_create(current, claim, authorities[claim.country], common, now))
        audit_record(
            actor=actor,
            action=AuditAction.DETERMINATION_CONFIRM,
            target=current,
            details={
                "object": obj.code,
                "kind": current.kind,
                "status": {"from": before, "to": obj.status},
                "leads": [lead.reference for lead in leads],
            },
        )
        _forget_figures()
    determination.state = current.state
    determination.decided_by = current.decided_by
    determination.decided_at = current.decided_at
    return leads


def determination_reject(*, actor: Any, determination: Determination, reason: str) -> None:
    """A second person turns a proposal down; the object stays published and can be proposed again."""
    permission_require(actor, Permission.LEADS_DETERMINATION_CONFIRM)
    reason = (reason or "").strip()
    if not reason:
        raise ApplicationError(_("Say why the determination is rejected."), field="reason")
    with transaction.atomic():
        current = _locked_proposal(determination, actor)
        current.state = DeterminationState.REJECTED
        current.decided_by = actor
        current.decided_at = timezone.now()
        current.decision_reason = reason
        current.save(update_fields=["state", "decided_by", "decided_at", "decision_reason"])
        audit_record(
            actor=actor,
            action=AuditAction.DETERMINATION_REJECT,
            target=current,
            details={"object": current.object.code, "reason": reason},
        )
    determination.state = current.state
    determination.decided_by = current.decided_by
    determination.decided_at = current.decided_at
    determination.decision_reason = reason


# --- Snapshot ----------------------------------------------------------------------------------------


def _user_label(user: Any) -> str:
    return user.get_username() if user is not None else ""


def _image_entries(obj: Object) -> list[dict[str, Any]]:
    """The largest public derivative of each ready image: the same sanitized pixels the public sees."""
    entries: list[dict[str, Any]] = []
    for number, image in enumerate(obj.images.filter(status=ImageStatus.READY).order_by("position", "id"), 1):
        derivatives = [d for d in image.derivatives or [] if d.get("path")]
        if not derivatives:
            continue
        best = max(derivatives, key=lambda d: int(d.get("width") or 0))
        try:
            data = storage.public_path(best["path"]).read_bytes()
        except (OSError, ValueError) as exc:
            raise ApplicationError(
                _("An image file of the object is missing, so the lead cannot be built.")
            ) from exc
        fmt = str(best.get("format") or best["path"].rsplit(".", 1)[-1]).lower()
        entries.append(
            {
                "name": f"image-{number}.{'jpg' if fmt == 'jpeg' else fmt}",
                "alt_text": image.alt_text,
                "width": int(best.get("width") or 0),
                "height": int(best.get("height") or 0),
                "media_type": _MEDIA_TYPES.get(fmt, "application/octet-stream"),
                "sha256": hashlib.sha256(data).hexdigest(),
                "data_base64": base64.b64encode(data).decode("ascii"),
            }
        )
    return entries


def _threads(tip_ids: set[int]) -> dict[int, list[dict[str, Any]]]:
    """The follow-up thread of each tip (the analysts' questions and the tipster's answers), oldest
    first, opened with the staff's key: what the tipster added after the tip belongs to the evidence."""
    threads: dict[int, list[dict[str, Any]]] = {tip_id: [] for tip_id in tip_ids}
    for follow_up in FollowUp.objects.filter(tip_id__in=tip_ids).order_by("created_at", "id"):
        threads.setdefault(follow_up.tip_id, []).append(
            {
                "kind": follow_up.kind,
                "created_at": follow_up.created_at.isoformat(),
                "text": vault.open(bytes(follow_up.sealed)).decode("utf-8"),
            }
        )
    return threads


def _tip_entries(tip_ids: set[int]) -> dict[int, dict[str, Any]]:
    """Opened tips with their signals and follow-up threads (a few queries, not one per tip).

    The analysts' notes on the tips are internal and never enter a lead: only what is written for the
    authority (the lead's ``note_for_authority``) leaves the agency.
    """
    tips = Tip.objects.filter(pk__in=tip_ids).order_by("created_at", "id")
    rows = list(Signal.objects.filter(tip_id__in=tip_ids).order_by("tip_id", "kind", "id"))
    # Domains and shops are stored as keyed digests of a sealed term: give the authority the words.
    words: dict[tuple[str, str], str] = {}
    for kind in {row.kind for row in rows if row.kind != SignalKind.COUNTRY}:
        opened = terms_open(kind, {row.value for row in rows if row.kind == kind})
        words.update({(kind, digest): text for digest, text in opened.items()})
    signals: dict[int, list[dict[str, Any]]] = {}
    for signal in rows:
        signals.setdefault(signal.tip_id, []).append(
            {
                "kind": signal.kind,
                "value": words.get((signal.kind, signal.value), signal.value),
                "source": signal.source,
                "confidence": round(signal.confidence, 3),
                "field": signal.field,
            }
        )
    threads = _threads(tip_ids)
    entries: dict[int, dict[str, Any]] = {}
    for tip in tips:
        payload = asdict(tip_read(tip=tip))
        entries[tip.pk] = {
            "id": tip.pk,
            "received_at": tip.created_at.isoformat(),
            "language": tip.language,
            "status": tip.status,
            **payload,
            "signals": signals.get(tip.pk, []),
            "follow_ups": threads.get(tip.pk, []),
        }
    return entries


def _snapshot_common(
    determination: Determination, obj: Object, claims: list[DeterminationCountry]
) -> dict[str, Any]:
    tip_sets = {claim.pk: set(claim.tips.values_list("pk", flat=True)) for claim in claims}
    all_ids: set[int] = set().union(*tip_sets.values()) if tip_sets else set()
    tips = _tip_entries(all_ids)
    return {
        "object": {
            "code": obj.code,
            "title": obj.title,
            "description": obj.description,
            "category": obj.category.name,
            "questions": list(obj.questions or []),
            "hints": list(obj.hints or []),
            "published_at": obj.published_at.isoformat() if obj.published_at else None,
        },
        "images": _image_entries(obj),
        "determination": {
            "id": determination.pk,
            "kind": determination.kind,
            "rationale": determination.rationale,
            "proposed_by": _user_label(determination.proposed_by),
            "proposed_at": determination.proposed_at.isoformat(),
            "decided_by": _user_label(determination.decided_by),
            "decided_at": determination.decided_at.isoformat() if determination.decided_at else None,
            "countries": [
                {"country": c.country, "confidence": c.confidence, "rationale": c.rationale} for c in claims
            ],
        },
        "_tips": tips,
        "_tip_sets": tip_sets,
    }


def snapshot_bytes(snapshot: dict[str, Any]) -> bytes:
    """The canonical encoding: sorted keys, UTF-8, no spaces; its SHA-256 is the lead's checksum."""
    return json.dumps(snapshot, sort_keys=True, ensure_ascii=False, separators=(",", ":")).encode("utf-8")


def _lead_create(
    determination: Determination,
    claim: DeterminationCountry,
    authority: Authority,
    common: dict[str, Any],
    now: Any,
) -> Lead:
    """One lead, its reference taken from its id (``L-2026-00042``) so that it never collides."""
    lead = Lead.objects.create(
        reference=f"tmp-{uuid.uuid4().hex[:16]}",
        determination=determination,
        authority=authority,
        country=claim.country,
        sealed=b"",
        snapshot_sha256="",
        created_at=now,
    )
    lead.reference = f"L-{now.year}-{lead.pk:05d}"
    own_tips = common["_tip_sets"].get(claim.pk, set())
    snapshot = {
        "format": SNAPSHOT_FORMAT,
        "reference": lead.reference,
        "country": claim.country,
        "authority": {"country": authority.country, "name": authority.name, "email": authority.email},
        "created_at": now.isoformat(),
        "object": common["object"],
        "images": common["images"],
        # Only this country's part: one authority is not told which other countries were named.
        "determination": {
            **common["determination"],
            "countries": [c for c in common["determination"]["countries"] if c["country"] == claim.country],
        },
        "tips": [common["_tips"][tip_id] for tip_id in sorted(common["_tips"]) if tip_id in own_tips],
        # Written by the analyst who sends the lead (``lead_send``); the internal notes never travel.
        "note_for_authority": None,
    }
    _seal_snapshot(lead, authority, snapshot)
    lead.save(update_fields=["reference", "sealed", "sealed_partner", "snapshot_sha256"])
    return lead


def _seal_snapshot(lead: Lead, authority: Authority, snapshot: dict[str, Any]) -> None:
    """Seal ``snapshot`` into ``lead`` twice (the staff's tip key, the authority's key) with its checksum."""
    raw = snapshot_bytes(snapshot)
    lead.sealed = vault.seal(raw)
    lead.sealed_partner = vault.seal_to(keyring.authority_public_key(authority=authority), raw)
    lead.snapshot_sha256 = hashlib.sha256(raw).hexdigest()


# --- Authorities -------------------------------------------------------------------------------------


def authority_save(*, actor: Any, country: str, name: str, email: str, active: bool = True) -> Authority:
    """Create or update the one authority of a country."""
    permission_require(actor, Permission.LEADS_AUTHORITY_MANAGE)
    code = (country or "").strip().upper()
    if code not in country_codes():
        raise ApplicationError(_("Choose a country."), field="country")
    name = (name or "").strip()
    if not name:
        raise ApplicationError(_("Give the name of the unit."), field="name")
    email = (email or "").strip()
    try:
        validate_email(email)
    except ValidationError as exc:
        raise ApplicationError(_("Give a valid email address."), field="email") from exc
    with transaction.atomic():
        authority = Authority.objects.select_for_update().filter(country=code).first()
        created = authority is None
        before: dict[str, Any] = {}
        if authority is None:
            authority = Authority(country=code)
        else:
            before = {"name": authority.name, "email": authority.email, "active": authority.active}
        authority.name = name
        authority.email = email
        authority.active = bool(active)
        authority.save()
        audit_record(
            actor=actor,
            action=AuditAction.AUTHORITY_SAVE,
            target=authority,
            details={
                "country": code,
                "created": created,
                "before": before,
                "after": {"name": name, "email": email, "active": authority.active},
            },
        )
    return authority


# --- Leads -------------------------------------------------------------------------------------------


def _locked_lead(lead: Lead) -> Lead:
    current = Lead.objects.select_for_update().filter(pk=lead.pk).first()
    if current is None:
        raise NotFoundError(_("This lead no longer exists."))
    return current


def _copy_lead(target: Lead, source: Lead) -> Lead:
    for model_field in Lead._meta.concrete_fields:
        setattr(target, model_field.attname, getattr(source, model_field.attname))
    return target


class NoReaderError(ApplicationError):
    """The lead's country has no active partner account: sent now, nobody could read it yet."""


NOTE_FOR_AUTHORITY_MAX = 5000


def lead_has_reader(lead: Lead) -> bool:
    """Whether an active partner account of the lead's country exists, who could read it once sent."""
    from traceobject.leads.selectors import partner_accounts_exist

    return partner_accounts_exist(country=lead.country)


def _freeze_for_sending(current: Lead, authority: Authority, note: str, actor: Any, now: Any) -> None:
    """The last change to a lead before it leaves: the note for the authority, and the follow-up
    threads as they stand now (a tipster may have answered since the confirmation). Sealed again, with
    a new checksum; from here on the snapshot never changes."""
    snapshot = lead_snapshot(current)
    snapshot.pop("notes", None)  # a lead frozen before format 2 carried the internal notes: drop them
    tip_ids = {int(tip["id"]) for tip in snapshot.get("tips", [])}
    threads = _threads(tip_ids)
    for tip in snapshot.get("tips", []):
        tip["follow_ups"] = threads.get(int(tip["id"]), tip.get("follow_ups", []))
    snapshot["note_for_authority"] = (
        {"text": note, "written_by": _user_label(actor), "written_at": now.isoformat()} if note else None
    )
    snapshot["format"] = SNAPSHOT_FORMAT
    _seal_snapshot(current, authority, snapshot)


def lead_send(*, actor: Any, lead: Lead, note_for_authority: str = "", without_reader: bool = False) -> Lead:
    """READY → SENT: the partners of the country now see it. On a SENT lead, only send the notice again.

    ``note_for_authority`` is what the analyst writes for the authority: it travels with the lead in
    every format (the analysts' internal notes never do). A country without an active partner account
    raises ``NoReaderError`` unless ``without_reader`` confirms that the lead goes out all the same.
    The notice goes out after commit; a mail failure is logged and never undoes the sent state.
    """
    permission_require(actor, Permission.LEADS_LEAD_SEND)
    from traceobject.leads.mail import lead_notify

    note = (note_for_authority or "").strip()
    if len(note) > NOTE_FOR_AUTHORITY_MAX:
        raise ApplicationError(
            ngettext(
                "Please keep the note under %(max)d character.",
                "Please keep the note under %(max)d characters.",
                NOTE_FOR_AUTHORITY_MAX,
            )
            % {"max": NOTE_FOR_AUTHORITY_MAX},
            field="note_for_authority",
        )
    with transaction.atomic():
        current = _locked_lead(lead)
        authority = Authority.objects.get(pk=current.authority_id)
        if not authority.active:
            raise ApplicationError(_("The authority of this lead is inactive in the directory."))
        resend = current.state == LeadState.SENT
        if current.state not in (LeadState.READY, LeadState.SENT):
            raise ApplicationError(
                _("This lead is already %(state)s.") % {"state": current.get_state_display().lower()}
            )
        if resend and note:
            raise ApplicationError(
                _("This lead has been sent: its content, the note included, can no longer change."),
                field="note_for_authority",
            )
        has_reader = lead_has_reader(current)
        if not resend and not has_reader and not without_reader:
            raise NoReaderError(
                _("Nobody at %(country)s can read this lead yet: no partner account.")
                % {"country": country_name(current.country)}
            )
        if not resend:
            now = timezone.now()
            _freeze_for_sending(current, authority, note, actor, now)
            current.state = LeadState.SENT
            current.sent_at = now
            current.sent_by = actor
            current.save(
                update_fields=["state", "sent_at", "sent_by", "sealed", "sealed_partner", "snapshot_sha256"]
            )
        audit_record(
            actor=actor,
            action=AuditAction.LEAD_SEND,
            target=current,
            details={
                "reference": current.reference,
                "country": current.country,
                "resend": resend,
                "note_for_authority": bool(note),
                "partner_accounts": has_reader,
                "snapshot_sha256": current.snapshot_sha256,
            },
        )
        lead_id = current.pk
        transaction.on_commit(lambda: lead_notify(lead_id))
        _forget_figures()
    return _copy_lead(lead, current)


def _partner_lead(actor: Any, lead: Lead) -> Lead:
    """The locked lead, if ``actor`` is a partner of its country and it has been sent; else not found."""
    permission_require(actor, Permission.PARTNER_LEAD_REPORT)
    current = _locked_lead(lead)
    if not partner_may_see(user=actor, lead=current):
        raise NotFoundError(_("This lead does not exist."))
    return current


def _lead_scope_check(actor: Any, lead: Lead, staff_permission: Permission) -> None:
    """The role check (``permission_require``: the staff permission or the partner's), then the scope:
    staff holding ``staff_permission`` read any lead; a partner only what the portal shows it, and
    any other lead does not exist for it."""
    permission_require(actor, staff_permission, Permission.PARTNER_LEAD_READ, any_of=True)
    if not user_has_permission(actor, staff_permission) and not partner_may_see(user=actor, lead=lead):
        raise NotFoundError(_("This lead does not exist."))


def _acknowledge(actor: Any, current: Lead) -> None:
    current.state = LeadState.ACKNOWLEDGED
    current.acknowledged_at = timezone.now()
    current.acknowledged_by = actor
    current.save(update_fields=["state", "acknowledged_at", "acknowledged_by"])


def lead_acknowledge(*, actor: Any, lead: Lead) -> Lead:
    """SENT → ACKNOWLEDGED, by a partner of the lead's country."""
    with transaction.atomic():
        current = _partner_lead(actor, lead)
        if current.state != LeadState.SENT:
            raise ApplicationError(_("This lead has already been acknowledged."))
        _acknowledge(actor, current)
        audit_record(
            actor=actor,
            action=AuditAction.LEAD_ACKNOWLEDGE,
            target=current,
            details={"reference": current.reference, "country": current.country},
        )
        _forget_figures()
    return _copy_lead(lead, current)


def _clean_outcome(kind: str, count: Any, update: str) -> tuple[int, str]:
    """The rules of one outcome report, shared by a first report and a correction."""
    if kind not in OutcomeKind.values:
        raise ApplicationError(_("Choose what happened."), field="kind")
    try:
        count = int(count)
    except (TypeError, ValueError) as exc:
        raise ApplicationError(_("Give a whole number."), field="count") from exc
    if kind in COUNTED_OUTCOMES:
        if count < 1:
            raise ApplicationError(_("Give how many people, at least one."), field="count")
    elif count != 0:
        raise ApplicationError(_("This outcome takes no count."), field="count")
    update = (update or "").strip()
    if not update:
        raise ApplicationError(_("Write a short update."), field="update")
    return count, update


def _outcome_create(actor: Any, lead: Lead, kind: str, count: int, update: str, **extra: Any) -> Outcome:
    """An outcome row, its update sealed for the staff and for the authority (like every report)."""
    raw = update.encode("utf-8")
    return Outcome.objects.create(
        lead=lead,
        kind=kind,
        count=count,
        sealed_update=vault.seal(raw),
        sealed_partner_update=vault.seal_to(keyring.authority_public_key(authority=lead.authority), raw),
        reported_by=actor,
        **extra,
    )


def outcome_report(*, actor: Any, lead: Lead, kind: str, count: int, update: str) -> Outcome:
    """A partner reports back. Reporting on a lead not yet acknowledged acknowledges it first (a report
    proves receipt); "closed without result" closes the lead, after which nothing more is reported."""
    count, update = _clean_outcome(kind, count, update)
    with transaction.atomic():
        current = _partner_lead(actor, lead)
        if current.state == LeadState.CLOSED:
            raise ApplicationError(_("This lead is closed."))
        acknowledged_now = current.state == LeadState.SENT
        if acknowledged_now:
            _acknowledge(actor, current)
        if kind == OutcomeKind.CLOSED_NO_RESULT:
            current.state = LeadState.CLOSED
            current.save(update_fields=["state"])
        outcome = _outcome_create(actor, current, kind, count, update)
        audit_record(
            actor=actor,
            action=AuditAction.LEAD_OUTCOME,
            target=current,
            details={
                "reference": current.reference,
                "outcome": outcome.pk,
                "kind": kind,
                "count": count,
                "acknowledged": acknowledged_now,
            },
        )
        _forget_figures()
    _copy_lead(lead, current)
    return outcome


def outcome_correct(*, actor: Any, outcome: Outcome, kind: str, count: int, update: str) -> Outcome:
    """A partner corrects an outcome it reported: a new version linked to the one it replaces.

    Nothing is edited or deleted: the earlier version stays readable (to the staff and the partner),
    and the figures count only the versions in force (``selectors.outcomes_current``). A closed lead can
    be corrected too (a mistaken "closed without result" is the likeliest error); the lead is closed
    exactly when a version in force says "closed without result".
    """
    count, update = _clean_outcome(kind, count, update)
    with transaction.atomic():
        current = _partner_lead(actor, outcome.lead)
        earlier = Outcome.objects.select_for_update().filter(pk=outcome.pk, lead=current).first()
        if earlier is None:
            raise NotFoundError(_("This outcome does not exist."))
        if Outcome.objects.filter(corrects=earlier).exists():
            raise ApplicationError(_("This outcome has already been corrected: correct the newer version."))
        try:
            with transaction.atomic():
                correction = _outcome_create(actor, current, kind, count, update, corrects=earlier)
        except IntegrityError as exc:  # a concurrent correction of the same version won the race
            raise ApplicationError(
                _("This outcome has already been corrected: correct the newer version.")
            ) from exc
        before = current.state
        closing = Outcome.objects.filter(
            lead=current, correction__isnull=True, kind=OutcomeKind.CLOSED_NO_RESULT
        ).exists()
        if closing and current.state != LeadState.CLOSED:
            current.state = LeadState.CLOSED
        elif not closing and current.state == LeadState.CLOSED:
            current.state = LeadState.ACKNOWLEDGED
        if current.state != before:
            current.save(update_fields=["state"])
        audit_record(
            actor=actor,
            action=AuditAction.LEAD_OUTCOME_CORRECT,
            target=current,
            details={
                "reference": current.reference,
                "outcome": correction.pk,
                "corrects": earlier.pk,
                "before": {"kind": earlier.kind, "count": earlier.count},
                "after": {"kind": kind, "count": count},
                "state": {"from": before, "to": current.state},
            },
        )
        _forget_figures()
    return correction


# --- Partner reports on objects published for partners ---------------------------------------------

PARTNER_REPORT_MAX = 5000


def partner_object_report(*, actor: Any, obj: Object, text: str) -> Tip:
    """What a partner recognises in an object published for partners, as a tip in triage.

    Sealed by the vault like a tip, marked with the partner's country (``Tip.partner_country``), and
    recorded in the audit trail (a partner is staff, not an anonymous tipster). It is not public
    evidence: it gets no receipt, and none of the intake's signals, tallies or cluster, so neither the
    consensus nor any figure counts it; the analysts read it in the inbox as a partner report.
    """
    permission_require(actor, Permission.PARTNER_OBJECT_REPORT)
    country = getattr(actor, "country", "") or ""
    if not country:
        raise ApplicationError(_("Your account is not tied to a country."))
    text = (text or "").strip()
    if not text:
        raise ApplicationError(_("Say what you recognise."), field="text")
    if len(text) > PARTNER_REPORT_MAX:
        raise ApplicationError(
            ngettext(
                "Please keep the report under %(max)d character.",
                "Please keep the report under %(max)d characters.",
                PARTNER_REPORT_MAX,
            )
            % {"max": PARTNER_REPORT_MAX},
            field="text",
        )
    sealed = vault.seal(TipPayload(text=text).to_bytes())
    with transaction.atomic():
        current = (
            Object.objects.select_for_update()
            .filter(pk=obj.pk, status=ObjectStatus.PUBLISHED, audience=Audience.PARTNERS)
            .first()
        )
        if current is None:
            raise NotFoundError(_("This object is not published for partners."))
        tip = Tip.objects.create(object=current, sealed=sealed, partner_country=country)
        audit_record(
            actor=actor,
            action=AuditAction.PARTNER_OBJECT_REPORT,
            target=tip,
            details={"object": current.code, "country": country},
        )
    return tip


# --- Exports -------------------------------------------------------------------------------------------

EXPORT_FORMATS = ("pdf", "json", "zip")


def lead_export(*, actor: Any, lead: Lead, kind: str) -> bytes:
    """A lead's dossier (``pdf``), data (``json``) or bundle (``zip``), recorded in the audit trail:
    each holds tip text, so who took a copy of which lead must be known.

    Staff who send leads may take any; a partner only its own country's leads once sent.
    """
    from traceobject.leads import exports  # exports render templates: import on use

    if kind not in EXPORT_FORMATS:
        raise ApplicationError(_("Unknown export format."))
    _lead_scope_check(actor, lead, Permission.LEADS_LEAD_SEND)
    builders = {"pdf": exports.lead_pdf, "json": exports.lead_json, "zip": exports.lead_bundle}
    content = builders[kind](lead)
    with transaction.atomic():
        audit_record(
            actor=actor,
            action=AuditAction.LEAD_EXPORT,
            target=lead,
            details={"format": kind, "sha256": hashlib.sha256(content).hexdigest()},
        )
    return content


def lead_open(*, actor: Any, lead: Lead) -> dict[str, Any]:
    """A lead's snapshot for a page that shows it (tip text included), recorded as ``lead.open``, as
    opening a tip is: the chain of custody says who read which lead."""
    _lead_scope_check(actor, lead, Permission.LEADS_LEAD_READ)
    snapshot = lead_snapshot(lead)
    with transaction.atomic():
        audit_record(actor=actor, action=AuditAction.LEAD_OPEN, target=lead)
    return snapshot
