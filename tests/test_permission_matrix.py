"""Every staff and partner URL against every role, with the expected answers pinned by hand.

The policy below (``POLICY``) is written from the roles of the architecture (administrator, publisher,
analyst, partner of one authority's country, auditor read-only), not read from ``role_permissions()``:
a change to the role map that opens or closes a page fails here until the policy is changed too, on
purpose. Every URL under /staff/ and /partner/ must be in the policy (or be one of the few entry views):
a new view fails ``test_the_policy_lists_every_url`` until someone decides who may use it.

For each URL, with real objects (one world per module, each test rolled back to it):

* GET by a role that may use it: 200, and the page shows something of the object it is about (``SHOWS``);
* POST of valid data by a role that may use it: the state changes (``POSTS``: a condition false before
  and true after);
* the same GET or POST by any other role, the outsider (an account with no role) included: the area's
  403 page, and nothing in the database changes;
* a partner of another country asking for a partner's lead, its outcomes or its files: 404, nothing
  changes;
* a refused role asking for an id that names nothing: the same 403 (no way to learn what exists);
* anonymous: the area's login page, with ``next`` set; a password-only session: the second factor.

One exception, named in ``VAULT_URLS``: an administrator's valid post to the vault's key pages needs the
key in escrow and a password login, so the tests named there assert it.

The tests rely on URL names and on HTTP behaviour only, so that they survive code moving between apps.
"""

from __future__ import annotations

import hashlib
import io
import random
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import timedelta
from typing import Any
from urllib.parse import parse_qs, urlsplit

import pytest
from django.apps import apps
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction
from django.http import HttpResponse
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, include, path, reverse
from django.urls.resolvers import LocalePrefixPattern, RegexPattern, RoutePattern
from django.utils import timezone
from PIL import Image, ImageDraw

from tests.factories import AuthorityFactory, CategoryFactory, ObjectFactory, ReleaseFactory, image_bytes
from tests.staff_fixtures import FIXED_STAFF, STAFF_PASSWORD, login_verified, make_staff

# --- The policy: written by hand ------------------------------------------------------------------

ADMINISTRATOR, PUBLISHER, ANALYST, PARTNER, AUDITOR = (
    "administrator",
    "publisher",
    "analyst",
    "partner",
    "auditor",
)
STAFF = frozenset({ADMINISTRATOR, PUBLISHER, ANALYST, AUDITOR})


def _r(*roles: str) -> frozenset[str]:
    return frozenset(roles)


A, P, N, U, R = _r(ADMINISTRATOR), _r(PUBLISHER), _r(ANALYST), _r(AUDITOR), _r(PARTNER)
PN = P | N
PNU = P | N | U

# URL name -> (roles that may GET it, roles that may POST to it); None: the URL does not serve that
# method (a role that may use the URL gets 405; everyone else still gets 403).
POLICY: dict[str, tuple[frozenset[str] | None, frozenset[str] | None]] = {
    # The workspace.
    "staff:home": (STAFF, None),
    "staff:media": (PNU, None),  # image files of objects, for those who read objects
    "staff:password_change": (STAFF, STAFF),
    "staff:dashboard": (STAFF, None),
    # Accounts and the vault's keys: administrators only.
    "staff:user_list": (A, None),
    "staff:user_create": (A, A),
    "staff:user_edit": (A, A),
    "staff:user_otp_reset": (None, A),
    "staff:user_vault_grant": (None, A),
    "staff:user_api_token_create": (None, A),
    "staff:user_api_token_revoke": (None, A),
    "staff:vault": (A, None),
    "staff:vault_rotate": (None, A),
    "staff:vault_rotation_resume": (None, A),
    # The audit trail: administrators and auditors read it.
    "staff:audit_list": (A | U, None),
    "staff:audit_export": (A | U, None),
    "staff:audit_detail": (A | U, None),
    # Objects: analysts and publishers write, auditors read; only publishers review, withdraw, release.
    "staff:object_list": (PNU, None),
    "staff:object_create": (PN, PN),
    "staff:object_detail": (PNU, None),
    "staff:object_edit": (PN, PN),
    "staff:object_images": (PN, PN),
    "staff:object_image_edit": (PN, PN),
    "staff:object_image_original": (PN, None),
    "staff:object_image_remove": (None, PN),
    "staff:object_submit": (None, PN),
    "staff:object_review": (P, P),
    "staff:object_scan": (None, P),
    "staff:object_withdraw": (P, P),
    # An object's text in other languages: written like its details, reviewed (objects that are out) by
    # publishers only.
    "staff:object_translation": (PN, PN),
    "staff:object_translation_delete": (None, PN),
    "staff:object_translation_review": (P, P),
    "staff:translation_review_list": (P, None),
    "staff:release_list": (P, None),
    "staff:release_create": (P, P),
    "staff:release_detail": (P, None),
    "staff:release_assign": (None, P),
    "staff:release_schedule": (None, P),
    # Triage: publishers read tips; analysts work them and ask the tipsters.
    "staff:triage_inbox": (PN, None),
    "staff:triage_other": (PN, None),
    "staff:triage_bulk": (None, N),
    "staff:triage_queue": (PN, None),
    "staff:triage_consensus_csv": (PN, None),
    "staff:triage_cluster_status": (None, N),
    "staff:triage_tip": (PN, None),
    "staff:triage_tip_note": (None, N),
    "staff:triage_tip_question": (None, N),
    # Barrier reports (sealed like tips): those who hold the tip key, and the administrators who answer.
    "staff:barrier_report_list": (A | P | N, None),
    # Determinations and leads: analysts and publishers; auditors read; administrators and publishers
    # keep the authorities.
    "staff:determination_new": (PN, PN),
    "staff:determination_list": (PNU, None),
    "staff:determination_list_csv": (PNU, None),  # the CSV of a list: whoever reads the list
    "staff:determination_detail": (PNU, None),
    "staff:determination_confirm": (None, PN),
    "staff:determination_reject": (None, PN),
    "staff:lead_list": (PNU, None),
    "staff:lead_list_csv": (PNU, None),
    "staff:lead_detail": (PNU, None),
    "staff:lead_send": (None, PN),
    "staff:lead_pdf": (PN, None),
    "staff:lead_json": (PN, None),
    "staff:lead_bundle": (PN, None),
    "staff:lead_image": (PNU, None),
    "staff:authority_list": (A | P, None),
    "staff:authority_new": (A | P, A | P),
    "staff:authority_edit": (A | P, A | P),
    # The partner portal: partners only, each to its own country's leads.
    "partner:home": (R, None),
    "partner:lead_list_csv": (R, None),  # each partner its own country's leads (see test_get)
    "partner:password_change": (R, R),
    "partner:object_detail": (R, None),
    "partner:object_report": (None, R),
    "partner:object_image": (R, None),
    "partner:lead_detail": (R, None),
    "partner:lead_acknowledge": (None, R),
    "partner:outcome_new": (None, R),
    "partner:outcome_correct": (R, R),
    "partner:lead_pdf": (R, None),
    "partner:lead_json": (R, None),
    "partner:lead_image": (R, None),
}

