"""The vault's second stage: only staff who logged in with their password can open what is sealed.

Every test here runs without the configured private key (``VAULT_PRIVATE_KEY=""``), as production does
once the key is in escrow, so the only way to a key is a real login through the pages.
"""

from __future__ import annotations

import io

import pytest
from django.core.cache import cache
from django.core.management import call_command
from nacl.public import PrivateKey

from tests.accounts.conftest import post_form
from tests.vault.helpers import PASSWORD, account, keys_of, login, tip_key_of
from traceobject import vault
from traceobject.audit.models import AuditEvent
from traceobject.leads.models import Authority
from traceobject.tips.models import Tip
from traceobject.tips.payload import TipPayload
from traceobject.vault import keyring
from traceobject.vault.models import KeyGrant, KeyRotation, StaffKey, VaultKey
from traceobject.vault.rotation import ROTATION_CACHE_KEY, rotation_run

pytestmark = pytest.mark.django_db

SECRET_TEXT = "The lamp was sold only at Kaufhaus Zebra in Bremen, winter 2014."


@pytest.fixture
def escrowed(settings):
    """Production after the escrow: no private key in the configuration."""
    settings.VAULT_PRIVATE_KEY = ""
    vault.active_key_forget()


def _tip(tip_factory, published_object, text: str = SECRET_TEXT, contact: str = "") -> Tip:
    return tip_factory(obj=published_object, payload=TipPayload(text=text, contact=contact))


def _tip_page(client, tip: Tip):
    return client.get(f"/staff/triage/tips/{tip.pk}/")


def test_first_administrator_gets_a_new_tip_key_and_nothing_opens_without_a_login(
    escrowed, tip_factory, published_object
) -> None:
    admin = account("root", "administrator")
    [key] = VaultKey.objects.all()
    assert key.authority is None
    # A new key pair, not the configured one: the configured private key was never needed.
    assert bytes(key.public_key) != vault.configured_public_key()
    assert KeyGrant.objects.filter(user=admin, key=key).exists()
    tip = _tip(tip_factory, published_object)
    assert vault.record_key_id(bytes(tip.sealed)).hex() == key.key_id
    with pytest.raises(vault.VaultLockedError):
        vault.open(bytes(tip.sealed))


def test_an_analyst_reads_tips_only_in_a_session_unlocked_by_the_password(
    escrowed, tip_factory, published_object
) -> None:
    account("root", "administrator")
    admin_client = login("root")
    # The administrator creates the analyst through the page: the grant comes from the admin's session.
    response = post_form(
        admin_client,
        "/staff/accounts/new/",
        {
            "username": "ana",
            "role": "analyst",
            "country": "",
            "password": PASSWORD,
            "password_again": PASSWORD,
        },
    )
    assert response.status_code == 302
    analyst = StaffKey.objects.get(user__username="ana").user
    assert KeyGrant.objects.filter(user=analyst).count() == 1
    grant_event = AuditEvent.objects.filter(action="vault.grant", target_id=str(analyst.pk)).get()
    assert grant_event.actor is not None
    assert grant_event.actor.username == "root"
    from django_otp.plugins.otp_totp.models import TOTPDevice

    TOTPDevice.objects.create(user=analyst, name="default", confirmed=True)
    tip = _tip(tip_factory, published_object)

    client = login("ana")
    # Made by an administrator: the first page is the password change, which re-wraps the vault key.
    forced = _tip_page(client, tip)
    assert (forced.status_code, forced["Location"]) == (302, "/staff/account/password/")
    own = "ana's very own passphrase 7"
    changed = post_form(client, "/staff/account/password/", {"current": PASSWORD, "new": own, "repeat": own})
    assert changed.status_code == 302
    page = _tip_page(client, tip)
    assert page.status_code == 200
    assert "Kaufhaus Zebra" in page.content.decode()

    # The session store alone (no cookie half) opens nothing: a clear page, not an error.
    del client.cookies["to_staff_vault"]
    locked = _tip_page(client, tip)
    assert locked.status_code == 403
    assert "The vault is locked" in locked.content.decode()
    assert "Kaufhaus Zebra" not in locked.content.decode()


