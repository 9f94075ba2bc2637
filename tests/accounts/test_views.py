"""Account administration on the staff side: administrators only, every change audited."""

from __future__ import annotations

import pytest
from django.test import Client
from django_otp.plugins.otp_totp.models import TOTPDevice

from tests.accounts.conftest import LOGIN_URL, error_text, password_step
from tests.staff_fixtures import FIXED_STAFF, STAFF_PASSWORD, login_verified, make_staff
from tests.utils import find_all, find_by_id
from traceobject.accounts.models import User
from traceobject.audit.models import AuditEvent

pytestmark = pytest.mark.django_db

LIST_URL = "/staff/accounts/"
CREATE_URL = "/staff/accounts/new/"
NEW_PASSWORD = "a long enough initial password"


def _edit_url(user: User) -> str:
    return f"/staff/accounts/{user.pk}/"


def _reset_url(user: User) -> str:
    return f"/staff/accounts/{user.pk}/otp-reset/"


def _create_data(**overrides: str) -> dict[str, str]:
    data = {
        "username": "new-analyst",
        "role": "analyst",
        "country": "",
        "password": NEW_PASSWORD,
        "password_again": NEW_PASSWORD,
    }
    data.update(overrides)
    return data


NOT_ADMINISTRATORS = [name for name, (role, _country) in FIXED_STAFF.items() if role != "administrator"]


# --- Who may ---------------------------------------------------------------------------------------


@pytest.mark.parametrize("name", NOT_ADMINISTRATORS)
def test_only_administrators_see_accounts(staff_client, name) -> None:
    client = staff_client(name)
    assert client.get(LIST_URL).status_code == 403
    assert client.get(CREATE_URL).status_code == 403
    assert client.post(CREATE_URL, _create_data()).status_code == 403
    assert not User.objects.filter(username="new-analyst").exists()


@pytest.mark.parametrize("name", NOT_ADMINISTRATORS)
def test_non_administrators_cannot_reset_a_second_factor(staff_client, staff, name) -> None:
    client = staff_client(name)
    for target in (staff["analyst"], staff[name]):  # someone else's, or their own
        assert client.post(_reset_url(target)).status_code == 403
        assert client.post(_edit_url(target), {"role": "administrator", "is_active": "on"}).status_code == 403
        assert TOTPDevice.objects.filter(user=target).exists()
    assert not AuditEvent.objects.filter(action__startswith="user.").exists()


def test_anonymous_is_sent_to_the_login(client, staff) -> None:
    response = client.get(LIST_URL)
    assert response.status_code == 302
    assert response["Location"] == f"{LOGIN_URL}?next=%2Fstaff%2Faccounts%2F"
    assert client.post(_reset_url(staff["analyst"]))["Location"].startswith(LOGIN_URL)
    assert TOTPDevice.objects.filter(user=staff["analyst"]).exists()


def test_password_only_session_cannot_manage_accounts(staff) -> None:
    client = Client()
    client.force_login(staff["administrator"])  # password step done, no second factor
    assert client.get(LIST_URL)["Location"] == "/staff/otp/"
    assert client.post(_reset_url(staff["analyst"]))["Location"] == "/staff/otp/"
    assert TOTPDevice.objects.filter(user=staff["analyst"]).exists()


def test_account_pages_are_entry_or_permission_views() -> None:
    from django.urls import resolve

    from traceobject.core.permissions import Permission

    for path in ("/staff/login/", "/staff/otp/", "/staff/logout/"):
        assert getattr(resolve(path).func, "staff_entry", False), path
    for path in (LIST_URL, CREATE_URL, "/staff/accounts/1/", "/staff/accounts/1/otp-reset/"):
        assert resolve(path).func.required_permission == Permission.ACCOUNTS_USER_MANAGE, path


# --- List ----------------------------------------------------------------------------------------


def test_list_shows_accounts_and_their_second_factor(staff_client, staff) -> None:
    make_staff("no-device", "analyst", with_device=False)
    html = staff_client("administrator").get(LIST_URL).content.decode()
    for name in FIXED_STAFF:
        assert f">{name}</a>" in html
    assert "not set up yet" in html
    assert "National partner" in html


def test_list_query_count_does_not_grow(staff_client, staff, count_queries) -> None:
    client = staff_client("administrator")
    client.get(LIST_URL)  # the first request also stamps the session's activity time
    few = count_queries(lambda: client.get(LIST_URL))
    for index in range(15):
        make_staff(f"extra-{index}", "analyst", with_device=index % 2 == 0)
    many = count_queries(lambda: client.get(LIST_URL))
    assert many == few