# Partner URLs about one country's lead: another country's partner gets 404, as if it did not exist.
ONE_COUNTRY = frozenset(
    {
        "partner:lead_detail",
        "partner:lead_acknowledge",
        "partner:outcome_new",
        "partner:outcome_correct",
        "partner:lead_pdf",
        "partner:lead_json",
        "partner:lead_image",
    }
)

# Views reachable without a login, on purpose. Adding one opens a door in the wall: it belongs here,
# with a reason, after review.
ENTRY_VIEWS: dict[str, str] = {
    "staff:login": "the login form",
    "staff:otp": "the second factor, after the password",
    "staff:logout": "logging out (POST only)",
    "partner:login": "the partner portal's login form",
    "partner:otp": "the partner portal's second factor",
    "partner:logout": "logging out of the partner portal (POST only)",
}

# The protected URL namespaces, each with the page that anonymous visitors are sent to.
NAMESPACES: dict[str, dict[str, str]] = {
    "staff": {"prefix": "/staff/", "login": "/staff/login/", "otp": "/staff/otp/"},
    "partner": {"prefix": "/partner/", "login": "/partner/login/", "otp": "/partner/otp/"},
}

# The fixed account that plays each role; the outsider has no role, partner_b is another country's.
PLAYER = {
    ADMINISTRATOR: "administrator",
    PUBLISHER: "publisher",
    ANALYST: "analyst",
    PARTNER: "partner_a",
    AUDITOR: "auditor",
}
OTHER_COUNTRY = "partner_b"
OUTSIDER = "outsider"
ANONYMOUS = "anonymous"
ACCOUNTS = [*PLAYER.values(), OTHER_COUNTRY, OUTSIDER, ANONYMOUS]
ROLE_OF = {account: role for role, account in PLAYER.items()} | {OTHER_COUNTRY: PARTNER}

# The headings of the areas' 403 and 404 pages (core/views.py), in English (the tests' language).
DENIED = "Your account may not do this"
NOT_FOUND = "Page not found"


def test_the_players_have_the_roles_they_play() -> None:
    for role, account in PLAYER.items():
        assert FIXED_STAFF[account][0] == role
    assert FIXED_STAFF[OTHER_COUNTRY][0] == PARTNER
    assert FIXED_STAFF[OTHER_COUNTRY][1] != FIXED_STAFF[PLAYER[PARTNER]][1]
    assert FIXED_STAFF[OUTSIDER][0] == ""


# --- The world: real objects in every state the pages need, built once per module -------------------

TIP_PL = "Widziałem tę torbę w sklepie Biedronka w Gdańsku, około 2016 roku."
TIP_DE = "Diese Tasche gab es bei Aldi in Hamburg, ungefähr 2015."
TIP_OTHER = "Matrix other report: this is not about the object at all."
BARRIER_TEXT = "Matrix barrier: the contrast of the receipt page is too low."
OUTCOME_UPDATE = "Matrix outcome: the records of the shop were requested."
TRANSLATION_PL = "Macierzowa torba"
TRANSLATION_DE = "Matrix-Tasche"


@dataclass
class World:
    users: dict[str, Any]
    target: Any  # an analyst account that administrators manage
    author: Any  # an analyst who wrote the object in review and proposed the pending determination
    published: Any  # public, with an image, tips from PL and DE, a confirmed determination, two leads
    tip_pl: Any
    tip_de: Any
    tip_other: Any
    lead_pl: Any  # sent, with an outcome reported by partner_a
    lead_de: Any  # ready, not sent
    outcome: Any
    lead_fresh: Any  # a second sent PL lead: not acknowledged, no outcome
    open_obj: Any  # published with a tip, no determination
    pending: Any  # a proposed determination, waiting for a second person
    draft: Any
    draft_image: Any
    in_review: Any
    approved: Any
    for_partners: Any
    for_partners_image: Any
    release: Any  # in the future: it can be rescheduled and filled
    event: Any
    # ``published`` has a Polish translation (approved) and a German one proposed by ``author``.
    # The cookies of each account's verified and password-only sessions (made once, in the world):
    # each test starts a client from them, so a session key cycled by one test (a password change)
    # does not follow into the next.
    cookies: dict[str, dict[str, str]] = field(default_factory=dict)
    baseline: dict[str, str] = field(default_factory=dict)  # the digest of the state every test starts from
    password_only: dict[str, dict[str, str]] = field(default_factory=dict)

    def client(self, account: str, *, verified: bool = True) -> Client:
        client = Client()
        for name, value in (self.cookies if verified else self.password_only).get(account, {}).items():
            client.cookies[name] = value
        return client


def _share_session(client: Client) -> Client:
    """The test client logs in with the staff session cookie; the partner portal reads its own, so the
    same session goes under that name too (the test client sends every cookie to every path)."""
    session = client.cookies.get(settings.SESSION_COOKIE_NAME)
    if session is not None:
        client.cookies[settings.PARTNER_SESSION_COOKIE_NAME] = session.value
    return client


def _picture(seed: int) -> bytes:
    """A picture of its own (random blocks), so that the safety scan sees no near-duplicate of another."""
    picker = random.Random(seed)
    image = Image.new("RGB", (400, 300), (picker.randrange(256), 128, 64))
    draw = ImageDraw.Draw(image)
    for _ in range(12):
        x, y = picker.randrange(360), picker.randrange(260)
        size = picker.randrange(20, 120)
        draw.rectangle((x, y, x + size, y + size), fill=tuple(picker.randrange(256) for _ in range(3)))
    out = io.BytesIO()
    image.save(out, "JPEG")
    return out.getvalue()


def _image(obj: Any, seed: int) -> Any:
    from traceobject.imaging.services import object_image_add

    return object_image_add(obj=obj, data=_picture(seed), alt_text="")