def test_a_forced_login_without_the_password_holds_no_key(escrowed, tip_factory, published_object) -> None:
    from tests.staff_fixtures import login_verified

    account("root", "administrator")
    analyst = account("ana", "analyst")
    tip = _tip(tip_factory, published_object)
    from django.test import Client

    client = login_verified(Client(), analyst)
    assert _tip_page(client, tip).status_code == 403


def test_a_cli_account_waits_for_an_administrators_grant(escrowed, tip_factory, published_object) -> None:
    account("root", "administrator")
    analyst = account("ana", "analyst")  # by the CLI: nobody who holds the key was there
    assert not KeyGrant.objects.filter(user=analyst).exists()
    tip = _tip(tip_factory, published_object)
    assert _tip_page(login("ana"), tip).status_code == 403

    admin_client = login("root")
    page = admin_client.get(f"/staff/accounts/{analyst.pk}/").content.decode()
    assert "Grant vault access" in page
    token_page = admin_client.get(f"/staff/accounts/{analyst.pk}/")
    from tests.utils import csrf_token_from

    token = csrf_token_from(token_page.content.decode())
    response = admin_client.post(f"/staff/accounts/{analyst.pk}/vault-grant/", {"csrfmiddlewaretoken": token})
    assert response.status_code == 302
    assert KeyGrant.objects.filter(user=analyst).count() == 1
    assert "Kaufhaus Zebra" in _tip_page(login("ana"), tip).content.decode()


def test_password_change_rewraps_the_key_and_keeps_access(escrowed, tip_factory, published_object) -> None:
    account("root", "administrator")
    admin_client = login("root")
    analyst = account("ana", "analyst", actor=StaffKey.objects.get(user__username="root").user)
    # Created by an actor outside a session: no key held, so no grant; grant from the session now.
    token = admin_client.get(f"/staff/accounts/{analyst.pk}/")
    from tests.utils import csrf_token_from

    admin_client.post(
        f"/staff/accounts/{analyst.pk}/vault-grant/",
        {"csrfmiddlewaretoken": csrf_token_from(token.content.decode())},
    )
    tip = _tip(tip_factory, published_object)
    before = StaffKey.objects.get(user=analyst)

    client = login("ana")
    new_password = "another long passphrase 17"
    response = post_form(
        client, "/staff/account/password/", {"current": PASSWORD, "new": new_password, "repeat": new_password}
    )
    assert response.status_code == 302
    # Still logged in, still holding the key.
    assert "Kaufhaus Zebra" in _tip_page(client, tip).content.decode()
    after = StaffKey.objects.get(user=analyst)
    assert bytes(after.public_key) == bytes(before.public_key)
    assert bytes(after.wrapped_private) != bytes(before.wrapped_private)
    assert keyring.staff_key_unwrap(after, PASSWORD) is None
    assert keyring.staff_key_unwrap(after, new_password) is not None
    assert "Kaufhaus Zebra" in _tip_page(login("ana", password=new_password), tip).content.decode()
    assert AuditEvent.objects.filter(action="user.password_change").get().details == {"vault_key_kept": True}


def test_password_change_refuses_a_wrong_current_password(escrowed) -> None:
    account("root", "administrator")
    client = login("root")
    response = post_form(
        client, "/staff/account/password/", {"current": "nope", "new": "x" * 20, "repeat": "x" * 20}
    )
    assert response.status_code == 200
    assert "The current password is wrong." in response.content.decode()


def test_deactivating_an_account_drops_its_grants(escrowed) -> None:
    from traceobject.accounts.services import user_update

    admin = account("root", "administrator")
    other = account("root2", "administrator")
    keyring.grant(
        key=VaultKey.objects.get(),
        private=tip_key_of(admin),
        users=[other],
    )
    assert KeyGrant.objects.filter(user=other).exists()
    from django.db import transaction

    with transaction.atomic():
        user_update(actor=admin, user=other, role="administrator", country="", is_active=False)
    assert not KeyGrant.objects.filter(user=other).exists()


