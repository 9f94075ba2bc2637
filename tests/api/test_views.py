"""The API under /api/v1/: bearer tokens that carry the vault, no cookies, a partner's own leads only,
the OpenAPI 3.1 document and docs whose assets come from this site."""

from __future__ import annotations

import io
import re
from datetime import timedelta
from html.parser import HTMLParser
from typing import Any
from urllib.parse import urlsplit

import pytest
from django.core.cache import caches
from django.core.management import call_command
from django.test import Client
from django.utils import timezone
from openapi_spec_validator import validate

from tests.leads.conftest import AUTHORITY_NOTE, GERMANY_TIP, POLAND_TIP, Loop
from tests.vault.helpers import PASSWORD, account, keys_of, tip_key_of
from traceobject import vault
from traceobject.accounts import apitokens
from traceobject.accounts.models import ApiToken
from traceobject.audit.models import AuditEvent
from traceobject.leads.models import Authority, Lead, LeadState
from traceobject.tips.payload import TipPayload
from traceobject.vault import keyring
from traceobject.vault.models import VaultKey

pytestmark = pytest.mark.django_db

LIST = "/api/v1/leads/"


def _token(user: Any, **kwargs: Any) -> str:
    _row, secret = apitokens.apitoken_create(
        actor=None, user=user, held=vault.held_keys(), actor_label="test", **kwargs
    )
    return secret


def _get(url: str, token: str | None = None) -> Any:
    headers = {"HTTP_AUTHORIZATION": f"Bearer {token}"} if token else {}
    return Client().get(url, **headers)


@pytest.fixture
def sent(staff: dict[str, Any], dispatched: Loop) -> Loop:
    return dispatched


# --- Authentication and cookies --------------------------------------------------------------------


def test_without_a_token_the_leads_answer_401_with_www_authenticate() -> None:
    response = _get(LIST)
    assert response.status_code == 401
    assert response["WWW-Authenticate"].startswith("Bearer")
    assert response.json()["code"] == "unauthenticated"


@pytest.mark.parametrize("bad", ["nonsense", "to_0123456789ab_" + "A" * 43, "to_zz_short"])
def test_a_wrong_token_answers_401_and_is_audited_once_a_minute(staff: Any, bad: str, settings: Any) -> None:
    settings.TRACEOBJECT_RATE_LIMITS = True
    caches["antiabuse"].clear()
    for _ in range(3):
        response = _get(LIST, bad)
        assert response.status_code == 401
        assert 'error="invalid_token"' in response["WWW-Authenticate"]
    assert AuditEvent.objects.filter(action="api.auth_failed").count() == 1


def test_a_wrong_secret_for_a_real_prefix_is_refused_and_names_the_account(staff: Any) -> None:
    token = _token(staff["partner_a"])
    prefix = token.split("_")[1]
    response = _get(LIST, f"to_{prefix}_" + "B" * 43)
    assert response.status_code == 401
    event = AuditEvent.objects.get(action="api.auth_failed")
    assert event.details == {"reason": "wrong_secret", "prefix": prefix}


def test_revoked_and_expired_tokens_answer_401(staff: Any) -> None:
    revoked = _token(staff["partner_a"])
    row = ApiToken.objects.get(prefix=revoked.split("_")[1])
    assert _get(LIST, revoked).status_code == 200
    apitokens.apitoken_revoke(actor=staff["administrator"], token=row)
    assert _get(LIST, revoked).status_code == 401
    expired = _token(staff["partner_a"], expires_days=1)
    ApiToken.objects.filter(prefix=expired.split("_")[1]).update(
        expires_at=timezone.now() - timedelta(seconds=1)
    )
    assert _get(LIST, expired).status_code == 401
    assert set(AuditEvent.objects.values_list("action", flat=True)) >= {
        "api.token_create",
        "api.token_revoke",
        "api.auth_failed",
    }


