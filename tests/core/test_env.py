from __future__ import annotations

import os
import subprocess
import sys

import pytest
from django.core.exceptions import ImproperlyConfigured

from traceobject.core.env import env_bool, env_int, env_list, env_str

NAME = "TRACEOBJECT_TEST_SETTING"


@pytest.fixture(autouse=True)
def _unset(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv(NAME, raising=False)
    monkeypatch.delenv(f"{NAME}_FILE", raising=False)


def test_env_str_default_when_unset() -> None:
    assert env_str(NAME) is None
    assert env_str(NAME, "fallback") == "fallback"


def test_env_str_reads_the_variable(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(NAME, "value")
    assert env_str(NAME, "fallback") == "value"


def test_env_str_keeps_an_empty_variable(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(NAME, "")
    assert env_str(NAME, "fallback") == ""


def test_env_str_reads_a_secret_file_stripped(monkeypatch: pytest.MonkeyPatch, tmp_path) -> None:
    secret = tmp_path / "secret"
    secret.write_text("  s3cret-from-file\n", encoding="utf-8")
    monkeypatch.setenv(f"{NAME}_FILE", str(secret))
    assert env_str(NAME) == "s3cret-from-file"


def test_env_str_variable_wins_over_file(monkeypatch: pytest.MonkeyPatch, tmp_path) -> None:
    secret = tmp_path / "secret"
    secret.write_text("from-file", encoding="utf-8")
    monkeypatch.setenv(f"{NAME}_FILE", str(secret))
    monkeypatch.setenv(NAME, "from-env")
    assert env_str(NAME) == "from-env"


def test_env_str_unreadable_file_fails_loudly_and_names_the_variable(
    monkeypatch: pytest.MonkeyPatch, tmp_path
) -> None:
    monkeypatch.setenv(f"{NAME}_FILE", str(tmp_path / "missing"))
    with pytest.raises(ImproperlyConfigured, match=f"{NAME}_FILE"):
        env_str(NAME)


@pytest.mark.parametrize("raw", ["1", "true", "TRUE", "yes", "on", " On "])
def test_env_bool_true(monkeypatch: pytest.MonkeyPatch, raw: str) -> None:
    monkeypatch.setenv(NAME, raw)
    assert env_bool(NAME, False) is True


@pytest.mark.parametrize("raw", ["0", "false", "False", "no", "off"])
def test_env_bool_false(monkeypatch: pytest.MonkeyPatch, raw: str) -> None:
    monkeypatch.setenv(NAME, raw)
    assert env_bool(NAME, True) is False


@pytest.mark.parametrize("default", [True, False])
def test_env_bool_default_when_unset_or_empty(monkeypatch: pytest.MonkeyPatch, default: bool) -> None:
    assert env_bool(NAME, default) is default
    monkeypatch.setenv(NAME, "")
    assert env_bool(NAME, default) is default


@pytest.mark.parametrize("raw", ["maybe", "2", "tru", "enabled"])
def test_env_bool_rejects_anything_else(monkeypatch: pytest.MonkeyPatch, raw: str) -> None:
    monkeypatch.setenv(NAME, raw)
    with pytest.raises(ImproperlyConfigured, match=NAME):
        env_bool(NAME, False)


def test_env_int(monkeypatch: pytest.MonkeyPatch) -> None:
    assert env_int(NAME, 7) == 7
    monkeypatch.setenv(NAME, "")
    assert env_int(NAME, 7) == 7
    monkeypatch.setenv(NAME, "65536")
    assert env_int(NAME, 7) == 65536


@pytest.mark.parametrize("raw", ["64k", "1.5", "ten"])
def test_env_int_rejects_non_integers(monkeypatch: pytest.MonkeyPatch, raw: str) -> None:
    monkeypatch.setenv(NAME, raw)
    with pytest.raises(ImproperlyConfigured, match=NAME):
        env_int(NAME, 7)


def test_env_list(monkeypatch: pytest.MonkeyPatch) -> None:
    assert env_list(NAME, ["default"]) == ["default"]
    monkeypatch.setenv(NAME, " example.org , www.example.org,,")
    assert env_list(NAME, ["default"]) == ["example.org", "www.example.org"]
    monkeypatch.setenv(NAME, "")
    assert env_list(NAME, ["default"]) == []


# --- settings.py reads the environment and fails loudly in production ------------------------------


def _load_settings(tmp_path, **env: str) -> subprocess.CompletedProcess[str]:
    """Import the settings in a fresh interpreter with exactly the given TRACEOBJECT_* variables."""
    clean = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith("TRACEOBJECT_") and key not in {"DATABASE_URL", "DJANGO_SETTINGS_MODULE"}
    }
    clean |= {"DJANGO_SETTINGS_MODULE": "traceobject.settings", "TRACEOBJECT_DATA_DIR": str(tmp_path)}
    clean |= env
    code = (
        "from django.conf import settings\n"
        "print(settings.MODE, settings.SECRET_KEY, settings.VAULT_PUBLIC_KEY, "
        "repr(settings.VAULT_PRIVATE_KEY), ','.join(settings.ALLOWED_HOSTS))"
    )
    return subprocess.run(  # noqa: S603 - our own interpreter
        [sys.executable, "-c", code], env=clean, capture_output=True, text=True, timeout=60, check=False
    )


def test_production_is_the_default_and_refuses_to_start_without_secrets(tmp_path) -> None:
    result = _load_settings(tmp_path)
    assert result.returncode != 0
    assert "ImproperlyConfigured" in result.stderr
    assert "TRACEOBJECT_SECRET_KEY" in result.stderr
    # Nothing was generated: production never falls back to embedded secrets.
    assert not (tmp_path / "keys").exists()


def test_unknown_mode_is_refused(tmp_path) -> None:
    result = _load_settings(tmp_path, TRACEOBJECT_ENV="staging")
    assert result.returncode != 0
    assert "TRACEOBJECT_ENV must be embedded, production or test" in result.stderr


def test_production_reads_secrets_from_files_and_needs_allowed_hosts(tmp_path) -> None:
    secrets_dir = tmp_path / "secrets"
    secrets_dir.mkdir()
    files = {}
    for name, value in {
        "TRACEOBJECT_SECRET_KEY": "production-secret-key-from-a-file",
        "TRACEOBJECT_RECEIPT_PEPPER": "pepper-from-a-file",
        "TRACEOBJECT_VAULT_PUBLIC_KEY": "cHVibGljLWtleS1mcm9tLWEtZmlsZS0tLS0tLS0tLS0=",
    }.items():
        path = secrets_dir / name
        path.write_text(value + "\n", encoding="utf-8")
        files[f"{name}_FILE"] = str(path)

    without_hosts = _load_settings(tmp_path / "a", TRACEOBJECT_ENV="production", **files)
    assert without_hosts.returncode != 0
    assert "TRACEOBJECT_ALLOWED_HOSTS" in without_hosts.stderr

    loaded = _load_settings(
        tmp_path / "b", TRACEOBJECT_ENV="production", TRACEOBJECT_ALLOWED_HOSTS="example.org", **files
    )
    assert loaded.returncode == 0, loaded.stderr
    assert loaded.stdout.split() == [
        "production",
        "production-secret-key-from-a-file",
        "cHVibGljLWtleS1mcm9tLWEtZmlsZS0tLS0tLS0tLS0=",
        "''",  # the intake needs no private key
        "example.org",
    ]


def test_embedded_mode_generates_and_reuses_its_secrets(tmp_path) -> None:
    first = _load_settings(tmp_path, TRACEOBJECT_ENV="embedded")
    second = _load_settings(tmp_path, TRACEOBJECT_ENV="embedded")
    assert first.returncode == 0, first.stderr
    assert first.stdout == second.stdout
    keys = tmp_path / "keys"
    for name in ("django-secret.key", "receipt-pepper.key", "vault-private.key", "vault-public.key"):
        assert (keys / name).stat().st_mode & 0o777 == 0o600


# --- The mode when TRACEOBJECT_ENV is unset: the data directory's marker ---------------------------


def _marker(data_dir, content: str = "embedded\n", mode: int = 0o644):
    data_dir.mkdir(parents=True, exist_ok=True)
    marker = data_dir / "MODE"
    marker.write_text(content, encoding="utf-8")
    marker.chmod(mode)
    return marker


def test_an_embedded_run_marks_its_data_directory(tmp_path) -> None:
    result = _load_settings(tmp_path, TRACEOBJECT_ENV="embedded")
    assert result.returncode == 0, result.stderr
    marker = tmp_path / "MODE"
    assert marker.read_text(encoding="utf-8") == "embedded\n"
    assert marker.stat().st_mode & 0o777 == 0o644


def test_unset_mode_follows_the_marker_of_the_data_directory(tmp_path) -> None:
    _marker(tmp_path)
    result = _load_settings(tmp_path)
    assert result.returncode == 0, result.stderr
    assert result.stdout.split()[0] == "embedded"


def test_a_test_or_production_run_writes_no_marker(tmp_path) -> None:
    _load_settings(tmp_path)  # production, fails for want of secrets
    _load_settings(tmp_path, TRACEOBJECT_ENV="test")
    assert not (tmp_path / "MODE").exists()


def test_explicit_production_ignores_the_marker_and_still_needs_its_secrets(tmp_path) -> None:
    _marker(tmp_path)
    result = _load_settings(tmp_path, TRACEOBJECT_ENV="production")
    assert result.returncode != 0
    assert "TRACEOBJECT_SECRET_KEY" in result.stderr
    assert not (tmp_path / "keys").exists()


@pytest.mark.parametrize(
    ("content", "mode"),
    [("production\n", 0o644), ("embedded-ish\n", 0o644), ("embedded\n", 0o666), ("embedded\n", 0o664)],
)
def test_a_marker_that_is_not_ours_leaves_production(tmp_path, content: str, mode: int) -> None:
    """Anything but our own file saying exactly "embedded" (for instance one that another account could
    have written) keeps the default: production, which refuses to start without its secrets."""
    _marker(tmp_path, content, mode)
    result = _load_settings(tmp_path)
    assert result.returncode != 0
    assert "TRACEOBJECT_SECRET_KEY" in result.stderr


def test_a_marker_that_is_a_symlink_is_not_followed(tmp_path) -> None:
    elsewhere = _marker(tmp_path / "elsewhere")
    data = tmp_path / "data"
    data.mkdir()
    (data / "MODE").symlink_to(elsewhere)
    result = _load_settings(data)
    assert result.returncode != 0
    assert "TRACEOBJECT_SECRET_KEY" in result.stderr


# --- Embedded mode's secrets outside the data folder (TRACEOBJECT_SECRETS_DIR) ---------------------------


def _secret_values(output: str) -> tuple[str, str]:
    _mode, secret_key, public_key = output.split()[:3]
    return secret_key, public_key


def test_embedded_mode_keeps_its_secrets_outside_the_data_folder_when_asked(tmp_path) -> None:
    data, secrets_dir = tmp_path / "var", tmp_path / "elsewhere" / "secrets"
    result = _load_settings(data, TRACEOBJECT_ENV="embedded", TRACEOBJECT_SECRETS_DIR=str(secrets_dir))
    assert result.returncode == 0, result.stderr
    secret_key, _public = _secret_values(result.stdout)
    assert not (data / "keys").exists()
    assert secrets_dir.stat().st_mode & 0o777 == 0o700
    for name in ("django-secret.key", "receipt-pepper.key", "vault-private.key", "vault-public.key"):
        assert (secrets_dir / name).stat().st_mode & 0o777 == 0o600
    assert (secrets_dir / "django-secret.key").read_text(encoding="utf-8") == secret_key
    # A copy of the data folder carries neither the secret key nor the receipt pepper.
    pepper = (secrets_dir / "receipt-pepper.key").read_text(encoding="utf-8")
    for path in data.rglob("*"):
        if path.is_file():
            content = path.read_bytes()
            assert secret_key.encode() not in content, path
            assert pepper.encode() not in content, path
    again = _load_settings(data, TRACEOBJECT_ENV="embedded", TRACEOBJECT_SECRETS_DIR=str(secrets_dir))
    assert again.stdout == result.stdout


def test_a_secrets_dir_inside_the_data_folder_is_refused(tmp_path) -> None:
    result = _load_settings(tmp_path, TRACEOBJECT_ENV="embedded", TRACEOBJECT_SECRETS_DIR=str(tmp_path / "s"))
    assert result.returncode != 0
    assert "TRACEOBJECT_SECRETS_DIR" in result.stderr
    assert "inside the data directory" in result.stderr
    assert not (tmp_path / "s").exists()


def test_moving_to_a_secrets_dir_keeps_the_secrets_and_refuses_to_replace_them(tmp_path) -> None:
    """Set on a data folder that already holds keys, it refuses until they are moved, then uses them."""
    data, secrets_dir = tmp_path / "var", tmp_path / "secrets"
    before = _load_settings(data, TRACEOBJECT_ENV="embedded")
    assert before.returncode == 0, before.stderr
    refused = _load_settings(data, TRACEOBJECT_ENV="embedded", TRACEOBJECT_SECRETS_DIR=str(secrets_dir))
    assert refused.returncode != 0
    assert "Move them there first" in refused.stderr
    assert not secrets_dir.exists() or not any(secrets_dir.iterdir())
    secrets_dir.mkdir(mode=0o700, exist_ok=True)
    for path in (data / "keys").iterdir():
        path.rename(secrets_dir / path.name)
    after = _load_settings(data, TRACEOBJECT_ENV="embedded", TRACEOBJECT_SECRETS_DIR=str(secrets_dir))
    assert after.returncode == 0, after.stderr
    assert after.stdout == before.stdout  # the same secret key and tip key: nothing was replaced


def test_the_test_suite_never_uses_the_secrets_dir(tmp_path) -> None:
    """A developer's exported TRACEOBJECT_SECRETS_DIR must not expose make run's keys to the tests (the
    escrow test deletes the private key file)."""
    secrets_dir = tmp_path / "secrets"
    result = _load_settings(
        tmp_path / "data", TRACEOBJECT_ENV="test", TRACEOBJECT_SECRETS_DIR=str(secrets_dir)
    )
    assert result.returncode == 0, result.stderr
    assert not secrets_dir.exists()
    assert (tmp_path / "data" / "keys" / "django-secret.key").exists()