def _build_world() -> World:
    from traceobject.audit.models import AuditEvent
    from traceobject.gallery import services as gallery
    from traceobject.gallery.models import REVIEW_CHECKLIST, Audience
    from traceobject.leads import services as leads
    from traceobject.leads.models import DeterminationKind
    from traceobject.tips.barriers import BarrierPayload, barrier_report_submit
    from traceobject.tips.payload import TipPayload
    from traceobject.tips.services import tip_submit
    from traceobject.triage.services import tips_other_set

    users = {name: make_staff(name, role, country) for name, (role, country) in FIXED_STAFF.items()}
    target = make_staff("mx-target", ANALYST)
    from traceobject.accounts.apitokens import apitoken_create

    apitoken_create(actor=None, user=target, held={}, label="matrix", actor_label="matrix")
    author = make_staff("mx-author", ANALYST)
    for country in ("PL", "DE"):
        AuthorityFactory(country=country, name=f"Matrix unit {country}")
    category = CategoryFactory(slug="mx-bags", name="Matrix bags")

    published = ObjectFactory(code="MX-PUB-2026", title="Matrix published bag", category=category)
    _image(published, 10)
    tip_pl = tip_submit(obj=published, payload=TipPayload(text=TIP_PL, place="Gdańsk")).tip
    tip_de = tip_submit(obj=published, payload=TipPayload(text=TIP_DE, shop_brand="Aldi")).tip
    tip_other = tip_submit(obj=published, payload=TipPayload(text=TIP_OTHER)).tip
    tips_other_set(actor=users["analyst"], tip_ids=[tip_other.pk], is_other=True)
    determination = leads.determination_propose(
        actor=author,
        obj=published,
        kind=DeterminationKind.IDENTIFIED,
        rationale="Matrix rationale: placed by independent tips.",
        countries=[
            leads.CountryClaim("PL", "likely", "Matrix: Gdansk shops.", [tip_pl.pk]),
            leads.CountryClaim("DE", "possible", "Matrix: a Hamburg discounter.", [tip_de.pk]),
        ],
    )
    made = {
        lead.country: lead
        for lead in leads.determination_confirm(actor=users["publisher"], determination=determination)
    }
    lead_pl = leads.lead_send(actor=users["analyst"], lead=made["PL"])
    outcome = leads.outcome_report(
        actor=users["partner_a"], lead=lead_pl, kind="investigation_opened", count=0, update=OUTCOME_UPDATE
    )

    second = ObjectFactory(code="MX-SECOND-2026", title="Matrix second object", category=category)
    second_tip = tip_submit(obj=second, payload=TipPayload(text=TIP_PL)).tip
    second_determination = leads.determination_propose(
        actor=author,
        obj=second,
        kind=DeterminationKind.IDENTIFIED,
        rationale="Matrix: one country.",
        countries=[leads.CountryClaim("PL", "likely", "Matrix: Gdansk.", [second_tip.pk])],
    )
    [fresh] = leads.determination_confirm(actor=users["publisher"], determination=second_determination)
    lead_fresh = leads.lead_send(actor=users["analyst"], lead=fresh)

    pending_obj = ObjectFactory(code="MX-PENDING-2026", title="Matrix pending object", category=category)
    tip_submit(obj=pending_obj, payload=TipPayload(text=TIP_DE))
    pending = leads.determination_propose(
        actor=author,
        obj=pending_obj,
        kind=DeterminationKind.WIDESPREAD,
        rationale="Matrix pending: sold in many countries.",
        countries=[],
    )
    open_obj = ObjectFactory(code="MX-OPEN-2026", title="Matrix open object", category=category)
    tip_submit(obj=open_obj, payload=TipPayload(text=TIP_DE))

    draft = gallery.object_create(
        actor=users["analyst"],
        fields=gallery.ObjectFields(code="MX-DRAFT-2026", title="Matrix draft lamp", category=category),
    )
    draft_image = _image(draft, 60)
    in_review = gallery.object_create(
        actor=author,
        fields=gallery.ObjectFields(code="MX-REVIEW-2026", title="Matrix lamp in review", category=category),
    )
    _image(in_review, 110)
    gallery.object_submit(actor=author, obj=in_review)
    approved = gallery.object_create(
        actor=author,
        fields=gallery.ObjectFields(code="MX-APPROVED-2026", title="Matrix approved toy", category=category),
    )
    _image(approved, 210)
    gallery.object_submit(actor=author, obj=approved)
    gallery.object_approve(actor=users["publisher_two"], obj=approved, checklist=list(REVIEW_CHECKLIST))
    for_partners = ObjectFactory(
        code="MX-PARTNERS-2026",
        title="Matrix object for partners",
        category=category,
        audience=Audience.PARTNERS,
    )
    for_partners_image = _image(for_partners, 160)
    release = ReleaseFactory(name="Matrix future release", publish_at=timezone.now() + timedelta(days=3))
    from traceobject.gallery import translations
    from traceobject.gallery.models import TRANSLATION_CHECKLIST

    translations.object_translation_create(
        actor=author,
        obj=published,
        language="pl",
        fields=translations.TranslationFields(title=TRANSLATION_PL),
    )
    translations.translation_proposal_approve(
        actor=users["publisher_two"], obj=published, language="pl", checklist=list(TRANSLATION_CHECKLIST)
    )
    translations.object_translation_create(
        actor=author,
        obj=published,
        language="de",
        fields=translations.TranslationFields(title=TRANSLATION_DE),
    )
    barrier_report_submit(payload=BarrierPayload(text=BARRIER_TEXT))
    event = AuditEvent.objects.filter(action="determination.propose").order_by("pk").first()
    assert event is not None

    world = World(
        users=users,
        target=target,
        author=author,
        published=published,
        tip_pl=tip_pl,
        tip_de=tip_de,
        tip_other=tip_other,
        lead_pl=lead_pl,
        lead_de=made["DE"],
        outcome=outcome,
        lead_fresh=lead_fresh,
        open_obj=open_obj,
        pending=pending,
        draft=draft,
        draft_image=draft_image,
        in_review=in_review,
        approved=approved,
        for_partners=for_partners,
        for_partners_image=for_partners_image,
        release=release,
        event=event,
    )
    for account in ACCOUNTS:
        if account == ANONYMOUS:
            continue
        verified = _share_session(login_verified(Client(), users[account]))
        world.cookies[account] = {name: morsel.value for name, morsel in verified.cookies.items()}
        password_only = Client()
        password_only.force_login(users[account])
        _share_session(password_only)
        world.password_only[account] = {name: morsel.value for name, morsel in password_only.cookies.items()}
    world.baseline = _state()
    return world


@pytest.fixture(scope="module")
def world(django_db_setup: None, django_db_blocker: Any) -> Iterator[World]:
    """One world for the module, inside a transaction that is rolled back at its end; each test runs
    in a savepoint inside it (pytest-django's ``db``), so what one test changes, the next does not see.

    The block is marked as a test case's, as Django's ``TestCase.setUpTestData`` does, so that services
    that insist on being the outermost transaction (the intake's ``durable=True``) run inside it.
    """
    with django_db_blocker.unblock():
        outer = transaction.atomic()
        outer._from_testcase = True  # type: ignore[attr-defined]
        outer.__enter__()
        try:
            yield _build_world()
        finally:
            transaction.set_rollback(True)
            outer.__exit__(None, None, None)


# --- URLs and what their pages show -----------------------------------------------------------------


def _media_path(world: World) -> str:
    from traceobject.gallery.models import ObjectImage

    derivatives = ObjectImage.objects.get(pk=world.draft_image.pk).derivatives
    assert derivatives, "the draft's image has no derivative"
    return str(derivatives[0]["path"])


