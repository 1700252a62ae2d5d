"""Settings are checked once, at start: no production run with default secrets or demo data."""

from __future__ import annotations

import stat
from dataclasses import replace
from pathlib import Path

import pytest

from directives.checkpoint import SigningKey
from server import Settings, SettingsError

URL = "sqlite://:memory:"


def test_production_refuses_to_start_without_a_secret(tmp_path: Path) -> None:
    with pytest.raises(SettingsError, match="CRM_SECRET_KEY"):
        Settings(data_dir=tmp_path, database_url=URL, production=True).auth_config()
    assert not (tmp_path / "secret.key").exists()


def test_production_refuses_demo_data(tmp_path: Path) -> None:
    settings = Settings(
        data_dir=tmp_path,
        database_url=URL,
        production=True,
        demo=True,
        secret_key="a real deployment secret of some length",
    )
    with pytest.raises(SettingsError, match="demo"):
        settings.auth_config()


def test_unknown_environment_names_are_refused(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("CRM_ENV", "prod")
    with pytest.raises(SettingsError, match="CRM_ENV"):
        Settings.from_env(data_dir=str(tmp_path))


def test_development_keeps_a_private_random_secret(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("CRM_SECRET_KEY", raising=False)
    monkeypatch.delenv("CRM_ENV", raising=False)
    first = Settings.from_env(data_dir=str(tmp_path)).auth_config()
    path = tmp_path / "secret.key"
    assert stat.S_IMODE(path.stat().st_mode) == 0o600 and len(path.read_text()) >= 48
    second = Settings.from_env(data_dir=str(tmp_path)).auth_config()
    sealed = first.box.seal("JBSWY3DPEHPK3PXP")
    assert second.box.open(sealed) == "JBSWY3DPEHPK3PXP"  # the same secret across restarts


def test_session_timeouts_come_from_the_environment(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("CRM_SESSION_IDLE_MINUTES", "5")
    monkeypatch.setenv("CRM_SESSION_ABSOLUTE_HOURS", "2")
    settings = Settings.from_env(data_dir=str(tmp_path))
    assert settings.sessions.idle.total_seconds() == 300
    assert settings.sessions.absolute.total_seconds() == 7200


@pytest.mark.parametrize("text", ["0", "-1", "abc", "nan", "101", "inf"])
def test_a_research_budget_must_be_a_positive_epsilon(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, text: str
) -> None:
    monkeypatch.setenv("CRM_RESEARCH_EPSILON_BUDGET", text)
    with pytest.raises(SettingsError, match="CRM_RESEARCH_EPSILON_BUDGET"):
        Settings.from_env(data_dir=str(tmp_path))


def test_the_research_budget_comes_from_the_environment(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("CRM_RESEARCH_EPSILON_BUDGET", raising=False)
    assert Settings.from_env(data_dir=str(tmp_path)).epsilon_budget is None  # the default
    monkeypatch.setenv("CRM_RESEARCH_EPSILON_BUDGET", "2.5")
    assert Settings.from_env(data_dir=str(tmp_path)).epsilon_budget == 2.5


def test_research_warm_up_comes_from_the_environment(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("CRM_RESEARCH_WARM", raising=False)
    assert Settings.from_env(data_dir=str(tmp_path)).research_warm is False  # the default
    monkeypatch.setenv("CRM_RESEARCH_WARM", "1")
    assert Settings.from_env(data_dir=str(tmp_path)).research_warm is True
    monkeypatch.setenv("CRM_RESEARCH_WARM", "sometimes")
    with pytest.raises(SettingsError, match="CRM_RESEARCH_WARM"):
        Settings.from_env(data_dir=str(tmp_path))


def test_production_refuses_to_start_without_an_audit_signing_key(tmp_path: Path) -> None:
    from server import create_app

    settings = Settings(
        data_dir=tmp_path, database_url=URL, production=True, secret_key="a real secret " * 4
    )
    with pytest.raises(SettingsError, match="CRM_AUDIT_SIGNING_KEY"):
        create_app(settings)
    assert not (tmp_path / "audit-signing.key").exists()
    with pytest.raises(SettingsError, match="CRM_AUDIT_SIGNING_KEY"):
        create_app(replace(settings, audit_signing_key="PRIVATE+KEY+x+00000000+AAAA"))


def test_the_audit_signing_key_comes_from_the_environment(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    key = SigningKey.generate("crm.example/audit")
    monkeypatch.setenv("CRM_AUDIT_SIGNING_KEY", key.text())
    monkeypatch.setenv("CRM_AUDIT_SEQUENCE_SECONDS", "5")
    settings = Settings.from_env(data_dir=str(tmp_path))
    assert settings.audit_key() == key and settings.audit_interval == 5
    assert key.text() not in repr(settings)


def test_development_keeps_a_private_audit_signing_key(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("CRM_AUDIT_SIGNING_KEY", raising=False)
    monkeypatch.delenv("CRM_ENV", raising=False)
    first = Settings.from_env(data_dir=str(tmp_path)).audit_key()
    path = tmp_path / "audit-signing.key"
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert Settings.from_env(data_dir=str(tmp_path)).audit_key() == first


def test_smtp_settings_reach_the_outbox_as_checked(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("CRM_SMTP_HOST", "mail.example")
    monkeypatch.setenv("CRM_SMTP_PORT", "2525")
    monkeypatch.setenv("CRM_SMTP_STARTTLS", "true")  # any spelling pydantic accepts
    smtp = Settings.from_env(data_dir=str(tmp_path)).outbox_settings().smtp
    assert smtp is not None
    assert (smtp.host, smtp.port, smtp.start_tls) == ("mail.example", 2525, True)
    monkeypatch.setenv("CRM_SMTP_PORT", "70000")
    with pytest.raises(SettingsError, match="CRM_SMTP_PORT"):
        Settings.from_env(data_dir=str(tmp_path))


def test_the_front_end_directory_comes_from_the_environment(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("CRM_WEB_DIST", raising=False)
    assert Settings.from_env(data_dir=str(tmp_path)).web_dist is None
    monkeypatch.setenv("CRM_WEB_DIST", str(tmp_path / "built"))
    assert Settings.from_env(data_dir=str(tmp_path)).web_dist == tmp_path / "built"