def test_partner_opens_leads_sealed_to_its_authority_and_staff_cannot_use_that_copy(escrowed) -> None:
    admin = account("root", "administrator")
    partner = account("pl-police", "partner", country="PL")
    outsider = account("de-police", "partner", country="DE")
    authority = Authority.objects.create(country="PL", name="Polish police", email="vic@policja.example")
    public = keyring.authority_public_key(authority=authority)
    assert keyring.authority_public_key(authority=authority) == public  # made once
    sealed = vault.seal_to(public, b"lead snapshot")
    holders = set(KeyGrant.objects.filter(key__authority=authority).values_list("user__username", flat=True))
    assert holders == {"pl-police", "root"}
    staff_private = keyring.staff_key_unwrap(StaffKey.objects.get(user=partner), PASSWORD)
    assert staff_private is not None
    with vault.unlocked(keyring.grants_open(user=partner, staff_private=staff_private)):
        assert vault.open(sealed) == b"lead snapshot"
    other_private = keyring.staff_key_unwrap(StaffKey.objects.get(user=outsider), PASSWORD)
    assert other_private is not None
    with (
        vault.unlocked(keyring.grants_open(user=outsider, staff_private=other_private)),
        pytest.raises(vault.VaultLockedError),
    ):
        vault.open(sealed)
    assert admin.pk in set(
        KeyGrant.objects.filter(key__authority=authority).values_list("user_id", flat=True)
    )


def test_escrow_keeps_tips_from_before_readable(settings, tip_factory, published_object, tmp_path) -> None:
    """Stage one: the configured key. Tips submitted then are read after the escrow with a password."""
    analyst = account("ana", "analyst")  # a grant of the configured key, made at creation
    tip = _tip(tip_factory, published_object, contact="ana@example.org")
    # A tip from before the contact details had a column of their own.
    legacy_payload = TipPayload(text="An older tip about the lamp, from 2019.", contact="+48 600 000 000")
    legacy = _tip(tip_factory, published_object, text="placeholder text for the legacy tip")
    Tip.objects.filter(pk=legacy.pk).update(
        sealed=vault.seal(legacy_payload.to_bytes()), sealed_contact=None, has_contact=True
    )
    VaultKey.objects.all().delete()  # as before key custody existed
    KeyGrant.objects.all().delete()
    StaffKey.objects.all().delete()
    login("ana")  # the first login since the upgrade: a key pair and, while configured, a grant

    key_file = tmp_path / "vault-private.key"
    key_file.write_text(settings.VAULT_PRIVATE_KEY)
    call_command("vault", "escrow", "--private-key-file", str(key_file), "--keep-key-file")
    legacy.refresh_from_db()
    assert legacy.sealed_contact is not None  # split out, so retention can drop it without a key
    assert TipPayload.from_bytes(vault.open(bytes(legacy.sealed))).contact == ""

    settings.VAULT_PRIVATE_KEY = ""  # the operator removes it
    vault.active_key_forget()
    with pytest.raises(vault.VaultLockedError):
        vault.open(bytes(tip.sealed))
    client = login("ana")
    page = _tip_page(client, tip).content.decode()
    assert "Kaufhaus Zebra" in page
    assert "ana@example.org" in page
    legacy_page = _tip_page(client, legacy).content.decode()
    assert "An older tip about the lamp" in legacy_page
    assert "+48 600 000 000" in legacy_page
    assert AuditEvent.objects.filter(action="vault.escrow").count() == 1
    assert KeyGrant.objects.filter(user=analyst).count() == 1


def test_escrow_refuses_a_key_that_is_not_the_deployments(settings, tmp_path) -> None:
    from django.core.management.base import CommandError

    key_file = tmp_path / "other.key"
    import base64

    key_file.write_text(base64.b64encode(bytes(PrivateKey.generate())).decode())
    with pytest.raises(CommandError, match="does not belong"):
        call_command("vault", "escrow", "--private-key-file", str(key_file), "--keep-key-file")
    assert not VaultKey.objects.exists()