ARGS: dict[str, Callable[[World], dict[str, Any]]] = {
    "staff:media": lambda w: {"path": _media_path(w)},
    "staff:user_edit": lambda w: {"pk": w.target.pk},
    "staff:user_otp_reset": lambda w: {"pk": w.target.pk},
    "staff:user_vault_grant": lambda w: {"pk": w.target.pk},
    "staff:user_api_token_create": lambda w: {"pk": w.target.pk},
    "staff:user_api_token_revoke": lambda w: {"pk": w.target.pk, "prefix": _target_token(w).prefix},
    "staff:audit_detail": lambda w: {"pk": w.event.pk},
    "staff:object_detail": lambda w: {"code": w.published.code},
    "staff:object_edit": lambda w: {"code": w.draft.code},
    "staff:object_images": lambda w: {"code": w.draft.code},
    "staff:object_image_edit": lambda w: {"code": w.draft.code, "image_id": w.draft_image.pk},
    "staff:object_image_original": lambda w: {"code": w.draft.code, "image_id": w.draft_image.pk},
    "staff:object_image_remove": lambda w: {"code": w.draft.code, "image_id": w.draft_image.pk},
    "staff:object_submit": lambda w: {"code": w.draft.code},
    "staff:object_review": lambda w: {"code": w.in_review.code},
    "staff:object_scan": lambda w: {"code": w.in_review.code},
    "staff:object_withdraw": lambda w: {"code": w.in_review.code},
    "staff:object_translation": lambda w: {"code": w.draft.code, "language": "fr"},
    "staff:object_translation_delete": lambda w: {"code": w.published.code, "language": "pl"},
    "staff:object_translation_review": lambda w: {"code": w.published.code, "language": "de"},
    "staff:release_detail": lambda w: {"release_id": w.release.pk},
    "staff:release_assign": lambda w: {"release_id": w.release.pk},
    "staff:release_schedule": lambda w: {"release_id": w.release.pk},
    "staff:triage_queue": lambda w: {"code": w.published.code},
    "staff:triage_consensus_csv": lambda w: {"code": w.published.code},
    "staff:triage_cluster_status": lambda w: {"cluster_id": w.tip_pl.cluster_id},
    "staff:triage_tip": lambda w: {"tip_id": w.tip_pl.pk},
    "staff:triage_tip_note": lambda w: {"tip_id": w.tip_pl.pk},
    "staff:triage_tip_question": lambda w: {"tip_id": w.tip_pl.pk},
    "staff:determination_new": lambda w: {"code": w.open_obj.code},
    "staff:determination_detail": lambda w: {"determination_id": w.pending.pk},
    "staff:determination_confirm": lambda w: {"determination_id": w.pending.pk},
    "staff:determination_reject": lambda w: {"determination_id": w.pending.pk},
    "staff:lead_detail": lambda w: {"reference": w.lead_pl.reference},
    "staff:lead_send": lambda w: {"reference": w.lead_de.reference},
    "staff:lead_pdf": lambda w: {"reference": w.lead_pl.reference},
    "staff:lead_json": lambda w: {"reference": w.lead_pl.reference},
    "staff:lead_bundle": lambda w: {"reference": w.lead_pl.reference},
    "staff:lead_image": lambda w: {"reference": w.lead_pl.reference, "index": 1},
    "staff:authority_edit": lambda w: {"country": "PL"},
    "partner:object_detail": lambda w: {"code": w.for_partners.code},
    "partner:object_report": lambda w: {"code": w.for_partners.code},
    "partner:object_image": lambda w: {"code": w.for_partners.code, "image_id": w.for_partners_image.pk},
    "partner:lead_detail": lambda w: {"reference": w.lead_pl.reference},
    "partner:lead_acknowledge": lambda w: {"reference": w.lead_fresh.reference},
    "partner:outcome_new": lambda w: {"reference": w.lead_fresh.reference},
    "partner:outcome_correct": lambda w: {"reference": w.lead_pl.reference, "outcome_id": w.outcome.pk},
    "partner:lead_pdf": lambda w: {"reference": w.lead_pl.reference},
    "partner:lead_json": lambda w: {"reference": w.lead_pl.reference},
    "partner:lead_image": lambda w: {"reference": w.lead_pl.reference, "index": 1},
}


def _url(name: str, world: World) -> str:
    args = ARGS.get(name)
    return reverse(name, kwargs=args(world) if args else None)


def _body(response: Any) -> bytes:
    if getattr(response, "streaming", False):
        return b"".join(response.streaming_content)
    return bytes(response.content)


def _text(*parts: Callable[[World], str] | str) -> Callable[[World, Any], None]:
    """The page shows each of ``parts`` (a string, or one read from the world)."""

    def check(world: World, response: Any) -> None:
        body = _body(response).decode()
        for part in parts:
            expected = part(world) if callable(part) else part
            assert expected in body, f"{expected!r} is not on the page"

    return check


def _file(content_type: str, magic: bytes, *parts: Callable[[World], str]) -> Callable[[World, Any], None]:
    """A download of ``content_type`` starting with ``magic`` and holding each of ``parts``."""

    def check(world: World, response: Any) -> None:
        assert response["Content-Type"].startswith(content_type), response["Content-Type"]
        body = _body(response)
        assert body.startswith(magic), body[:20]
        for part in parts:
            assert part(world).encode() in body, part(world)

    return check


JPEG = b"\xff\xd8\xff"

# What a GET by a role that may use the URL shows: something of the object the page is about.
SHOWS: dict[str, Callable[[World, Any], None]] = {
    "staff:home": _text(lambda w: "/staff/account/password/"),
    "staff:media": _file("image/", JPEG),
    "staff:password_change": _text('name="current"', 'name="new"'),
    "staff:dashboard": _text(lambda w: w.published.code),
    "staff:user_list": _text(lambda w: w.target.username, lambda w: w.author.username),
    "staff:user_create": _text('name="username"', 'name="password_again"'),
    "staff:user_edit": _text(lambda w: w.target.username),
    "staff:vault": _text("/staff/vault/rotate/"),
    # The actor and the target, not the action's wording (its label may change; what happened may not).
    "staff:audit_list": _text(lambda w: w.author.username, lambda w: w.published.code),
    "staff:audit_export": _file("text/csv", b"", lambda w: w.author.username, lambda w: w.published.code),
    "staff:audit_detail": _text(lambda w: w.author.username, lambda w: w.published.code),
    "staff:object_list": _text(lambda w: w.published.code, lambda w: w.draft.code),
    "staff:object_create": _text('name="code"', 'name="title"'),
    "staff:object_detail": _text(lambda w: w.published.title),
    "staff:object_edit": _text(lambda w: w.draft.title),
    "staff:object_images": _text(lambda w: w.draft.code, lambda w: f"/images/{w.draft_image.pk}/"),
    "staff:object_image_edit": _text(lambda w: w.draft.code, 'name="crop"'),
    "staff:object_image_original": _file("image/", b""),
    "staff:object_review": _text(lambda w: w.in_review.title, 'name="decision"'),
    "staff:object_withdraw": _text(lambda w: w.in_review.code, 'name="reason"'),
    "staff:object_translation": _text(lambda w: w.draft.title, 'name="title"', 'lang="fr"'),
    "staff:object_translation_review": _text(TRANSLATION_DE, 'name="decision"'),
    "staff:translation_review_list": _text(lambda w: w.published.code, TRANSLATION_DE),
    "staff:release_list": _text(lambda w: w.release.name),
    "staff:release_create": _text('name="name"', 'name="publish_at"'),
    "staff:release_detail": _text(lambda w: w.release.name, lambda w: w.approved.code),
    "staff:triage_inbox": _text("Biedronka"),
    "staff:triage_other": _text("Matrix other report"),
    "staff:triage_queue": _text(lambda w: w.published.code, "Biedronka"),
    "staff:triage_consensus_csv": _file("text/csv", b"", lambda w: "PL"),
    "staff:triage_tip": _text("Biedronka"),
    "staff:barrier_report_list": _text(BARRIER_TEXT),
    "staff:determination_new": _text(lambda w: w.open_obj.code, 'name="rationale"'),
    "staff:determination_list": _text(lambda w: w.pending.object.code),
    "staff:determination_list_csv": _file(
        "text/csv", b"id,", lambda w: w.pending.object.code, lambda w: w.published.code
    ),
    "staff:determination_detail": _text("Matrix pending: sold in many countries."),
    "staff:lead_list": _text(lambda w: w.lead_pl.reference, lambda w: w.lead_de.reference),
    "staff:lead_list_csv": _file(
        "text/csv", b"reference,", lambda w: w.lead_pl.reference, lambda w: w.lead_de.reference
    ),
    "staff:lead_detail": _text(lambda w: w.lead_pl.reference, "Matrix unit PL"),
    "staff:lead_pdf": _file("application/pdf", b"%PDF"),
    "staff:lead_json": _file("application/json", b"{", lambda w: w.lead_pl.reference),
    "staff:lead_bundle": _file("application/zip", b"PK"),
    "staff:lead_image": _file("image/", JPEG),
    "staff:authority_list": _text("Matrix unit PL", "Matrix unit DE"),
    "staff:authority_new": _text('name="country"', 'name="email"'),
    "staff:authority_edit": _text("Matrix unit PL"),
    "partner:home": _text(lambda w: w.lead_pl.reference, lambda w: w.for_partners.code),
    "partner:lead_list_csv": _file(
        "text/csv", b"reference,", lambda w: w.lead_pl.reference, lambda w: w.lead_fresh.reference
    ),
    "partner:password_change": _text('name="current"', 'name="new"'),
    "partner:object_detail": _text(lambda w: w.for_partners.title, 'name="text"'),
    "partner:object_image": _file("image/", JPEG),
    "partner:lead_detail": _text(lambda w: w.lead_pl.reference, OUTCOME_UPDATE),
    "partner:outcome_correct": _text(OUTCOME_UPDATE),
    "partner:lead_pdf": _file("application/pdf", b"%PDF"),
    "partner:lead_json": _file("application/json", b"{", lambda w: w.lead_pl.reference),
    "partner:lead_image": _file("image/", JPEG),
}