def test_the_token_is_stored_hashed_and_its_last_use_is_a_day(staff: Any) -> None:
    token = _token(staff["partner_a"])
    row = ApiToken.objects.get()
    secret = token.split("_", 2)[2]
    for value in (row.secret_hash, row.salt, row.wrapped_keys):
        assert secret.encode() not in bytes(value)
    assert row.last_used_on is None
    _get(LIST, token)
    row.refresh_from_db()
    assert row.last_used_on == timezone.localdate()


def test_expiry_is_bounded_by_the_settings(staff: Any, settings: Any) -> None:
    settings.API_TOKEN_MAX_DAYS = 30
    with pytest.raises(apitokens.ApplicationError):
        _token(staff["partner_a"], expires_days=31)
    row, _secret = apitokens.apitoken_create(actor=None, user=staff["partner_a"], held={}, expires_days=30)
    assert timedelta(days=29) < row.expires_at - timezone.now() <= timedelta(days=30)


def test_no_response_of_the_api_sets_a_cookie(staff: Any, sent: Loop) -> None:
    token = _token(staff["partner_a"])
    lead = sent.leads["PL"]
    urls = [
        (LIST, None),
        (LIST, token),
        (LIST, "to_bad"),
        (f"{LIST}{lead.reference}/", token),
        (f"{LIST}{lead.reference}/images/1", token),
        (f"{LIST}NOPE/", token),
        ("/api/v1/openapi.json", None),
        ("/api/v1/docs/", None),
    ]
    for url, auth in urls:
        response = _get(url, auth)
        assert response.status_code < 500, (url, response.status_code)
        assert not response.cookies, (url, response.cookies)
        assert "Set-Cookie" not in response, url


def test_the_rate_limit_per_token_answers_429(staff: Any, settings: Any) -> None:
    settings.TRACEOBJECT_RATE_LIMITS = True
    caches["antiabuse"].clear()
    settings.TRACEOBJECT_RATE_LIMIT_RULES = "api=2/0/100"
    token = _token(staff["partner_a"])
    other = _token(staff["partner_a"])
    assert [_get(LIST, token).status_code for _ in range(3)] == [200, 200, 429]
    assert _get(LIST, token)["Retry-After"].isdigit()
    assert _get(LIST, other).status_code == 200  # per token, not per account or address


# --- The partner endpoints -------------------------------------------------------------------------


def test_the_list_has_only_the_tokens_authority_leads_and_pages_by_keyset(
    staff: Any, sent: Loop, more_leads: Any
) -> None:
    more_leads(4)
    pl = _get(LIST, _token(staff["partner_a"])).json()
    pl_refs = {row["reference"] for row in pl["results"]}
    sent_pl = Lead.objects.filter(country="PL", sent_at__isnull=False).values_list("reference", flat=True)
    assert pl_refs == set(sent_pl)
    assert len(pl_refs) == 5
    assert sent.leads["DE"].reference not in pl_refs
    de = _get(LIST, _token(staff["partner_b"])).json()
    assert [row["reference"] for row in de["results"]] == [sent.leads["DE"].reference]
    token = _token(staff["partner_a"])
    seen, after, pages = [], "", 0
    while True:
        page = _get(f"{LIST}?limit=2" + (f"&after={after}" if after else ""), token).json()
        seen += [row["reference"] for row in page["results"]]
        pages += 1
        if not page["next"]:
            break
        after = page["next"]
    assert seen == [row["reference"] for row in pl["results"]]  # same order, no gap, no repeat
    assert pages == 3
    assert _get(f"{LIST}?after=garbage", token).status_code == 400


