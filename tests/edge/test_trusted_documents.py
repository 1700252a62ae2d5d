"""Trusted documents (README, "Trusted documents"): with CRM_TRUSTED_DOCUMENTS on, a browser
session sends only the documents the front end was built with, byte for byte, under the purpose
each declares; anything else is 403 DOCUMENT_NOT_TRUSTED before it is parsed, and nothing is
audited. Bearer tokens send what they like; with the setting off, nothing changes. The manifest
in web/dist lists every document in web/src."""

from __future__ import annotations

import dataclasses
import json
import re
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from graphql import OperationDefinitionNode, parse, print_ast

from auth.events import Kind
from directives.vocabulary import Role
from edge import trusted_documents
from edge.environment import SettingsError
from edge.web import web_dist
from models import AuditRequest, SecurityEvent
from server import Settings
from tests import test_server
from tests.test_server import Server, error_codes, serving

ROOT = Path(__file__).resolve().parents[2]
MANIFEST = json.loads((web_dist() / trusted_documents.MANIFEST).read_text(encoding="utf-8"))

database_url = test_server.database_url


def document(name: str) -> str:
    (text,) = (e["document"] for e in MANIFEST.values() if e["operationName"] == name)
    return str(text)


@pytest.fixture(params=[True, False], ids=["enforced", "off"])
def settings(tmp_path: Path, database_url: str, request: pytest.FixtureRequest) -> Settings:
    return Settings(
        data_dir=tmp_path,
        database_url=database_url,
        demo=True,
        demo_customers=test_server.DEMO_CUSTOMERS,
        trusted_documents=request.param,
    )


@pytest.fixture
async def server(settings: Settings) -> AsyncIterator[Server]:
    async with serving(settings) as running:
        yield running


async def browser_login(server: Server, role: Role) -> dict[str, str]:
    """The login page's own documents, by the cookie flow: the headers its later requests send."""
    cred = server.credentials[role.value]
    response = await server.client.post(
        "/graphql",
        json={
            "query": document("Login"),
            "variables": {"login": cred["login"], "password": cred["password"]},
        },
    )
    assert response.status_code == 200, response.text
    assert response.json()["data"]["login"]["stage"] == "FULL"
    return {"X-CSRF-Token": server.client.cookies["crm_csrf"]}


async def send(
    server: Server, query: str, headers: dict[str, str], **variables: Any
) -> httpx.Response:
    return await server.client.post(
        "/graphql", json={"query": query, "variables": variables}, headers=headers
    )


def edited(text: str) -> str:
    """The same operation with one field more."""
    return text.replace("    id\n", "    id\n    version\n", 1)


async def test_a_browser_session_sends_only_manifest_documents(
    server: Server, settings: Settings
) -> None:
    headers = await browser_login(server, Role.CUSTOMER)
    me = await send(server, document("Me"), headers)
    assert me.status_code == 200 and me.json()["data"]["me"]["role"] == "CUSTOMER", me.text
    record = await send(server, document("MyRecord"), headers)
    assert record.status_code == 200 and record.json()["data"]["customers"]["nodes"], record.text

    before = await AuditRequest.all().count()
    attempts = [
        (edited(document("MyRecord")), {}),
        (document("MyRecord").replace("query MyRecord", "query MyRecord @purpose(code: A)"), {}),
        (document("MyRecord") + " ", {}),  # not the same bytes
        (document("MyInvoices"), {"X-Purpose": "A"}),  # built for E
        ("{ customers(first: 1) { nodes { name birthDate } } }", {}),
    ]
    for query, extra in attempts:
        response = await send(server, query, {**headers, **extra})
        if settings.trusted_documents:
            assert response.status_code == 403, response.text
            assert error_codes(response) == ["DOCUMENT_NOT_TRUSTED"]
            assert "data" not in response.json()
        else:
            assert "DOCUMENT_NOT_TRUSTED" not in response.text
    refusals = [
        event.actor
        for event in await SecurityEvent.filter(
            kind=Kind.AUTHORIZATION_FAILURE.value, detail="DOCUMENT_NOT_TRUSTED"
        )
    ]
    if settings.trusted_documents:
        assert await AuditRequest.all().count() == before  # nothing ran, nothing was read
        # Each refusal is a security event naming the session's login, never the document.
        assert refusals == [server.credentials["CUSTOMER"]["login"]] * len(attempts)
    else:
        assert refusals == []
    invoices = await send(server, document("MyInvoices"), {**headers, "X-Purpose": "E"})
    assert invoices.status_code == 200 and "errors" not in invoices.json(), invoices.text
    assert (await send(server, document("Logout"), headers)).json()["data"]["logout"]