def test_rotation_reseals_everything_and_retires_the_old_key(
    escrowed, tip_factory, published_object, django_capture_on_commit_callbacks
) -> None:
    account("root", "administrator")
    admin_client = login("root")
    analyst = account("ana", "analyst")
    keyring.grant(
        key=VaultKey.objects.get(),
        private=tip_key_of(StaffKey.objects.get(user__username="root").user),
        users=[analyst],
    )
    tips = [_tip(tip_factory, published_object, contact=f"reach me {n}") for n in range(3)]
    old_key = VaultKey.objects.get()
    earlier_session = login("ana")  # logged in before the rotation: holds only the old key

    token = admin_client.get("/staff/vault/")
    from tests.utils import csrf_token_from

    with django_capture_on_commit_callbacks(execute=True):
        response = admin_client.post(
            "/staff/vault/rotate/", {"csrfmiddlewaretoken": csrf_token_from(token.content.decode())}
        )
    assert response.status_code == 302
    rotation = KeyRotation.objects.get()
    assert rotation.finished_at is not None
    assert rotation.sealed_old_private is None
    assert rotation.resealed == 6  # three tips and their contact details
    old_key.refresh_from_db()
    assert old_key.retired_at is not None
    assert not old_key.grants.exists()
    new_key = rotation.new_key
    for tip in Tip.objects.filter(pk__in=[t.pk for t in tips]):
        assert vault.record_key_id(bytes(tip.sealed)).hex() == new_key.key_id
        assert vault.record_key_id(bytes(tip.sealed_contact)).hex() == new_key.key_id
    assert "Kaufhaus Zebra" in _tip_page(login("ana"), tips[0]).content.decode()
    assert cache.get(ROTATION_CACHE_KEY.format(pk=rotation.pk)) is None

    # The session from before the rotation picks up the new grant by itself: one redirect, then the tip.
    response = _tip_page(earlier_session, tips[0])
    assert response.status_code == 302
    assert response["Location"] == f"/staff/triage/tips/{tips[0].pk}/"
    assert "Kaufhaus Zebra" in _tip_page(earlier_session, tips[0]).content.decode()


def test_a_key_the_member_was_never_granted_stays_locked_without_a_redirect_loop(
    escrowed, tip_factory, published_object
) -> None:
    account("root", "administrator")
    account("ana", "analyst")  # no grant
    tip = _tip(tip_factory, published_object)
    client = login("ana")
    assert _tip_page(client, tip).status_code == 403
    assert _tip_page(client, tip).status_code == 403


def test_rotation_waits_for_an_administrator_when_the_cache_lost_the_key(
    escrowed, tip_factory, published_object, django_capture_on_commit_callbacks
) -> None:
    admin = account("root", "administrator")
    admin_client = login("root")
    tip = _tip(tip_factory, published_object)
    from tests.utils import csrf_token_from

    token = csrf_token_from(admin_client.get("/staff/vault/").content.decode())
    admin_client.post("/staff/vault/rotate/", {"csrfmiddlewaretoken": token})  # the task is not run
    rotation = KeyRotation.objects.get()
    cache.clear()  # a restart of the cache
    assert rotation_run.call(rotation_id=rotation.pk) == "waiting"
    page = admin_client.get("/staff/vault/").content.decode()
    assert "Resume the rotation" in page
    with django_capture_on_commit_callbacks(execute=True):
        admin_client.post("/staff/vault/resume/", {"csrfmiddlewaretoken": csrf_token_from(page)})
    rotation.refresh_from_db()
    assert rotation.finished_at is not None
    tip.refresh_from_db()
    assert vault.record_key_id(bytes(tip.sealed)).hex() == rotation.new_key.key_id
    assert AuditEvent.objects.filter(action__startswith="vault.rotation").count() == 3
    assert admin.pk == rotation.started_by_id


