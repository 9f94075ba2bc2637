"""createstaff, totp and demostaff."""

from __future__ import annotations

from io import StringIO

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django_otp.plugins.otp_totp.models import TOTPDevice

from tests.accounts.conftest import OTP_URL, password_step, post_form
from tests.staff_fixtures import make_staff
from traceobject.accounts.models import User
from traceobject.audit.models import AuditEvent
from traceobject.core.permissions import Role
from traceobject.leads.demo import DEMO_COUNTRIES

pytestmark = pytest.mark.django_db

PASSWORD = "a long enough initial password"


def _run(*args: str) -> str:
    out = StringIO()
    call_command(*args, stdout=out, stderr=StringIO())
    return out.getvalue()


@pytest.fixture
def password_file(tmp_path):
    path = tmp_path / "password.txt"
    path.write_text(f"{PASSWORD}\n", encoding="utf-8")
    return path


# --- createstaff ---------------------------------------------------------------------------------


def test_createstaff_creates_and_audits(password_file) -> None:
    out = _run(
        "createstaff", "--role", "analyst", "--username", "carol", "--password-file", str(password_file)
    )
    assert "Created Analyst account 'carol'" in out
    user = User.objects.get(username="carol")
    assert user.role == "analyst"
    assert user.check_password(PASSWORD)  # the newline of the file is not part of it
    assert not user.is_demo
    [event] = AuditEvent.objects.filter(action="user.create")
    assert event.actor is None
    assert event.actor_label == "cli"
    assert event.details == {"role": "analyst", "country": ""}


def test_createstaff_partner_with_country(password_file) -> None:
    out = _run(
        "createstaff", "--role", "partner", "--username", "pl-police", "--country", "pl",
        "--password-file", str(password_file),
    )  # fmt: skip
    assert "for PL" in out
    assert User.objects.get(username="pl-police").country == "PL"


def test_createstaff_refuses_partner_without_country(password_file) -> None:
    with pytest.raises(CommandError, match="A national partner needs a country"):
        _run("createstaff", "--role", "partner", "--username", "x", "--password-file", str(password_file))
    assert not User.objects.exists()
    assert not AuditEvent.objects.exists()


def test_createstaff_refuses_unknown_role(password_file) -> None:
    expected = r"Unknown role superhero\. Choose one of: administrator, publisher"
    with pytest.raises(CommandError, match=expected):
        _run("createstaff", "--role", "superhero", "--username", "x", "--password-file", str(password_file))
    assert not User.objects.exists()


def test_createstaff_refuses_weak_password(tmp_path) -> None:
    weak = tmp_path / "weak.txt"
    weak.write_text("password\n", encoding="utf-8")
    with pytest.raises(CommandError, match="too short"):
        _run("createstaff", "--role", "analyst", "--username", "x", "--password-file", str(weak))
    assert not User.objects.exists()


def test_createstaff_refuses_duplicate(password_file) -> None:
    make_staff("carol", "analyst")
    with pytest.raises(CommandError, match="already exists"):
        _run("createstaff", "--role", "analyst", "--username", "Carol", "--password-file", str(password_file))


def test_createstaff_without_terminal_needs_a_password_file(monkeypatch) -> None:
    monkeypatch.setattr("sys.stdin", StringIO(""))
    with pytest.raises(CommandError, match="--password-file"):
        _run("createstaff", "--role", "analyst", "--username", "x")


def test_createstaff_prompts_twice(monkeypatch) -> None:
    answers = iter([PASSWORD, PASSWORD])
    monkeypatch.setattr("sys.stdin.isatty", lambda: True, raising=False)
    monkeypatch.setattr("getpass.getpass", lambda prompt="": next(answers))
    _run("createstaff", "--role", "auditor", "--username", "dave")
    assert User.objects.get(username="dave").check_password(PASSWORD)


# --- totp ----------------------------------------------------------------------------------------


def _demo_user(username: str = "demo-analyst") -> User:
    user = make_staff(username, "analyst")
    user.is_demo = True
    user.save()
    return user


