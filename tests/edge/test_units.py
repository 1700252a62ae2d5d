"""The edge's pure parts as tables: media-type choice, X-Forwarded-For through trusted proxies,
the cost model, the text rule, the settings' checks."""

from __future__ import annotations

from ipaddress import ip_network
from pathlib import Path

import pytest
from graphql import parse

from directives.cost import estimate
from directives.text_input import refused_text
from edge.environment import SettingsError
from edge.negotiation import GRAPHQL_RESPONSE, JSON, choose_media_type
from edge.proxies import forwarded_client
from edge.settings import Settings
from resolvers.app_schema import build_schema

ACCEPT = {
    None: JSON,
    "": JSON,
    "*/*": JSON,
    "application/json": JSON,
    "application/graphql-response+json": GRAPHQL_RESPONSE,
    "application/graphql-response+json, application/json;q=0.9": GRAPHQL_RESPONSE,
    "application/json, application/graphql-response+json;q=0.5": JSON,
    "application/graphql-response+json;q=0, application/json": JSON,
    "text/html": None,
    "text/csv, application/xml": None,
}


@pytest.mark.parametrize(("accept", "chosen"), ACCEPT.items())
def test_media_type_choice(accept: str | None, chosen: str | None) -> None:
    assert choose_media_type(accept) == chosen


PROXIES = (ip_network("10.0.0.0/8"), ip_network("192.168.1.1/32"))
FORWARDED = [
    # (peer, X-Forwarded-For, client)
    ("203.0.113.1", "198.51.100.1", "203.0.113.1"),  # not a proxy: header ignored
    ("10.0.0.1", "198.51.100.1", "198.51.100.1"),
    ("10.0.0.1", "1.1.1.1, 198.51.100.1", "198.51.100.1"),  # the client's own claim ignored
    ("10.0.0.1", "198.51.100.1, 192.168.1.1", "198.51.100.1"),  # two trusted hops
    ("10.0.0.1", "10.0.0.2, 10.0.0.3", "10.0.0.2"),  # all trusted: the farthest
    ("10.0.0.1", "junk", "10.0.0.1"),
    ("10.0.0.1", "", "10.0.0.1"),
    ("10.0.0.1", "2001:db8::1", "2001:db8::1"),
]


@pytest.mark.parametrize(("peer", "header", "client"), FORWARDED)
def test_forwarded_client(peer: str, header: str, client: str) -> None:
    assert forwarded_client(peer, header, PROXIES) == client


def test_no_trusted_proxy_means_the_peer() -> None:
    assert forwarded_client("127.0.0.1", "6.6.6.6", ()) == "127.0.0.1"


SCHEMA = build_schema()._schema
# Every field costs 1; a list costs its size x (1 + what each item selects).
COSTS = {
    "{ me { login } }": 2,
    "{ customers { nodes { id name } } }": 1 + 50 * 3,
    "{ customers(first: 10) { nodes { id } pageInfo { endCursor } } }": 1 + 10 * 2 + 2,
    "{ customers(last: 10) { edges { cursor node { id } } } }": 1 + 10 * (1 + 1 + 2),
    # a list that is not paged counts its assumed size (10)
    "{ customers(first: 2) { nodes { contacts { name } } } }": 1 + 2 * (1 + 10 * 2),
    # aliases and fragments count every time
    "{ a: me { login } b: me { login } }": 4,
    "{ ...F ...F } fragment F on Query { me { login } }": 4,
    "{ __typename __schema { types { name } } }": 0,
}


@pytest.mark.parametrize(("query", "cost"), COSTS.items())
def test_cost_model(query: str, cost: int) -> None:
    document = parse(query)
    assert estimate(SCHEMA, document, document.definitions[0]) == cost  # type: ignore[arg-type]


def test_cost_of_a_page_size_from_a_variable() -> None:
    document = parse("query($n: Int) { customers(first: $n) { nodes { id } } }")
    operation = document.definitions[0]
    assert estimate(SCHEMA, document, operation, {"n": 7}) == 1 + 7 * 2  # type: ignore[arg-type]
    assert estimate(SCHEMA, document, operation, {"n": 10**9}) == 1 + 1000 * 2  # type: ignore[arg-type]


def test_fragments_spread_exponentially_are_costed_without_exponential_work() -> None:
    chain = " ".join(f"fragment F{i} on Query {{ ...F{i + 1} ...F{i + 1} }}" for i in range(40))
    document = parse(f"{{ ...F0 }} {chain} fragment F40 on Query {{ me {{ login }} }}")
    assert estimate(SCHEMA, document, document.definitions[0]) == 2 * 2**40  # type: ignore[arg-type]


TEXT = {
    "plain 山田 花子": None,
    "tab\tline\nreturn\r": None,
    "emoji 😀 and ZWJ 👩\u200d💻": None,
    "nul\x00": "control",
    "bell\x07": "control",
    "C1\x9b": "control",
    "override\u202e": "bidirectional",
    "isolate\u2067": "bidirectional",
    "lone \ud800": "surrogate",
    "x" * 20_001: "longer",
}


@pytest.mark.parametrize(("text", "reason"), TEXT.items(), ids=range(len(TEXT)))
def test_text_rule(text: str, reason: str | None) -> None:
    refused = refused_text(text)
    assert (refused is None) if reason is None else (refused is not None and reason in refused)


@pytest.mark.parametrize(
    ("variable", "value"),
    [
        ("CRM_SESSION_IDLE_MINUTES", "abc"),
        ("CRM_SESSION_IDLE_MINUTES", "0"),
        ("CRM_SESSION_ABSOLUTE_HOURS", "-5"),
        ("CRM_SESSION_IDLE_MINUTES", "100000000"),
        ("CRM_TRUSTED_PROXIES", "10.0.0.1, not-an-address"),
        ("CRM_MAX_BODY_BYTES", "12"),
        ("CRM_LOG_FORMAT", "xml"),
        ("CRM_ENV", "prod"),
        ("CRM_RATE_LIMIT_PER_MINUTE", "-1"),
    ],
)
def test_wrong_settings_name_the_variable(
    variable: str, value: str, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.setenv(variable, value)
    with pytest.raises(SettingsError, match=variable):
        Settings.from_env(data_dir=str(tmp_path))


def test_settings_from_the_environment(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv("CRM_TRUSTED_PROXIES", "10.0.0.0/8, 192.168.1.1")
    monkeypatch.setenv("CRM_MAX_BODY_BYTES", "4096")
    monkeypatch.setenv("DATABASE_URL", "postgres://crm@db:5432/crm")
    settings = Settings.from_env(data_dir=str(tmp_path))
    assert settings.trusted_proxies == (ip_network("10.0.0.0/8"), ip_network("192.168.1.1/32"))
    assert settings.max_body_bytes == 4096
    assert settings.database_url == "postgres://crm@db:5432/crm"
    monkeypatch.delenv("CRM_TRUSTED_PROXIES")
    assert Settings.from_env(data_dir=str(tmp_path)).trusted_proxies == ()  # none by default