def _listed(html: str) -> list[str]:
    return [
        a.text
        for a in find_all(html, "a")
        if (a.attrs.get("href") or "").startswith("/staff/accounts/")
        and a.attrs["href"].rstrip("/").rsplit("/", 1)[-1].isdigit()
    ]


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("q=publisher", ["publisher", "publisher_two"]),  # username, and the role's value
        ("q=Marie", ["analyst"]),  # first name
        ("q=curie", ["analyst"]),  # last name, any case
        ("q=National+partner", ["partner_a", "partner_b"]),  # the role's name
        ("q=pl", ["partner_a"]),  # a country code, any case
        ("q=Poland", ["partner_a"]),  # a country's name
        ("role=auditor", ["auditor"]),
        ("country=PL", ["partner_a"]),
        ("q=partner&country=DE", ["partner_b"]),
    ],
)
def test_account_search(staff_client, staff, query, expected) -> None:
    User.objects.filter(pk=staff["analyst"].pk).update(first_name="Marie", last_name="Curie")
    html = staff_client("administrator").get(f"{LIST_URL}?{query}").content.decode()
    assert sorted(_listed(html)) == expected


def test_account_search_reads_country_names_in_the_page_language(staff) -> None:
    from traceobject.accounts.selectors import UserSearch, user_search

    found = user_search(search=UserSearch(query="Allemagne", language="fr"))
    assert [user.username for user in found] == ["partner_b"]
    assert not user_search(search=UserSearch(query="Allemagne", language="en")).exists()


def test_account_search_with_no_match_says_so(staff_client, staff) -> None:
    html = staff_client("administrator").get(f"{LIST_URL}?q=nobody-by-this-name").content.decode()
    assert _listed(html) == []
    assert "No account matches this search." in find_by_id(html, "no-match").text
    assert find_by_id(html, "account-count").text.strip() == "0 accounts"


def test_an_invalid_choice_is_ignored_not_refused(staff_client, staff) -> None:
    response = staff_client("administrator").get(f"{LIST_URL}?role=emperor")
    assert response.status_code == 200
    assert len(_listed(response.content.decode())) == len(FIXED_STAFF)


def test_account_list_is_paginated_and_keeps_the_search(staff_client, staff, monkeypatch) -> None:
    from traceobject.accounts import views

    monkeypatch.setattr(views, "USERS_PER_PAGE", 3)
    for index in range(5):
        make_staff(f"reader-{index}", "auditor")
    client = staff_client("administrator")
    first = client.get(f"{LIST_URL}?role=auditor").content.decode()
    assert _listed(first) == ["auditor", "reader-0", "reader-1"]
    assert 'href="?role=auditor&amp;page=2"' in first
    second = client.get(f"{LIST_URL}?role=auditor&page=2").content.decode()
    assert _listed(second) == ["reader-2", "reader-3", "reader-4"]
    assert find_by_id(second, "account-count").text.strip() == "6 accounts"


# --- Create --------------------------------------------------------------------------------------


def test_administrator_creates_an_account(staff_client, staff) -> None:
    client = staff_client("administrator")
    response = client.post(CREATE_URL, _create_data())
    assert response.status_code == 302
    user = User.objects.get(username="new-analyst")
    assert response["Location"] == _edit_url(user)
    assert user.role == "analyst"
    assert user.check_password(NEW_PASSWORD)
    assert not TOTPDevice.objects.filter(user=user).exists()  # enrolled at the first login
    [event] = AuditEvent.objects.filter(action="user.create")
    assert event.actor == staff["administrator"]
    assert event.target_id == str(user.pk)
    assert event.details == {"role": "analyst", "country": ""}
    assert NEW_PASSWORD not in str(event.details)


def test_created_partner_has_a_country(staff_client) -> None:
    client = staff_client("administrator")
    client.post(CREATE_URL, _create_data(username="new-partner", role="partner", country="FR"))
    assert User.objects.get(username="new-partner").country == "FR"


@pytest.mark.parametrize(
    ("data", "field", "message"),
    [
        (_create_data(role="partner"), "country", "A national partner needs a country."),
        (_create_data(country="FR"), "country", "Only national partners have a country."),
        (_create_data(role="overlord"), "role", "Select a valid choice."),
        (_create_data(password="short", password_again="short"), "password", "too short"),
        (_create_data(password_again="something else entirely"), "password_again", "differ"),
        (_create_data(username="bad name!"), "username", "Enter a valid username"),
        (_create_data(username="ANALYST"), "username", "already exists"),
    ],
)
def test_invalid_account_is_refused_next_to_the_field(staff_client, staff, data, field, message) -> None:
    client = staff_client("administrator")
    before = User.objects.count()
    response = client.post(CREATE_URL, data)
    assert response.status_code == 200
    html = response.content.decode()
    assert f'id="id_{field}_errors"' in html
    assert message in error_text(html)
    assert User.objects.count() == before
    assert not AuditEvent.objects.filter(action="user.create").exists()