# --- Valid posts and the change each makes ------------------------------------------------------------


@dataclass(frozen=True)
class Post:
    data: Callable[[World], dict[str, Any]]
    done: Callable[[World], bool]  # false before the post, true after it


def _local(when: Any) -> str:
    return timezone.localtime(when).strftime("%Y-%m-%dT%H:%M")


def _object_form(code: str, title: str, world: World) -> dict[str, Any]:
    return {
        "code": code,
        "title": title,
        "category": str(world.published.category_id),
        "description": "Matrix description.",
        "questions": "Which shop sold this?",
        "hints": "circa 2010",
        "case_reference": "MX-CASE",
        "internal_notes": "",
    }


def _m(label: str) -> Any:
    return apps.get_model(label)


def _fresh(obj: Any) -> Any:
    return type(obj).objects.get(pk=obj.pk)


NEW_PASSWORD = "a new passphrase for the matrix 77"


def _target_token(w: World) -> Any:
    from traceobject.accounts.models import ApiToken

    return ApiToken.objects.get(user=w.target, label="matrix")


POSTS: dict[str, Post] = {
    "staff:user_api_token_create": Post(
        lambda w: {"label": "mx-made", "expires_days": "30"},
        lambda w: w.target.api_tokens.filter(label="mx-made").exists(),
    ),
    "staff:user_api_token_revoke": Post(
        lambda w: {},
        lambda w: _target_token(w).revoked_at is not None,
    ),
    "staff:password_change": Post(
        lambda w: {"current": STAFF_PASSWORD, "new": NEW_PASSWORD, "repeat": NEW_PASSWORD},
        lambda w: any(_fresh(user).check_password(NEW_PASSWORD) for user in w.users.values()),
    ),
    "staff:user_create": Post(
        lambda w: {
            "username": "mx-new",
            "role": "analyst",
            "country": "",
            "password": NEW_PASSWORD,
            "password_again": NEW_PASSWORD,
        },
        lambda w: _m("accounts.User").objects.filter(username="mx-new").exists(),
    ),
    "staff:user_edit": Post(
        lambda w: {"role": "auditor", "country": "", "is_active": "on"},
        lambda w: _fresh(w.target).role == "auditor",
    ),
    "staff:user_otp_reset": Post(
        lambda w: {},
        lambda w: not _m("otp_totp.TOTPDevice").objects.filter(user=w.target).exists(),
    ),
    # The vault's keys: here for the refused roles; an administrator's post: see VAULT_URLS.
    "staff:user_vault_grant": Post(
        lambda w: {},
        lambda w: _m("vault.KeyGrant").objects.filter(user=w.target).exists(),
    ),
    "staff:vault_rotate": Post(lambda w: {}, lambda w: _m("vault.KeyRotation").objects.exists()),
    "staff:vault_rotation_resume": Post(
        lambda w: {},
        lambda w: _m("vault.KeyRotation").objects.filter(finished_at__isnull=False).exists(),
    ),
    "staff:object_create": Post(
        lambda w: _object_form("MX-NEW-2026", "Matrix new object", w),
        lambda w: _m("gallery.Object").objects.filter(code="MX-NEW-2026").exists(),
    ),
    "staff:object_edit": Post(
        lambda w: _object_form(w.draft.code, "Matrix renamed lamp", w),
        lambda w: _fresh(w.draft).title == "Matrix renamed lamp",
    ),
    "staff:object_images": Post(
        lambda w: {
            "file": SimpleUploadedFile("mx.jpg", image_bytes(420, 320, color=(200, 30, 200)), "image/jpeg"),
            "alt_text": "Matrix upload",
        },
        lambda w: _m("gallery.ObjectImage").objects.filter(object=w.draft, alt_text="Matrix upload").exists(),
    ),
    "staff:object_image_edit": Post(
        lambda w: {"crop": "0, 0, 200, 150", "redactions": ""},
        lambda w: bool(_fresh(w.draft_image).crop),
    ),
    "staff:object_image_remove": Post(
        lambda w: {},
        lambda w: not _m("gallery.ObjectImage").objects.filter(pk=w.draft_image.pk, object=w.draft).exists(),
    ),
    "staff:object_submit": Post(lambda w: {}, lambda w: _fresh(w.draft).status == "in_review"),
    "staff:object_review": Post(
        lambda w: {"decision": "send_back", "comments": "Matrix: crop tighter."},
        lambda w: _fresh(w.in_review).status == "draft",
    ),
    "staff:object_scan": Post(
        lambda w: {},
        lambda w: _m("audit.AuditEvent").objects.filter(action="image.scan").exists(),
    ),
    "staff:object_withdraw": Post(
        lambda w: {"reason": "Matrix: withdrawn."},
        lambda w: _fresh(w.in_review).status == "withdrawn",
    ),
    "staff:object_translation": Post(
        lambda w: {"title": "Lampe de la matrice", "description": "", "questions": "", "hints": ""},
        lambda w: _m("gallery.ObjectTranslation").objects.filter(object=w.draft, language="fr").exists(),
    ),
    "staff:object_translation_delete": Post(
        lambda w: {"target": "translation"},
        lambda w: not _m("gallery.ObjectTranslation").objects.filter(object=w.published, language="pl"),
    ),
    "staff:object_translation_review": Post(
        lambda w: {"decision": "approve", "checklist": ["no_identifying_detail", "faithful"]},
        lambda w: _m("gallery.ObjectTranslation").objects.filter(object=w.published, language="de").exists(),
    ),
    "staff:release_create": Post(
        lambda w: {"name": "Matrix new release", "publish_at": _local(timezone.now() + timedelta(days=9))},
        lambda w: _m("gallery.Release").objects.filter(name="Matrix new release").exists(),
    ),
    "staff:release_assign": Post(
        lambda w: {"objects": [str(w.approved.pk)], "audience": "partners"},
        lambda w: _fresh(w.approved).release_id == w.release.pk,
    ),
    "staff:release_schedule": Post(
        lambda w: {"publish_at": _local(w.release.publish_at + timedelta(days=2))},
        lambda w: _fresh(w.release).publish_at > w.release.publish_at + timedelta(days=1),
    ),
    "staff:triage_bulk": Post(
        lambda w: {"tips": [str(w.tip_pl.pk)], "action": "status:relevant"},
        lambda w: _fresh(w.tip_pl).status == "relevant",
    ),
    "staff:triage_cluster_status": Post(
        lambda w: {"status": "not_relevant"},
        lambda w: _fresh(w.tip_pl).status == "not_relevant",
    ),
    "staff:triage_tip_note": Post(
        lambda w: {"text": "Matrix note."},
        lambda w: _m("triage.TipNote").objects.filter(tip=w.tip_pl).exists(),
    ),
    "staff:triage_tip_question": Post(
        lambda w: {"question": "Matrix: which year?"},
        lambda w: _m("tips.FollowUp").objects.filter(tip=w.tip_pl).exists(),
    ),
    "staff:determination_new": Post(
        lambda w: {"kind": "widespread", "rationale": "Matrix: sold everywhere."},
        lambda w: _m("leads.Determination").objects.filter(object=w.open_obj).exists(),
    ),
    "staff:determination_confirm": Post(lambda w: {}, lambda w: _fresh(w.pending).state == "confirmed"),
    "staff:determination_reject": Post(
        lambda w: {"reason": "Matrix: not convincing."},
        lambda w: _fresh(w.pending).state == "rejected",
    ),
    "staff:lead_send": Post(
        lambda w: {"note_for_authority": "Matrix note for the authority."},
        lambda w: _fresh(w.lead_de).state == "sent",
    ),
    "staff:authority_new": Post(
        lambda w: {"country": "FR", "name": "Matrix unit FR", "email": "mx-fr@example.org", "active": "on"},
        lambda w: _m("leads.Authority").objects.filter(country="FR").exists(),
    ),
    "staff:authority_edit": Post(
        lambda w: {"name": "Matrix unit PL renamed", "email": "mx-pl@example.org", "active": "on"},
        lambda w: _m("leads.Authority").objects.get(country="PL").name == "Matrix unit PL renamed",
    ),
    "partner:password_change": Post(
        lambda w: {"current": STAFF_PASSWORD, "new": NEW_PASSWORD, "repeat": NEW_PASSWORD},
        lambda w: any(_fresh(user).check_password(NEW_PASSWORD) for user in w.users.values()),
    ),
    "partner:object_report": Post(
        lambda w: {"text": "Matrix: we know this toy."},
        lambda w: _m("tips.Tip").objects.filter(object=w.for_partners).exclude(partner_country="").exists(),
    ),
    "partner:lead_acknowledge": Post(
        lambda w: {}, lambda w: _fresh(w.lead_fresh).acknowledged_at is not None
    ),
    "partner:outcome_new": Post(
        lambda w: {"kind": "victim_identified", "count": "2", "update": "Matrix: two children safe."},
        lambda w: _m("leads.Outcome").objects.filter(lead=w.lead_fresh).exists(),
    ),
    "partner:outcome_correct": Post(
        lambda w: {"kind": "closed_no_result", "count": "", "update": "Matrix: corrected."},
        lambda w: _m("leads.Outcome").objects.filter(corrects=w.outcome).exists(),
    ),
}


