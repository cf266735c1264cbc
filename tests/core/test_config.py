import json

import pytest

from app.core.config import ConfigurationError, load_settings


def test_production_refuses_placeholder_and_missing_secrets(monkeypatch, tmp_path) -> None:
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("GIMARK_MODE", "production")
    monkeypatch.setenv("GIMARK_JWT_SECRET", "change-me")
    with pytest.raises(ConfigurationError) as caught:
        load_settings()
    message = str(caught.value)
    assert "GIMARK_JWT_SECRET" in message and "GIMARK_LABEL_KEYS" in message


def test_production_names_a_missing_current_key(monkeypatch, tmp_path) -> None:
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("GIMARK_MODE", "production")
    monkeypatch.setenv("GIMARK_JWT_SECRET", "x" * 40)
    monkeypatch.setenv("GIMARK_LABEL_KEYS", json.dumps({"1": "ab" * 32}))
    monkeypatch.setenv("GIMARK_LABEL_CURRENT_KEY_ID", "7")
    with pytest.raises(ConfigurationError, match="GIMARK_LABEL_CURRENT_KEY_ID"):
        load_settings()


def test_development_generates_and_keeps_its_secrets(monkeypatch, tmp_path) -> None:
    monkeypatch.chdir(tmp_path)
    for name in ("GIMARK_MODE", "GIMARK_JWT_SECRET", "GIMARK_LABEL_KEYS"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("GIMARK_DATA_DIR", str(tmp_path / "var"))
    first = load_settings()
    second = load_settings()
    assert len(first.jwt_secret) >= 32 and first.jwt_secret == second.jwt_secret
    assert first.label_keys == second.label_keys and first.label_current_key_id in first.label_keys
    assert first.resolved_database_url.startswith("sqlite+aiosqlite:///")