def test_a_partner_reads_its_lead_in_the_portal_with_its_authoritys_key(escrowed, published_object) -> None:
    """The whole partner path without the configured key: freeze a lead, send it, log in at /partner/."""
    from traceobject.leads.models import DeterminationKind, LeadState
    from traceobject.leads.services import CountryClaim, determination_confirm, determination_propose
    from traceobject.tips.services import tip_submit

    admin = account("root", "administrator")
    analyst = account("ana", "analyst")
    publisher = account("pub", "publisher")
    account("pl-police", "partner", country="PL")
    account("de-police", "partner", country="DE")
    keyring.grant(
        key=VaultKey.objects.get(authority=None), private=tip_key_of(admin), users=[analyst, publisher]
    )
    Authority.objects.create(country="PL", name="Polish police", email="vic@policja.example")
    tip = tip_submit(obj=published_object, payload=TipPayload(text=SECRET_TEXT)).tip
    with vault.unlocked(keys_of(analyst)):
        determination = determination_propose(
            actor=analyst,
            obj=published_object,
            kind=DeterminationKind.IDENTIFIED,
            rationale="Placed by the tip.",
            countries=[CountryClaim("PL", "likely", "Shop named.", [tip.pk])],
        )
    with vault.unlocked(keys_of(publisher)):
        [lead] = determination_confirm(actor=publisher, determination=determination)
    type(lead).objects.filter(pk=lead.pk).update(state=LeadState.SENT)

    page = login("pl-police", area="partner").get(f"/partner/leads/{lead.reference}/")
    assert page.status_code == 200
    assert "Kaufhaus Zebra" in page.content.decode()
    # The partner holds no tip key: the staff copy is closed to it, the authority's copy open.
    assert not KeyGrant.objects.filter(user__username="pl-police", key__authority=None).exists()
    assert login("de-police", area="partner").get(f"/partner/leads/{lead.reference}/").status_code == 404


def test_a_partner_changes_its_password_and_keeps_its_key(escrowed) -> None:
    partner = account("pl-police", "partner", country="PL")
    Authority.objects.create(country="PL", name="Polish police", email="vic@policja.example")
    keyring.authority_public_key(authority=Authority.objects.get())
    client = login("pl-police", area="partner")
    new_password = "a different long passphrase"
    response = post_form(
        client,
        "/partner/account/password/",
        {"current": PASSWORD, "new": new_password, "repeat": new_password},
    )
    assert response.status_code == 302
    assert response["Location"] == "/partner/"
    staff_private = keyring.staff_key_unwrap(StaffKey.objects.get(user=partner), new_password)
    assert staff_private is not None
    assert len(keyring.grants_open(user=partner, staff_private=staff_private)) == 1


# --- An administrator grants keys made since their login ----------------------------------------------


def test_an_administrator_grants_an_authority_key_made_since_the_login(escrowed) -> None:
    """France's key is made with its first lead, after the administrator logged in: the grant page hands
    it to France's partner at once, without logging out and in."""
    account("root", "administrator")
    admin_client = login("root")
    authority = Authority.objects.create(country="FR", name="French police", email="ocrvp@example.org")
    keyring.authority_public_key(authority=authority)  # granted to root's key, not held by the session
    partner = account("fr-police", "partner", country="FR")  # from the command line: no grant yet
    assert not KeyGrant.objects.filter(user=partner).exists()

    from tests.utils import csrf_token_from

    page = admin_client.get(f"/staff/accounts/{partner.pk}/")  # the Grant button's page
    token = csrf_token_from(page.content.decode())
    response = admin_client.post(f"/staff/accounts/{partner.pk}/vault-grant/", {"csrfmiddlewaretoken": token})
    assert response.status_code == 302
    assert response.cookies["to_staff_vault"].value  # the session's keys, under a new cookie key
    [grant] = KeyGrant.objects.filter(user=partner)
    assert grant.key.authority == authority
    assert grant.granted_by.username == "root"
    # The partner now opens what is sealed to France.
    sealed = vault.seal_to(bytes(grant.key.public_key), b"for France")
    with vault.unlocked(keys_of(partner)):
        assert vault.open(sealed) == b"for France"
    # The administrator's page keeps working on the refreshed session (the new cookie was sent).
    assert admin_client.get(f"/staff/accounts/{partner.pk}/").status_code == 200


