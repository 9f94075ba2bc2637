"""createstaff, totp and demostaff."""

from __future__ import annotations

import os
import re
import shlex
import subprocess
import sys
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django_otp.plugins.otp_totp.models import TOTPDevice

from tests.accounts.conftest import OTP_URL, password_step, post_form
from tests.staff_fixtures import make_staff
from traceobject.accounts.models import User
from traceobject.audit.models import AuditEvent
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


# --- The commands make run and the README print, run as printed ---------------------------------------


def _bare_env(**extra: str) -> dict[str, str]:
    """The environment of a newcomer's shell: no TRACEOBJECT_* variable, no settings module."""
    env = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith("TRACEOBJECT_") and key not in {"DATABASE_URL", "DJANGO_SETTINGS_MODULE"}
    }
    return env | extra


def _shell(root: Path, command: list[str], **extra: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(  # noqa: S603 - our own command
        command, cwd=root, env=_bare_env(**extra), capture_output=True, text=True, timeout=300, check=False
    )


def test_the_printed_commands_work_from_the_repository_root_after_make_run(tmp_path) -> None:
    """A fresh clone: `.venv/bin/traceobject ...` from its root. Before `make run` the command fails loudly
    (production needs its secrets); after make run's steps, what they print works exactly as printed, with
    no variable set by hand; an explicit TRACEOBJECT_ENV=production still refuses to start."""
    root = tmp_path / "clone"
    root.mkdir()
    (root / ".venv").symlink_to(Path(sys.executable).parent.parent)

    before = _shell(root, [".venv/bin/traceobject", "totp", "demo-analyst"])
    assert before.returncode != 0
    assert "ImproperlyConfigured" in before.stderr
    assert "TRACEOBJECT_SECRET_KEY" in before.stderr
    assert not (root / "var" / "keys").exists()

    # make run's steps, with the variables the Makefile sets for them.
    make = {"TRACEOBJECT_ENV": "embedded", "TRACEOBJECT_DATA_DIR": str(root / "var")}
    migrate = _shell(root, [".venv/bin/traceobject", "migrate", "--noinput"], **make)
    assert migrate.returncode == 0, migrate.stderr
    team = _shell(root, [".venv/bin/traceobject", "demostaff", "--if-missing"], **make)
    assert team.returncode == 0, team.stderr
    escrow = _shell(root, [".venv/bin/traceobject", "vault", "escrow", "--if-configured"], **make)
    assert escrow.returncode == 0, escrow.stderr

    printed = re.findall(r"`(\.venv/bin/traceobject [^`]*)`", team.stdout)
    assert printed == [".venv/bin/traceobject totp demo-analyst"]
    code = _shell(root, shlex.split(printed[0]))
    assert code.returncode == 0, code.stderr
    assert re.fullmatch(r"\d{6}\n", code.stdout)
    # Other accounts of the printed list too (each start of the command costs seconds: two of them).
    listed = re.findall(r"^  (demo-[a-z0-9-]+) ", team.stdout, flags=re.MULTILINE)
    assert {"demo-publisher-2", "demo-partner-fr"} <= set(listed)
    for username in ("demo-publisher-2", "demo-partner-fr"):
        other = _shell(root, [".venv/bin/traceobject", "totp", username])
        assert re.fullmatch(r"\d{6}\n", other.stdout), (username, other.stderr)

    # The README's other commands, from the same shell.
    verify = _shell(root, [".venv/bin/traceobject", "audit", "verify"])
    assert verify.returncode == 0, verify.stderr
    password = root / "password.txt"
    password.write_text("a long enough initial password\n", encoding="utf-8")
    created = _shell(
        root,
        [".venv/bin/traceobject", "createstaff", "--role", "analyst", "--username", "newcomer",
         "--password-file", str(password)],
    )  # fmt: skip
    assert created.returncode == 0, created.stderr
    signals = subprocess.run(
        [".venv/bin/traceobject", "signals", "--json"], cwd=root, env=_bare_env(), input="Bought in Lyon\n",
        capture_output=True, text=True, timeout=300, check=False,
    )  # fmt: skip
    assert signals.returncode == 0, signals.stderr
    assert '"FR"' in signals.stdout

    # Production, said explicitly, ignores the marker: it still needs its secrets.
    production = _shell(root, [".venv/bin/traceobject", "totp", "demo-analyst"], TRACEOBJECT_ENV="production")
    assert production.returncode != 0
    assert "TRACEOBJECT_SECRET_KEY" in production.stderr