# --- Edit ----------------------------------------------------------------------------------------


def test_administrator_changes_a_role(staff_client, staff) -> None:
    client = staff_client("administrator")
    target = staff["analyst"]
    response = client.post(_edit_url(target), {"role": "partner", "country": "DE", "is_active": "on"})
    assert response.status_code == 302
    target.refresh_from_db()
    assert (target.role, target.country, target.is_active) == ("partner", "DE", True)
    [event] = AuditEvent.objects.filter(action="user.update")
    assert event.details == {"changes": {"role": ["analyst", "partner"], "country": ["", "DE"]}}


def test_deactivated_account_loses_its_session(staff_client, staff) -> None:
    victim = staff_client("analyst")
    assert victim.get("/staff/").status_code == 200
    staff_client("administrator").post(_edit_url(staff["analyst"]), {"role": "analyst", "country": ""})
    staff["analyst"].refresh_from_db()
    assert not staff["analyst"].is_active
    assert victim.get("/staff/")["Location"].startswith(LOGIN_URL)


def test_saving_without_change_writes_no_event(staff_client, staff) -> None:
    client = staff_client("administrator")
    client.post(_edit_url(staff["analyst"]), {"role": "analyst", "country": "", "is_active": "on"})
    assert not AuditEvent.objects.filter(action="user.update").exists()


def test_administrator_cannot_demote_or_deactivate_themself(staff_client, staff) -> None:
    client = staff_client("administrator")
    me = staff["administrator"]
    page = client.get(_edit_url(me)).content.decode()
    assert "This is your own account" in page
    response = client.post(_edit_url(me), {"role": "analyst", "country": ""})
    assert response.status_code == 200
    assert "cannot change your own role" in error_text(response.content.decode())
    me.refresh_from_db()
    assert (me.role, me.is_active) == ("administrator", True)


def test_edit_of_unknown_account_is_404(staff_client) -> None:
    assert staff_client("administrator").get("/staff/accounts/999999/").status_code == 404


def test_edit_refuses_invalid_country_without_saving(staff_client, staff) -> None:
    client = staff_client("administrator")
    response = client.post(
        _edit_url(staff["partner_a"]), {"role": "partner", "country": "", "is_active": "on"}
    )
    assert "A national partner needs a country." in error_text(response.content.decode())
    staff["partner_a"].refresh_from_db()
    assert staff["partner_a"].country == "PL"


# --- Second-factor reset -------------------------------------------------------------------------


def test_administrator_resets_a_second_factor(staff_client, staff) -> None:
    target = staff["publisher"]
    victim_session = staff_client("publisher")
    assert victim_session.get("/staff/").status_code == 200
    client = staff_client("administrator")
    response = client.post(_reset_url(target))
    assert response.status_code == 302
    assert response["Location"] == _edit_url(target)
    assert not TOTPDevice.objects.filter(user=target).exists()
    [event] = AuditEvent.objects.filter(action="user.otp_reset")
    assert event.actor == staff["administrator"]
    assert event.target_id == str(target.pk)
    assert event.details == {"devices": 1}
    assert "was reset" in client.get(_edit_url(target)).content.decode()
    # Every session of that account ends; the next login enrols a new authenticator.
    assert victim_session.get("/staff/")["Location"].startswith(LOGIN_URL)


def test_reset_is_post_only(staff_client, staff) -> None:
    assert staff_client("administrator").get(_reset_url(staff["analyst"])).status_code == 405
    assert TOTPDevice.objects.filter(user=staff["analyst"]).exists()


def test_nobody_resets_their_own_second_factor(staff_client, staff) -> None:
    client = staff_client("administrator")
    me = staff["administrator"]
    assert "You cannot reset your own second factor" in client.get(_edit_url(me)).content.decode()
    response = client.post(_reset_url(me), follow=True)
    assert "You cannot reset your own second factor" in response.content.decode()
    assert TOTPDevice.objects.filter(user=me).exists()
    assert not AuditEvent.objects.filter(action="user.otp_reset").exists()


