"""``traceobject serve`` in embedded mode says what that mode does not protect (issue 13, part 7)."""

from __future__ import annotations

from traceobject.core.management.commands.serve import embedded_notice


def _keys(directory, *names: str) -> None:
    directory.mkdir(parents=True, exist_ok=True)
    for name in names:
        (directory / name).write_text("x", encoding="utf-8")


def test_the_notice_names_the_secrets_a_copy_of_the_data_folder_carries(
    settings, tmp_path, monkeypatch
) -> None:
    monkeypatch.delenv("TRACEOBJECT_SECRET_KEY", raising=False)
    monkeypatch.delenv("TRACEOBJECT_RECEIPT_PEPPER", raising=False)
    settings.DATA_DIR, settings.KEYS_DIR, settings.BEHIND_TLS_PROXY = tmp_path, tmp_path / "keys", False
    _keys(tmp_path / "keys", "django-secret.key", "receipt-pepper.key")
    text = "\n".join(embedded_notice())
    assert f"a copy of the data folder {tmp_path}: it holds the secret key and the receipt pepper" in text
    assert "shops and web domains" in text
    assert "follow-up cookie" in text
    assert "TRACEOBJECT_SECRETS_DIR=" in text
    assert "TRACEOBJECT_BEHIND_TLS_PROXY=1" in text
    assert "docs/security.md" in text
    assert "demo team's vault keys" in text


def test_the_notice_follows_where_the_secrets_are(settings, tmp_path, monkeypatch) -> None:
    settings.DATA_DIR, settings.KEYS_DIR, settings.BEHIND_TLS_PROXY = (
        tmp_path / "var",
        tmp_path / "keys",
        True,
    )
    _keys(tmp_path / "keys", "django-secret.key", "receipt-pepper.key")
    text = "\n".join(embedded_notice())
    assert "shops and web domains" not in text
    assert f"together with the secrets kept in {tmp_path / 'keys'}" in text
    assert "TRACEOBJECT_BEHIND_TLS_PROXY" not in text
    # Secrets given by variable are not in the data folder's keys, whatever files are left there.
    settings.DATA_DIR, settings.KEYS_DIR = tmp_path, tmp_path / "keys"
    monkeypatch.setenv("TRACEOBJECT_SECRET_KEY", "from-the-environment")
    text = "\n".join(embedded_notice())
    assert "it holds the receipt pepper (in" in text