async def test_a_bearer_token_sends_any_document(server: Server) -> None:
    server.client.cookies.clear()
    response = await server.post("{ customers(first: 1) { nodes { id name } } }", Role.CUSTOMER)
    assert response.status_code == 200 and "errors" not in response.json(), response.text


# --- the manifest -------------------------------------------------------------------------------


def _source_operations() -> dict[str, str]:
    """Every operation in web/src (gql.tada's graphql(`...`) calls), printed canonically."""
    found = {}
    for path in sorted((ROOT / "web" / "src").rglob("*.ts*")):
        text = path.read_text(encoding="utf-8")
        for match in re.finditer(r"graphql\(\s*`(.*?)`", text, re.S):
            for definition in parse(match.group(1)).definitions:
                if isinstance(definition, OperationDefinitionNode):
                    assert definition.name, f"{path.name}: an operation without a name"
                    found[definition.name.value] = print_ast(parse(match.group(1)))
    return found


def test_the_manifest_lists_every_document_of_the_front_end_as_built() -> None:
    """A new screen whose operation the build did not collect, or a manifest older than the
    sources, fails here (CI also rebuilds web/dist and compares)."""
    sources = _source_operations()
    assert len(sources) >= 50
    manifest = {e["operationName"]: print_ast(parse(e["document"])) for e in MANIFEST.values()}
    assert manifest == sources
    loaded = trusted_documents.load(web_dist())  # each entry checked against its own text
    assert {t.operation_name for t in loaded.values()} == set(sources)
    assert {t.purpose for t in loaded.values()} >= {None, "A", "E"}


def test_a_doctored_or_missing_manifest_stops_the_server(tmp_path: Path) -> None:
    with pytest.raises(SettingsError, match="cannot be read"):
        trusted_documents.load(tmp_path)
    text = "query Me {\n  me {\n    login\n  }\n}"
    good = {"document": text, "operationName": "Me", "purpose": None}
    doctored = [
        {trusted_documents.sha256(text + " "): good},  # the key is not the text's hash
        {trusted_documents.sha256(text): {**good, "purpose": "C"}},  # claims another purpose
        {trusted_documents.sha256(text): {**good, "operationName": "Other"}},
    ]
    for manifest in doctored:
        (tmp_path / trusted_documents.MANIFEST).write_text(json.dumps(manifest))
        with pytest.raises(SettingsError):
            trusted_documents.load(tmp_path)
    (tmp_path / trusted_documents.MANIFEST).write_text(
        json.dumps({trusted_documents.sha256(text): good})
    )
    assert trusted_documents.load(tmp_path) == {
        trusted_documents.sha256(text): trusted_documents.Trusted("Me", None)
    }


def test_on_by_default_in_production_only(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("CRM_TRUSTED_DOCUMENTS", raising=False)
    assert not Settings.from_env().trusted_documents
    monkeypatch.setenv("CRM_ENV", "production")
    assert Settings.from_env().trusted_documents
    monkeypatch.setenv("CRM_TRUSTED_DOCUMENTS", "0")
    assert not Settings.from_env().trusted_documents
    monkeypatch.delenv("CRM_ENV")
    monkeypatch.setenv("CRM_TRUSTED_DOCUMENTS", "1")
    assert dataclasses.replace(Settings.from_env()).trusted_documents