# --- Checking that nothing changed ----------------------------------------------------------------

# Sessions change on every request (the idle timeout's last activity): not state the request made.
NOT_STATE = {"sessions.session"}


def _state() -> dict[str, str]:
    """A digest of every row of every table: any insert, update or delete shows."""
    digests = {}
    for model in apps.get_models():
        label = model._meta.label_lower
        if label in NOT_STATE or model._meta.proxy:
            continue
        rows = model._base_manager.order_by("pk").values_list()
        digests[label] = hashlib.sha256(repr(list(rows)).encode()).hexdigest()
    return digests


def _changed(before: dict[str, str]) -> list[str]:
    after = _state()
    return [label for label, digest in after.items() if before.get(label) != digest]


# --- Reading the resolver -------------------------------------------------------------------------


def _route(pattern: Any) -> str:
    if isinstance(pattern, RoutePattern):
        return str(pattern._route)
    if isinstance(pattern, LocalePrefixPattern):
        return pattern.language_prefix
    if isinstance(pattern, RegexPattern):
        raise AssertionError(
            f"regular-expression URL {pattern.regex.pattern!r} under a protected namespace: use path()"
        )
    raise AssertionError(f"unknown URL pattern type {type(pattern).__name__}")


def _is_protected(route: str) -> bool:
    path = "/" + route.lstrip("/")
    return any(path.startswith(spec["prefix"]) for spec in NAMESPACES.values())


def _walk(
    patterns: list[Any], prefix: str, namespace: str | None
) -> Iterator[tuple[str, str | None, str | None]]:
    """(route, namespace, full name) for every URL below ``patterns``."""
    for entry in patterns:
        if isinstance(entry, URLResolver):
            inner = namespace
            if entry.namespace:
                inner = f"{namespace}:{entry.namespace}" if namespace else entry.namespace
            if isinstance(entry.pattern, RegexPattern) and not _is_protected(prefix):
                route = entry.pattern.regex.pattern.lstrip("^")
                yield from _walk(entry.url_patterns, prefix + route, inner)
                continue
            yield from _walk(entry.url_patterns, prefix + _route(entry.pattern), inner)
        elif isinstance(entry, URLPattern):
            if isinstance(entry.pattern, RegexPattern) and not _is_protected(prefix):
                continue
            name = f"{namespace}:{entry.name}" if namespace and entry.name else entry.name
            yield prefix + _route(entry.pattern), namespace, name


def _resolved() -> tuple[list[str], list[str]]:
    """The URL names of the protected namespaces (a route stands in for a nameless one), and the URLs
    under a protected prefix but outside its namespace."""
    names, strays = [], []
    for route, namespace, name in _walk(get_resolver().url_patterns, "", None):
        path = "/" + route.lstrip("/")
        if (namespace or "").split(":")[0] in NAMESPACES:
            names.append(name or path)
        elif _is_protected(path):
            strays.append(path)
    return names, strays