def test_an_account_created_on_the_page_gets_an_authority_key_made_since_the_login(escrowed) -> None:
    account("root", "administrator")
    admin_client = login("root")
    authority = Authority.objects.create(country="FR", name="French police", email="ocrvp@example.org")
    keyring.authority_public_key(authority=authority)
    response = post_form(
        admin_client,
        "/staff/accounts/new/",
        {
            "username": "fr-police",
            "role": "partner",
            "country": "FR",
            "password": PASSWORD,
            "password_again": PASSWORD,
        },
    )
    assert response.status_code == 302
    assert KeyGrant.objects.filter(user__username="fr-police", key__authority=authority).exists()


# --- The demo team after make run's steps ---------------------------------------------------------------


def test_after_make_runs_steps_every_demo_account_opens_what_its_role_needs(
    settings, tip_factory, published_object
) -> None:
    """`demostaff`, the authorities' first leads (made by `demo`), then `vault escrow --if-configured`;
    then, with no key configured any more (the restart), each member logs in with the printed password
    and holds exactly the keys of their role: the tip key for the staff who read tips or leads, and
    each country's key for its partner (and the administrator)."""
    from traceobject.accounts.models import User
    from traceobject.accounts.services import demo_password
    from traceobject.leads.demo import DEMO_COUNTRIES, leads_demo_load

    tip = _tip(tip_factory, published_object)
    call_command("demostaff", "--if-missing", stdout=io.StringIO())
    authorities = {authority.country: authority for authority in leads_demo_load()}
    assert set(authorities) == set(DEMO_COUNTRIES)
    for authority in authorities.values():
        keyring.authority_public_key(authority=authority)
    call_command("vault", "escrow", "--if-configured", stdout=io.StringIO())
    settings.VAULT_PRIVATE_KEY = ""
    vault.active_key_forget()

    tip_key = VaultKey.objects.get(authority=None)
    country_keys = {key.authority.country: key for key in VaultKey.objects.exclude(authority=None)}
    for user in User.objects.filter(is_demo=True):
        held = {kid.hex() for kid in keys_of(user, demo_password(user.username))}
        if user.role == "partner":
            assert held == {country_keys[user.country].key_id}, user.username
        elif user.role == "administrator":
            assert held == {tip_key.key_id} | {key.key_id for key in country_keys.values()}
        elif user.role in {"analyst", "publisher", "auditor"}:
            # Publishers and auditors read leads (which carry tips); analysts read tips.
            assert held == {tip_key.key_id}, user.username
        area = "partner" if user.role == "partner" else "staff"
        login(user.username, password=demo_password(user.username), area=area)

    for analyst in ("demo-analyst", "demo-analyst-2"):
        page = _tip_page(login(analyst, password=demo_password(analyst)), tip)
        assert "Kaufhaus Zebra" in page.content.decode()
    sealed = vault.seal_to(bytes(country_keys["FR"].public_key), b"for France")
    with vault.unlocked(keys_of(User.objects.get(username="demo-partner-fr"), "demo-partner-fr-2026")):
        assert vault.open(sealed) == b"for France"


def test_a_demo_partner_added_later_gets_its_countrys_key_from_a_teammate(settings) -> None:
    """An installation from before the partner existed: its authority's key was made and forgotten, only
    the administrator holds it; `demostaff --if-missing` hands it over."""
    from traceobject.accounts.models import User
    from traceobject.leads.demo import leads_demo_load

    call_command("demostaff", "--if-missing", stdout=io.StringIO())
    User.objects.get(username="demo-partner-fr").delete()
    france = next(a for a in leads_demo_load() if a.country == "FR")
    keyring.authority_public_key(authority=france)
    settings.VAULT_PRIVATE_KEY = ""
    vault.active_key_forget()
    out = io.StringIO()
    call_command("demostaff", "--if-missing", stdout=out)
    assert "(1 new)" in out.getvalue()
    partner = User.objects.get(username="demo-partner-fr")
    [grant] = KeyGrant.objects.filter(user=partner)
    assert grant.key.authority == france
    event = AuditEvent.objects.filter(action="vault.grant", target_id=str(partner.pk)).get()
    assert event.actor_label == "system:demo"