def test_the_detail_opens_the_lead_and_audits_it_and_another_country_gets_404(staff: Any, sent: Loop) -> None:
    lead = sent.leads["PL"]
    response = _get(f"{LIST}{lead.reference}/", _token(staff["partner_a"]))
    assert response.status_code == 200
    body = response.json()
    assert body["tips"][0]["text"] == POLAND_TIP
    assert GERMANY_TIP not in response.content.decode()
    assert body["note_for_authority"]["text"] == AUTHORITY_NOTE
    assert [c["country"] for c in body["determination"]["countries"]] == ["PL"]
    assert body["snapshot_sha256"] == lead.snapshot_sha256
    assert "data_base64" not in response.content.decode()
    image = _get(body["images"][0]["url"], _token(staff["partner_a"]))
    assert image.status_code == 200
    import hashlib

    assert hashlib.sha256(image.content).hexdigest() == body["images"][0]["sha256"]
    assert AuditEvent.objects.filter(action="lead.open", actor=staff["partner_a"]).count() == 1
    other = _get(f"{LIST}{lead.reference}/", _token(staff["partner_b"]))
    missing = _get(f"{LIST}L-1999-99999/", _token(staff["partner_b"]))
    assert other.status_code == missing.status_code == 404
    assert other.json() == missing.json()
    assert _get(f"{LIST}{lead.reference}/images/1", _token(staff["partner_b"])).status_code == 404


@pytest.mark.parametrize("role", ["administrator", "publisher", "analyst", "auditor", "outsider"])
def test_other_roles_get_403_from_the_partner_endpoints(staff: Any, sent: Loop, role: str) -> None:
    token = _token(staff[role])
    for url in (LIST, f"{LIST}{sent.leads['PL'].reference}/"):
        response = _get(url, token)
        assert response.status_code == 403, (role, url)
        assert response.json()["code"] == "forbidden"


# --- The vault: a stolen database opens nothing, the token opens the lead ---------------------------


def test_the_database_alone_opens_no_lead_and_the_token_does(settings: Any, published_object: Any) -> None:
    from traceobject.leads.services import CountryClaim, determination_confirm, determination_propose
    from traceobject.tips.services import tip_submit

    settings.VAULT_PRIVATE_KEY = ""  # production after the escrow
    vault.active_key_forget()
    admin = account("root", "administrator")
    analyst = account("ana", "analyst")
    publisher = account("pub", "publisher")
    partner = account("pl-police", "partner", country="PL")
    keyring.grant(
        key=VaultKey.objects.get(authority=None), private=tip_key_of(admin), users=[analyst, publisher]
    )
    Authority.objects.create(country="PL", name="Polish police", email="vic@policja.example")
    secret_text = "Sold only at Kaufhaus Zebra in Bremen, winter 2014."
    tip = tip_submit(obj=published_object, payload=TipPayload(text=secret_text)).tip
    with vault.unlocked(keys_of(analyst)):
        determination = determination_propose(
            actor=analyst,
            obj=published_object,
            kind="identified",
            rationale="Placed by the tip.",
            countries=[CountryClaim("PL", "likely", "Shop named.", [tip.pk])],
        )
    with vault.unlocked(keys_of(publisher)):
        [lead] = determination_confirm(actor=publisher, determination=determination)
    Lead.objects.filter(pk=lead.pk).update(state=LeadState.SENT, sent_at=timezone.now())
    # The administrator's session holds the authority's key (custodian): it makes the partner's token.
    with vault.unlocked(keys_of(admin)):
        row, token = apitokens.apitoken_create(actor=admin, user=partner, held=vault.held_keys())
    authority_key = VaultKey.objects.get(authority__country="PL")
    assert authority_key.key_id in AuditEvent.objects.get(action="api.token_create").details["keys"]
    # The rows alone: no held key opens the lead, and every 32-byte run of the token's row is no key.
    lead.refresh_from_db()
    with pytest.raises(vault.VaultLockedError):
        vault.open(bytes(lead.sealed_partner))
    blob = b"".join(bytes(v) for v in (row.secret_hash, row.salt, row.wrapped_keys))
    from nacl.public import PrivateKey

    for start in range(len(blob) - 31):
        candidate = PrivateKey(blob[start : start + 32])
        assert vault.key_id(candidate.public_key).hex() != authority_key.key_id
    assert _get(f"{LIST}{lead.reference}/", "to_" + row.prefix + "_" + "A" * 43).status_code == 401
    # With the token: the lead opens.
    response = _get(f"{LIST}{lead.reference}/", token)
    assert response.status_code == 200
    assert response.json()["tips"][0]["text"] == secret_text
    # A token made without the keys lists but cannot open.
    _row, keyless = apitokens.apitoken_create(actor=None, user=partner, held={}, actor_label="test")
    assert _get(LIST, keyless).status_code == 200
    locked = _get(f"{LIST}{lead.reference}/", keyless)
    assert locked.status_code == 403
    assert locked.json()["code"] == "vault_locked"