def test_the_policy_lists_every_url() -> None:
    names, _strays = _resolved()
    unlisted = sorted(set(names) - set(POLICY) - set(ENTRY_VIEWS))
    assert not unlisted, f"URLs that the policy does not list (decide who may use them): {unlisted}"
    gone = sorted((set(POLICY) | set(ENTRY_VIEWS)) - set(names))
    assert not gone, f"the policy lists URLs that do not exist: {gone}"
    assert len(names) == len(set(names)), "two URLs share a name"


def test_no_url_under_a_protected_prefix_escapes_its_namespace() -> None:
    _names, strays = _resolved()
    assert not strays, f"URLs under a protected prefix but outside its namespace: {strays}"


def test_every_url_has_its_content_and_its_valid_post() -> None:
    gets = {name for name, (get, _post) in POLICY.items() if get}
    posts = {name for name, (_get, post) in POLICY.items() if post}
    assert set(VAULT_URLS) <= posts
    assert gets == set(SHOWS), sorted(gets ^ set(SHOWS))
    assert posts == set(POSTS), sorted(posts ^ set(POSTS))
    assert set(ARGS) <= set(POLICY)
    assert {name for name in POLICY if name.startswith("partner:")} >= ONE_COUNTRY


def test_the_world_starts_every_test_from_its_baseline(world: World, db: None) -> None:
    """What the "nothing changed" checks compare with: the world as built, which each test sees again."""
    assert _state() == world.baseline


def test_the_walk_builds_names_through_nested_includes() -> None:
    def view(request: Any, **kwargs: Any) -> HttpResponse:
        return HttpResponse("ok")

    sub = ([path("b/<slug:slug>/", view, name="b")], "sub")
    inner = [path("a/<int:pk>/", view, name="a"), path("x/", include(sub)), path("c/", view)]
    found = [
        (route, name) for route, _ns, name in _walk([path("staff/", include((inner, "staff")))], "", None)
    ]
    assert found == [
        ("staff/a/<int:pk>/", "staff:a"),
        ("staff/x/b/<slug:slug>/", "staff:sub:b"),
        ("staff/c/", None),
    ]


# --- The cases ------------------------------------------------------------------------------------


def _area(name: str) -> str:
    return name.split(":")[0]


def _may(account: str, roles: frozenset[str] | None) -> bool:
    return roles is not None and ROLE_OF.get(account) in roles


# An administrator's valid post to the vault's key pages needs production's set-up (the tip key in
# escrow, none in the configuration) and a login through the password, which opens the administrator's
# keys; the world's forced logins hold none. These are run, with the state change asserted, by the
# tests named here; the matrix still checks that every other role is refused and changes nothing.
VAULT_URLS = {
    "staff:user_vault_grant": (
        "tests/vault/test_keyring.py::test_a_cli_account_waits_for_an_administrators_grant"
    ),
    "staff:vault_rotate": "tests/tips/test_barriers.py (rotation re-seals the barrier reports)",
    "staff:vault_rotation_resume": (
        "tests/vault/test_keyring.py::test_rotation_waits_for_an_administrator_when_the_cache_lost_the_key"
    ),
}


# Valid posts that answer 200 with a page instead of a redirect: the page shows a secret once (an API
# token), which must not wait in a session or a message cookie for the next page.
SHOWN_ONCE = {"staff:user_api_token_create"}


def _cases(method: str) -> list[Any]:
    cases = []
    for name in POLICY:
        for account in ACCOUNTS:
            if account == OTHER_COUNTRY and not name.startswith("partner:"):
                continue  # on the staff side the second partner is one more partner: partner_a covers it
            if method == "POST" and name in VAULT_URLS and account == PLAYER[ADMINISTRATOR]:
                continue  # see VAULT_URLS
            cases.append(pytest.param(name, account, id=f"{name}-{account}"))
    return cases


def _assert_login_redirect(response: Any, name: str, url: str) -> None:
    assert response.status_code == 302, f"{url} answered {response.status_code} to anonymous"
    location = urlsplit(response["Location"])
    assert location.path == NAMESPACES[_area(name)]["login"], response["Location"]
    assert parse_qs(location.query).get("next") == [url]


def _assert_error_page(response: Any, name: str, status: int, heading: str) -> None:
    assert response.status_code == status, response.status_code
    body = response.content.decode()
    assert heading in body, body[:500]
    # The area's own page: the staff page links back to the staff home, the partner page to the portal.
    assert reverse(f"{_area(name)}:home") in body


@pytest.mark.parametrize(("name", "account"), _cases("GET"))
def test_get(world: World, db: None, name: str, account: str) -> None:
    get_roles, post_roles = POLICY[name]
    url = _url(name, world)
    before = world.baseline
    response = world.client(account).get(url)
    if account == ANONYMOUS:
        if get_roles is None and response.status_code == 405:
            return
        _assert_login_redirect(response, name, url)
    elif _may(account, get_roles):
        if account == OTHER_COUNTRY and name in ONE_COUNTRY:
            _assert_error_page(response, name, 404, NOT_FOUND)
        else:
            assert response.status_code == 200, f"{account} GET {url}: {response.status_code}"
            if account == OTHER_COUNTRY and name == "partner:home":
                # Another country's home lists the objects for partners, and none of partner_a's leads.
                _text(lambda w: w.for_partners.code)(world, response)
                assert world.lead_pl.reference not in response.content.decode()
                assert world.lead_fresh.reference not in response.content.decode()
            elif account == OTHER_COUNTRY and name == "partner:lead_list_csv":
                # Another country's CSV: the header, and none of partner_a's leads.
                _file("text/csv", b"reference,")(world, response)
                body = _body(response).decode()
                assert world.lead_pl.reference not in body
                assert world.lead_fresh.reference not in body
            else:
                SHOWS[name](world, response)
            return  # a page that may record its reading (the audit trail) is allowed to
    elif get_roles is None and _may(account, post_roles):
        if account == OTHER_COUNTRY and name in ONE_COUNTRY:
            assert response.status_code in {404, 405}, response.status_code
        else:
            assert response.status_code == 405, f"{account} GET {url}: {response.status_code}"
    elif get_roles is None and response.status_code == 405:
        pass  # the method is refused before the role: nothing was run either
    else:
        _assert_error_page(response, name, 403, DENIED)
    assert not _changed(before), f"{account} GET {url} changed {_changed(before)}"