def test_totp_prints_a_code_that_logs_in(csrf_client) -> None:
    user = _demo_user()
    device = TOTPDevice.objects.get(user=user)
    code = _run("totp", "demo-analyst").strip()
    assert len(code) == 6
    assert code.isdigit()
    password_step(csrf_client, "demo-analyst")
    assert post_form(csrf_client, OTP_URL, {"token": code})["Location"] == "/staff/"
    # Once used, the command gives the next code, which the server accepts too.
    device.refresh_from_db()
    second = _run("totp", "demo-analyst").strip()
    assert second != code
    other = type(csrf_client)(enforce_csrf_checks=True)
    password_step(other, "demo-analyst")
    assert post_form(other, OTP_URL, {"token": second})["Location"] == "/staff/"


def test_totp_refuses_accounts_that_are_not_demo() -> None:
    make_staff("real-analyst", "analyst")
    with pytest.raises(CommandError, match="not a demo account"):
        _run("totp", "real-analyst")
    with pytest.raises(CommandError, match="not a demo account"):
        _run("totp", "nobody")


def test_totp_refuses_outside_embedded_mode(settings) -> None:
    _demo_user()
    settings.EMBEDDED = False
    with pytest.raises(CommandError, match="only in embedded mode"):
        _run("totp", "demo-analyst")


def test_totp_refuses_demo_account_without_device() -> None:
    user = _demo_user()
    TOTPDevice.objects.filter(user=user).delete()
    with pytest.raises(CommandError, match="no authenticator"):
        _run("totp", "demo-analyst")


# --- demostaff -----------------------------------------------------------------------------------


TEAM = {
    "demo-administrator": ("administrator", ""),
    "demo-publisher": ("publisher", ""),
    "demo-publisher-2": ("publisher", ""),
    "demo-analyst": ("analyst", ""),
    "demo-analyst-2": ("analyst", ""),
    "demo-auditor": ("auditor", ""),
    **{f"demo-partner-{code.lower()}": ("partner", code) for code in DEMO_COUNTRIES},
}


def test_demostaff_creates_the_team(csrf_client) -> None:
    out = _run("demostaff")
    assert set(User.objects.filter(is_demo=True).values_list("username", flat=True)) == set(TEAM)
    lines = out.splitlines()
    for username, (role, country) in TEAM.items():
        user = User.objects.get(username=username)
        assert (user.role, user.country) == (role, country)
        assert user.check_password(f"{username}-2026")
        assert TOTPDevice.objects.filter(user=user, confirmed=True).count() == 1
        # One printed line per account: its username, role, password and, for a partner, its country.
        [line] = [line for line in lines if line.split()[:1] == [username]]
        assert f"{username}-2026" in line
        assert role in line.lower()  # "Publisher", "National partner"…
        if country:
            assert f"({country})" in line
    assert "France (FR)" in out
    assert "`.venv/bin/traceobject totp demo-analyst`" in out
    events = AuditEvent.objects.filter(action="user.create")
    assert {e.actor_label for e in events} == {"system:demo"}
    assert events.count() == len(TEAM)

    # The printed password and `totp` log in.
    password_step(csrf_client, "demo-analyst-2", "demo-analyst-2-2026")
    code = _run("totp", "demo-analyst-2").strip()
    assert post_form(csrf_client, OTP_URL, {"token": code})["Location"] == "/staff/"


def test_demostaff_if_missing_is_repeatable() -> None:
    _run("demostaff", "--if-missing")
    User.objects.get(username="demo-auditor").delete()
    out = _run("demostaff", "--if-missing")
    assert "(1 new)" in out
    assert User.objects.filter(is_demo=True).count() == len(TEAM)
    with pytest.raises(CommandError, match="already exists"):
        _run("demostaff")


def test_demostaff_never_takes_over_a_real_account() -> None:
    make_staff("demo-analyst", "analyst")
    with pytest.raises(CommandError, match="demo-analyst already exists"):
        _run("demostaff", "--if-missing")
    assert not User.objects.filter(is_demo=True).exists()


def test_demostaff_refuses_outside_embedded_mode(settings) -> None:
    settings.EMBEDDED = False
    with pytest.raises(CommandError, match="only in embedded mode"):
        _run("demostaff", "--if-missing")
    assert not User.objects.exists()