def test_staff_nav_links_accounts_for_administrators_only(staff_client) -> None:
    assert 'href="/staff/accounts/"' in staff_client("administrator").get("/staff/").content.decode()
    assert 'href="/staff/accounts/"' not in staff_client("publisher").get("/staff/").content.decode()


def test_login_verified_helper_still_works(staff) -> None:
    """The shared fixture logs in through the staff session cookie (SESSION_COOKIE_NAME)."""
    client = login_verified(Client(), staff["administrator"])
    assert "to_staff_session" in client.cookies
    assert client.get(LIST_URL).status_code == 200


# --- First login: the member replaces the password someone else chose ------------------------------------


def _forced(username: str, role: str = "analyst", country: str = "") -> User:
    user = make_staff(username, role, country)
    User.objects.filter(pk=user.pk).update(must_change_password=True)
    user.refresh_from_db()
    return user


def test_accounts_made_by_an_administrator_or_the_cli_must_change_the_password(
    staff_client, tmp_path
) -> None:
    from django.core.management import call_command

    staff_client("administrator").post(CREATE_URL, _create_data())
    assert User.objects.get(username="new-analyst").must_change_password
    secret = tmp_path / "pw"
    secret.write_text(NEW_PASSWORD)
    call_command("createstaff", "--role", "auditor", "--username", "cli-made", "--password-file", str(secret))
    assert User.objects.get(username="cli-made").must_change_password
    call_command(
        "createstaff",
        "--role",
        "auditor",
        "--username",
        "own",
        "--password-file",
        str(secret),
        "--own-password",
    )
    assert not User.objects.get(username="own").must_change_password


def test_demo_accounts_are_not_asked_to_change_their_printed_password(settings) -> None:
    from traceobject.accounts.services import demo_staff_create

    settings.EMBEDDED = True
    demo_staff_create()
    assert User.objects.filter(is_demo=True).exists()
    assert not User.objects.filter(is_demo=True, must_change_password=True).exists()


def test_every_staff_page_leads_to_the_password_page_until_it_is_changed(staff) -> None:
    user = _forced("fresh")
    client = login_verified(Client(), user)
    for path in ("/staff/", "/staff/objects/", "/staff/triage/", "/django-admin/"):
        response = client.get(path)
        assert (response.status_code, response["Location"]) == (302, "/staff/account/password/"), path
    page = client.get("/staff/account/password/")
    assert page.status_code == 200
    assert find_by_id(page.content.decode(), "must-change") is not None
    response = client.post(
        "/staff/account/password/",
        {"current": STAFF_PASSWORD, "new": "my own long passphrase 9", "repeat": "my own long passphrase 9"},
    )
    assert response.status_code == 302
    user.refresh_from_db()
    assert not user.must_change_password
    assert user.check_password("my own long passphrase 9")
    assert client.get("/staff/").status_code == 200  # the session survived the change
    assert AuditEvent.objects.filter(action="user.password_change", actor=user).count() == 1


def test_a_refused_change_keeps_the_flag(staff) -> None:
    user = _forced("fresh")
    client = login_verified(Client(), user)
    response = client.post(
        "/staff/account/password/",
        {"current": "wrong", "new": "my own long passphrase 9", "repeat": "my own long passphrase 9"},
    )
    assert response.status_code == 200
    user.refresh_from_db()
    assert user.must_change_password
    assert client.get("/staff/").status_code == 302


def test_logout_stays_open_while_the_password_must_change(staff) -> None:
    client = login_verified(Client(), _forced("fresh"))
    response = client.post("/staff/logout/")
    assert response.status_code == 302
    assert response["Location"] != "/staff/account/password/"


def test_before_the_second_factor_the_login_steps_are_unchanged(staff) -> None:
    user = _forced("fresh")
    client = Client()
    password_step(client, user.username)
    response = client.get("/staff/")
    assert (response.status_code, response["Location"]) == (302, "/staff/otp/")


def test_a_partner_is_sent_to_the_portals_password_page(staff) -> None:
    from django.conf import settings as django_settings

    user = _forced("fresh-pl", "partner", "PL")
    client = Client()
    client.force_login(user)
    device = user.totpdevice_set.get()
    session = client.session
    from django_otp import DEVICE_ID_SESSION_KEY

    session[DEVICE_ID_SESSION_KEY] = device.persistent_id
    session.save()
    client.cookies[django_settings.PARTNER_SESSION_COOKIE_NAME] = session.session_key
    response = client.get("/partner/")
    assert (response.status_code, response["Location"]) == (302, "/partner/account/password/")