@pytest.mark.parametrize(("name", "account"), _cases("POST"))
def test_post(
    world: World, db: None, django_capture_on_commit_callbacks: Any, name: str, account: str
) -> None:
    get_roles, post_roles = POLICY[name]
    valid = POSTS.get(name)
    url = _url(name, world)
    data = valid.data(world) if valid is not None else {"anything": "1"}
    if valid is not None:
        assert not valid.done(world), f"{name}: the change is there before the post"
    before = world.baseline
    with django_capture_on_commit_callbacks(execute=True):
        response = world.client(account).post(url, data)
    status = response.status_code
    if account == ANONYMOUS:
        if not (post_roles is None and status == 405):
            _assert_login_redirect(response, name, url)
    elif _may(account, post_roles):
        if account == OTHER_COUNTRY and name in ONE_COUNTRY:
            _assert_error_page(response, name, 404, NOT_FOUND)
        else:
            assert valid is not None
            expected = 200 if name in SHOWN_ONCE else 302
            assert status == expected, f"{account} POST {url}: {status} {response.content[:2000]!r}"
            assert valid.done(world), f"{account} POST {url} ({status}) did not make its change"
            return
    elif post_roles is None and _may(account, get_roles):
        assert status in ({404, 405} if account == OTHER_COUNTRY and name in ONE_COUNTRY else {405}), status
    elif post_roles is None and status == 405:
        pass  # the method is refused before the role: nothing was run either
    else:
        _assert_error_page(response, name, 403, DENIED)
    assert not _changed(before), f"{account} POST {url} changed {_changed(before)}"
    if valid is not None:
        assert not valid.done(world)


def _missing(value: Any) -> Any:
    """An argument of the same type that names nothing."""
    if isinstance(value, int):
        return 999_999
    if str(value).startswith("objects/"):
        return "objects/none/none.jpg"
    return "ZZ" if len(str(value)) == 2 else "NOPE-9999"


@pytest.mark.parametrize("name", sorted(ARGS), ids=str)
def test_a_refused_role_learns_nothing_of_what_exists(world: World, db: None, name: str) -> None:
    """403 before any lookup: the outsider, and a role the URL is not for, get the same 403 for an id that
    names nothing as for a real one, never a 404 that would tell them apart."""
    get_roles, _post_roles = POLICY[name]
    kwargs = {key: _missing(value) for key, value in ARGS[name](world).items()}
    url = reverse(name, kwargs=kwargs)
    refused = [OUTSIDER, PLAYER[ANALYST] if _area(name) == "partner" else PLAYER[PARTNER]]
    for account in refused:
        client = world.client(account)
        response = client.get(url) if get_roles else client.post(url, {})
        _assert_error_page(response, name, 403, DENIED)


# --- The second factor ----------------------------------------------------------------------------


@pytest.mark.parametrize("name", sorted(POLICY), ids=str)
def test_a_password_only_session_is_sent_to_the_second_factor(world: World, db: None, name: str) -> None:
    get_roles, post_roles = POLICY[name]
    role = sorted((get_roles or post_roles) or frozenset())[0]
    client = world.client(PLAYER[role], verified=False)
    url = _url(name, world)
    response = client.get(url) if get_roles else client.post(url, {})
    assert response.status_code == 302, response.status_code
    assert urlsplit(response["Location"]).path == NAMESPACES[_area(name)]["otp"]


# --- The entry views ------------------------------------------------------------------------------


@pytest.mark.parametrize("name", sorted(ENTRY_VIEWS), ids=str)
def test_entry_views_open_to_anonymous(client: Client, db: None, name: str) -> None:
    """Exempt from the matrix; listed, and reachable (or politely refusing the method) without a login."""
    url = reverse(name)
    response = client.get(url)
    assert response.status_code in {200, 302, 405}, response.status_code
    if response.status_code == 302:  # the second factor sends a visitor without a password to the login
        assert urlsplit(response["Location"]).path == NAMESPACES[_area(name)]["login"]


# --- The API (/api/v1/): bearer tokens instead of sessions -----------------------------------------

# URL name -> roles that may GET it. The API has no login page: anonymous gets 401, a role that may not
# use a route 403 (before any lookup), a partner of another country 404 on one country's lead.
API_POLICY: dict[str, frozenset[str]] = {
    "api:lead_list": R,
    "api:lead_detail": R,
    "api:lead_image": R,
}
API_ONE_COUNTRY = frozenset({"api:lead_detail", "api:lead_image"})
# Public on purpose: the API's own description.
API_PUBLIC: dict[str, str] = {
    "api:openapi-json": "the OpenAPI document",
    "api:openapi-view": "the documentation page (assets from this site)",
}
# django-ninja's root (/api/v1/): it only names the prefix, and answers 404 to everyone.
API_ROOT = {"api:api-root"}


@pytest.mark.parametrize("name", sorted(API_ROOT), ids=str)
def test_the_api_root_answers_404(client: Client, db: None, name: str) -> None:
    assert client.get(reverse(name)).status_code == 404


API_ARGS: dict[str, Callable[[World], dict[str, Any]]] = {
    "api:lead_detail": lambda w: {"reference": w.lead_pl.reference},
    "api:lead_image": lambda w: {"reference": w.lead_pl.reference, "number": 1},
}
API_SHOWS: dict[str, Callable[[World, Any], None]] = {
    "api:lead_list": lambda w, r: _assert_in(w.lead_pl.reference, r),
    "api:lead_detail": lambda w, r: _assert_tip(TIP_PL, r),
    "api:lead_image": lambda w, r: _assert_image(r),
}


def _assert_in(text: str, response: Any) -> None:
    assert text in response.content.decode(), response.content[:500]


def _assert_tip(text: str, response: Any) -> None:
    assert [tip["text"] for tip in response.json()["tips"]] == [text]


def _assert_image(response: Any) -> None:
    assert response["Content-Type"].startswith("image/"), response["Content-Type"]


def test_the_api_policy_lists_every_api_url() -> None:
    names = [
        name
        for _route, namespace, name in _walk(get_resolver().url_patterns, "", None)
        if (namespace or "") == "api"
    ]
    assert sorted(set(names)) == sorted(set(API_POLICY) | set(API_PUBLIC) | set(API_ROOT))
    assert set(API_SHOWS) == set(API_POLICY)


@pytest.mark.parametrize("name", sorted(API_PUBLIC), ids=str)
def test_the_api_description_is_public(client: Client, db: None, name: str) -> None:
    assert client.get(reverse(name)).status_code == 200


@pytest.mark.parametrize(
    ("name", "account"),
    [pytest.param(name, account, id=f"{name}-{account}") for name in API_POLICY for account in ACCOUNTS],
)
def test_api(world: World, db: None, name: str, account: str) -> None:
    from traceobject.accounts.apitokens import apitoken_create

    url = reverse(name, kwargs=API_ARGS[name](world) if name in API_ARGS else None)
    headers = {}
    if account != ANONYMOUS:
        _row, token = apitoken_create(actor=None, user=world.users[account], held={}, actor_label="matrix")
        headers["HTTP_AUTHORIZATION"] = f"Bearer {token}"
    response = Client().get(url, **headers)
    post = Client().post(url, {}, **headers)
    assert not response.cookies
    if account == ANONYMOUS:
        assert response.status_code == 401, response.status_code
        assert response["WWW-Authenticate"].startswith("Bearer")
    elif _may(account, API_POLICY[name]):
        if account == OTHER_COUNTRY and name in API_ONE_COUNTRY:
            assert response.status_code == 404, response.status_code
        else:
            assert response.status_code == 200, (response.status_code, response.content[:300])
            if account == OTHER_COUNTRY:
                assert world.lead_pl.reference not in response.content.decode()
            else:
                API_SHOWS[name](world, response)
    else:
        assert response.status_code == 403, response.status_code
    assert post.status_code in {401, 405}, post.status_code  # no write route yet
