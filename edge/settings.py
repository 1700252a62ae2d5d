"""The deployment's settings as one frozen value, built once from the environment and passed in.

Tests build `Settings(...)` directly; the server builds it with `Settings.from_env()`.
"""

from __future__ import annotations

import os
import secrets
import time
from dataclasses import dataclass, field
from datetime import timedelta
from ipaddress import ip_network
from pathlib import Path

from auth.attempt import AuthConfig
from auth.secrets_box import SecretBox
from auth.sessions import SessionPolicy
from directives.audit import AuditStore
from directives.checkpoint import CheckpointError, SigningKey, parse_signing_key
from directives.policy_versions import PrivacyContact
from edge import environment
from edge.environment import AUDIT_SEQUENCE_SECONDS, MIB, Network, SettingsError
from models.files import private_directory
from notify.transports import OutboxSettings
from tlog.keys import development_key

__all__ = ["Settings", "SettingsError"]

LOOPBACK = (ip_network("127.0.0.1/32"), ip_network("::1/128"))


@dataclass(frozen=True, slots=True)
class Settings:
    data_dir: Path
    database_url: str
    demo: bool = False
    demo_customers: int = 1000
    production: bool = False
    secret_key: str | None = field(default=None, repr=False)  # CRM_SECRET_KEY
    sessions: SessionPolicy = field(default_factory=SessionPolicy)
    reverse_dns: bool = False
    audit_store: AuditStore | None = None  # None: the database (tests inject failing stores)
    access_log_retention: timedelta = timedelta(days=180)
    trusted_proxies: tuple[Network, ...] = ()  # none by default: X-Forwarded-For is ignored
    max_body_bytes: int = MIB
    rate_limit_per_minute: int = 600  # per client address; 0 turns it off
    max_query_cost: int = 50_000
    metrics_allow: tuple[Network, ...] = LOOPBACK
    log_format: str = "json"
    log_level: str = "INFO"
    outbox: OutboxSettings | None = None  # None: letters in data_dir/post-outbox, no e-mail
    epsilon_budget: float | None = None  # CRM_RESEARCH_EPSILON_BUDGET; None: the default
    research_warm: bool = False  # CRM_RESEARCH_WARM: research answers made before serving
    audit_signing_key: str | None = field(default=None, repr=False)  # CRM_AUDIT_SIGNING_KEY
    audit_interval: float = AUDIT_SEQUENCE_SECONDS  # CRM_AUDIT_SEQUENCE_SECONDS; 0: none
    privacy_contact: PrivacyContact = field(default_factory=PrivacyContact)  # P3.5
    web_dist: Path | None = None  # CRM_WEB_DIST; None: the packaged front end, else web/dist
    trusted_documents: bool = False  # CRM_TRUSTED_DOCUMENTS; from_env: on in production

    @classmethod
    def from_env(
        cls, *, data_dir: str | None = None, demo: bool | None = None, customers: int | None = None
    ) -> Settings:
        """From the environment; the command line's flags, where given, win."""
        env = environment.load()
        directory = Path(data_dir or env.data_dir).resolve()
        return cls(
            data_dir=directory,
            database_url=env.database_url or f"sqlite://{directory / 'crm.sqlite3'}",
            demo=env.demo if demo is None else demo,
            demo_customers=env.demo_customers if customers is None else customers,
            production=env.env == "production",
            secret_key=env.secret_key.get_secret_value() if env.secret_key else None,
            sessions=SessionPolicy(
                idle=timedelta(minutes=env.session_idle_minutes),
                absolute=timedelta(hours=env.session_absolute_hours),
            ),
            reverse_dns=env.access_log_reverse_dns,
            access_log_retention=timedelta(days=env.access_log_retention_days),
            trusted_proxies=environment.networks(env.trusted_proxies),
            max_body_bytes=env.max_body_bytes,
            rate_limit_per_minute=env.rate_limit_per_minute,
            max_query_cost=env.max_query_cost,
            metrics_allow=environment.networks(env.metrics_allow),
            log_format=env.log_format,
            log_level=env.log_level,
            outbox=_outbox(env, directory),
            epsilon_budget=env.research_epsilon_budget,
            research_warm=env.research_warm,
            audit_signing_key=(
                env.audit_signing_key.get_secret_value() if env.audit_signing_key else None
            ),
            audit_interval=env.audit_sequence_seconds,
            privacy_contact=_privacy_contact(env.privacy_email, env.privacy_phone),
            web_dist=Path(env.web_dist) if env.web_dist else None,
            trusted_documents=(
                env.env == "production" if env.trusted_documents is None else env.trusted_documents
            ),
        )

    def outbox_settings(self) -> OutboxSettings:
        return self.outbox or OutboxSettings(post_spool=self.data_dir / "post-outbox")

    @property
    def sqlite_path(self) -> Path | None:
        prefix = "sqlite://"
        if not self.database_url.startswith(prefix) or ":memory:" in self.database_url:
            return None
        return Path(self.database_url[len(prefix) :].split("?")[0])

    def audit_key(self) -> SigningKey:
        """The audit checkpoints' signing key: refused in production if missing; in
        development one generated into the data directory (mode 0600)."""
        if self.audit_signing_key is None:
            if self.production:
                raise SettingsError("CRM_AUDIT_SIGNING_KEY must be set in production.")
            return development_key(self.data_dir)
        try:
            return parse_signing_key(self.audit_signing_key)
        except CheckpointError as error:
            raise SettingsError(f"CRM_AUDIT_SIGNING_KEY: {error}.") from None

    def auth_config(self) -> AuthConfig:
        """Refuses to run in production without a real secret; in development keeps a random
        one in the data directory (mode 0600)."""
        if self.production and self.demo:
            raise SettingsError("--demo writes an administrator's credentials: not in production.")
        secret = self.secret_key
        if secret is None:
            if self.production:
                raise SettingsError("CRM_SECRET_KEY must be set in production.")
            secret = _development_secret(self.data_dir)
        return AuthConfig(box=SecretBox(secret), sessions=self.sessions)


def _outbox(env: environment.Environment, directory: Path) -> OutboxSettings:
    """notify/'s transports from the checked CRM_SMTP_* values (in notify's own spelling)."""
    password = env.smtp_password.get_secret_value() if env.smtp_password else ""
    checked = {
        "CRM_SMTP_HOST": env.smtp_host or "",
        "CRM_SMTP_PORT": str(env.smtp_port),
        "CRM_SMTP_FROM": env.smtp_from,
        "CRM_SMTP_STARTTLS": "1" if env.smtp_starttls else "0",
        "CRM_SMTP_USER": env.smtp_user or "",
        "CRM_SMTP_PASSWORD": password,
    }
    return OutboxSettings.from_env(checked, data_dir=directory)


def _privacy_contact(email: str | None, phone: str | None) -> PrivacyContact:
    """P3.5: the contact window, from CRM_PRIVACY_EMAIL / CRM_PRIVACY_PHONE, else the policy's."""
    default = PrivacyContact()
    return PrivacyContact(email=email or default.email, phone=phone or default.phone)


def _development_secret(data_dir: Path) -> str:
    path = data_dir / "secret.key"
    private_directory(data_dir)
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        pass  # another worker made it first
    else:
        with os.fdopen(fd, "w") as file:
            file.write(secrets.token_urlsafe(48))
    return _read_secret(path)


def _read_secret(path: Path) -> str:
    """Waits briefly for a file another worker is still writing."""
    for _ in range(50):
        text = path.read_text().strip()
        if text:
            return text
        time.sleep(0.02)
    raise SettingsError(f"{path} is empty.")
