"""Every environment variable the server reads, validated once with clear messages.

pydantic-settings reads and checks them; `describe()` lists them for `--help`, so the help and
the code cannot disagree.
"""

from __future__ import annotations

from ipaddress import IPv4Network, IPv6Network, ip_network
from typing import Literal

from pydantic import AliasChoices, Field, SecretStr, ValidationError, field_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

Network = IPv4Network | IPv6Network
MIB = 1024 * 1024
AUDIT_SEQUENCE_SECONDS = 2.0  # between the audit sequencer's runs (checkpoints), by default


class SettingsError(RuntimeError):
    """A setting is missing or wrong; the message says which and why (never a secret)."""


class Environment(BaseSettings):
    """CRM_* variables (and DATABASE_URL), each checked for type and range."""

    model_config = SettingsConfigDict(env_prefix="CRM_", extra="ignore", frozen=True)

    env: Literal["development", "production"] = Field(
        "development", description="development or production (production: secret required)"
    )
    data_dir: str = Field("./data", description="directory for the SQLite file and keys")
    database_url: str | None = Field(
        None,
        validation_alias=AliasChoices("DATABASE_URL", "CRM_DATABASE_URL"),
        description="DATABASE_URL: postgres://user@host:5432/db (default: SQLite in data dir)",
    )
    secret_key: SecretStr | None = Field(
        None, min_length=32, description="deployment secret (32+ chars; required in production)"
    )
    demo: bool = Field(False, description="seed demo data into an empty database (not prod)")
    demo_customers: int = Field(1000, ge=1, le=100_000, description="demo customers to seed")
    session_idle_minutes: int = Field(30, ge=1, le=1440, description="session idle timeout")
    session_absolute_hours: int = Field(12, ge=1, le=168, description="session lifetime")
    access_log_reverse_dns: bool = Field(False, description="look up host names for the log")
    access_log_retention_days: int = Field(
        180, ge=1, le=3650, description="days the access log is kept, then pruned"
    )
    trusted_proxies: str = Field(
        "", description="comma-separated proxy addresses/CIDRs whose X-Forwarded-For is believed"
    )
    max_body_bytes: int = Field(
        MIB, ge=1024, le=64 * MIB, description="largest request body accepted (bytes)"
    )
    rate_limit_per_minute: int = Field(
        600, ge=0, le=1_000_000, description="requests per client address per minute (0: off)"
    )
    max_query_cost: int = Field(
        50_000, ge=100, le=10_000_000, description="largest estimated cost of one operation"
    )
    metrics_allow: str = Field(
        "127.0.0.1/32,::1/128",
        description="comma-separated addresses/CIDRs that may read /metrics ('' : nobody)",
    )
    smtp_host: str | None = Field(None, description="SMTP server for e-mail notifications")
    smtp_port: int = Field(25, ge=1, le=65535, description="SMTP port")
    smtp_from: str = Field("crm@localhost", description="sender address of notifications")
    smtp_starttls: bool = Field(False, description="STARTTLS to the SMTP server")
    smtp_user: str | None = Field(None, description="SMTP user name")
    smtp_password: SecretStr | None = Field(None, description="SMTP password")
    research_epsilon_budget: float | None = Field(
        None,
        gt=0,
        le=100,
        allow_inf_nan=False,
        description="differential-privacy budget (epsilon) per analyst (P5.F; unset: 5)",
    )
    research_warm: bool = Field(
        False,
        description="make the research answers (P5.F) before a worker serves: its first research"
        " request does not count every customer (seconds and ~0.8 GB per worker at 1M)",
    )
    audit_signing_key: SecretStr | None = Field(
        None, description="audit checkpoints' Ed25519 signing key (required in production)"
    )
    audit_sequence_seconds: float = Field(
        AUDIT_SEQUENCE_SECONDS,
        ge=0,
        le=3600,
        allow_inf_nan=False,
        description="seconds between audit checkpoints (0: no background sequencer)",
    )
    privacy_email: str | None = Field(
        None,
        max_length=254,
        pattern=r"^[^\s@]+@[^\s@]+$",
        description="privacy contact e-mail (P3.5)",
    )
    privacy_phone: str | None = Field(
        None, max_length=40, pattern=r"^[0-9+() -]+$", description="privacy contact phone (P3.5)"
    )
    web_dist: str | None = Field(
        None, description="the built front end's directory (default: packaged, else web/dist)"
    )
    trusted_documents: bool | None = Field(
        None,
        description="browser sessions send only the front end's built documents (unset: on in"
        " production)",
    )
    log_format: Literal["json", "text"] = Field("json", description="json or text (stdout)")
    log_level: Literal["DEBUG", "INFO", "WARNING", "ERROR"] = Field("INFO", description="level")

    @field_validator("trusted_proxies", "metrics_allow")
    @classmethod
    def _networks(cls, value: str) -> str:
        networks(value)  # raises ValueError with the bad entry
        return value


def networks(value: str) -> tuple[Network, ...]:
    """'10.0.0.1, 192.168.0.0/24' → networks; a wrong entry is named in the error."""
    found: list[Network] = []
    for entry in (part.strip() for part in value.split(",")):
        if not entry:
            continue
        try:
            found.append(ip_network(entry, strict=False))
        except ValueError:
            raise ValueError(f"not an address or network: {entry!r}") from None
    return tuple(found)


def env_name(field: str) -> str:
    info = Environment.model_fields[field]
    alias = info.validation_alias
    if isinstance(alias, AliasChoices):
        return str(alias.choices[0])
    return f"CRM_{field.upper()}"


def load() -> Environment:
    try:
        return Environment()
    except ValidationError as error:
        problems = [
            f"{env_name(str(e['loc'][0])) if e['loc'] else '?'}: {e['msg']}" for e in error.errors()
        ]
        raise SettingsError("Invalid settings:\n  " + "\n  ".join(problems)) from None


def describe() -> str:
    """One line per variable, for `--help`."""
    lines = ["environment variables:"]
    for name, info in Environment.model_fields.items():
        default = "unset" if info.default is None else repr(info.default)
        lines.append(f"  {env_name(name):32} {info.description} [default: {default}]")
    lines.append(
        f"  {'PROMETHEUS_MULTIPROC_DIR':32} where workers add up their metrics "
        "[default with serve --workers: <data dir>/metrics]"
    )
    return "\n".join(lines)