def test_the_cli_prints_the_token_last_and_uses_the_password_for_the_keys(
    settings: Any, tmp_path: Any
) -> None:
    settings.VAULT_PRIVATE_KEY = ""
    vault.active_key_forget()
    account("root", "administrator")
    partner = account("pl-police", "partner", country="PL")
    Authority.objects.create(country="PL", name="Polish police", email="vic@policja.example")
    keyring.authority_public_key(authority=Authority.objects.get())  # granted to the partner at once
    password_file = tmp_path / "pw"
    password_file.write_text(PASSWORD + "\n")
    out, err = io.StringIO(), io.StringIO()
    call_command(
        "apitoken",
        "create",
        "--username",
        "pl-police",
        "--password-file",
        str(password_file),
        stdout=out,
        stderr=err,
    )
    lines = out.getvalue().strip().splitlines()
    assert re.fullmatch(r"to_[0-9a-f]{12}_[A-Za-z0-9_-]{43}", lines[-1])
    secret_part = lines[-1].split("_", 2)[2]
    assert secret_part not in err.getvalue()
    assert all(secret_part not in line for line in lines[:-1])
    assert "carries 1 vault key" in err.getvalue()
    assert apitokens.apitoken_authenticate(lines[-1]).keys
    assert _get(LIST, lines[-1]).status_code == 200
    # A wrong password makes nothing and changes no key pair.
    password_file.write_text("wrong\n")
    from django.core.management.base import CommandError

    with pytest.raises(CommandError):
        call_command(
            "apitoken", "create", "--username", "pl-police", "--password-file", str(password_file), stdout=out
        )
    assert ApiToken.objects.filter(user=partner).count() == 1
    call_command("apitoken", "revoke", "--username", "pl-police", lines[-1].split("_")[1], stdout=out)
    assert _get(LIST, lines[-1]).status_code == 401


# --- OpenAPI and the docs ------------------------------------------------------------------------------


def test_the_openapi_document_is_public_and_valid_openapi_3_1() -> None:
    response = _get("/api/v1/openapi.json")
    assert response.status_code == 200
    document = response.json()
    assert document["openapi"].startswith("3.1")
    validate(document)
    assert {"/api/v1/leads/", "/api/v1/leads/{reference}/"} <= set(document["paths"])


class _Assets(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.urls: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        for name, value in attrs:
            if name in {"src", "href"} and value and tag in {"script", "link", "img", "iframe"}:
                self.urls.append(value)


def test_the_docs_load_their_assets_from_this_site_only() -> None:
    response = _get("/api/v1/docs/")
    assert response.status_code == 200
    parser = _Assets()
    parser.feed(response.content.decode())
    scripts = [u for u in parser.urls if u.endswith(".js")]
    assert scripts, parser.urls
    for url in parser.urls:
        parts = urlsplit(url)
        assert not parts.scheme, url
        assert not parts.netloc, url
        assert url.startswith("/"), url
        if url.endswith((".js", ".css")):
            from django.contrib.staticfiles import finders

            assert finders.find(url.removeprefix("/static/")), url
