"""GraphQL-level edge rules through HTTP: every error has a code; text inputs refuse what is
not text; write conflicts say CONFLICT; the cost budget refuses before anything runs; Relay
connections page both ways; logs are JSON lines with the request id and no personal value."""

from __future__ import annotations

import asyncio
import json
import logging
import re
from pathlib import Path
from typing import Any

import pytest
from graphql import OperationDefinitionNode, parse

from directives.cost import estimate
from directives.vocabulary import Role
from edge.logs import JsonFormatter
from models import AuditRequest, Customer, CustomerVersion, Inquiry
from resolvers.app_schema import build_schema
from tests import test_server
from tests.test_server import Server, assert_nothing_personal, error_codes

ROOT = Path(__file__).resolve().parents[2]

database_url = test_server.database_url
settings = test_server.settings
server = test_server.server


async def post(server: Server, query: str, role: Role | None, **variables: Any) -> Any:
    response = await server.client.post(
        "/graphql", json={"query": query, "variables": variables}, headers=server.auth(role)
    )
    assert response.status_code == 200, response.text
    return response


# --- every error has a code --------------------------------------------------------------------


CODED = {
    "{": "GRAPHQL_PARSE_FAILED",
    "{ me { login } " + "x " * 1200 + "}": "GRAPHQL_PARSE_FAILED",  # over the token limit
    "{ nope }": "GRAPHQL_VALIDATION_FAILED",
    "{ customers(first: 99999999999) { nodes { id } } }": "GRAPHQL_VALIDATION_FAILED",
    "{ me { login } me: agents { nodes { id } } }": "GRAPHQL_VALIDATION_FAILED",
    "query { a: me { login } ...F } fragment F on Query { me { role } }": None,  # fine
    # Deeper than 6 (no real selection is: the limit error comes with "Cannot query field").
    "{ a { b { c { d { e { f { g { h } } } } } } } }": "GRAPHQL_VALIDATION_FAILED",
}


async def test_parse_validation_and_limit_errors_carry_codes(server: Server) -> None:
    for query, code in CODED.items():
        response = await post(server, query, Role.SUPPORT)
        assert set(error_codes(response)) == ({code} if code else set()), query[:60]


async def test_a_variable_of_the_wrong_type_is_bad_input(server: Server) -> None:
    query = "query($n: Int) { customers(first: $n) { nodes { id } } }"
    for value in (2**40, "ten", 1.5, [1]):
        response = await post(server, query, Role.SUPPORT, n=value)
        assert error_codes(response) == ["BAD_INPUT"], value


# --- text inputs -------------------------------------------------------------------------------

UPDATE = "mutation($input: MyRecordInput!) { updateMyRecord(input: $input) { name } }"
REFUSED_TEXT = {
    "NUL": "山田\x00花子",
    "bell": "山田\x07",
    "escape": "\x1b[31m山田",
    "DEL": "山田\x7f",
    "C1": "山田\x85",
    "right-to-left override": "山田\u202e子花",
    "isolate": "\u2066山田\u2069",
}


@pytest.mark.parametrize("name", REFUSED_TEXT)
async def test_text_that_is_not_plain_text_is_refused_naming_the_field(
    server: Server, name: str
) -> None:
    value = REFUSED_TEXT[name]
    before = await Customer.all().values_list("name", flat=True)
    response = await post(server, UPDATE, Role.CUSTOMER, input={"name": value})
    assert error_codes(response) == ["BAD_INPUT"]
    message = response.json()["errors"][0]["message"]
    assert "name" in message and value not in message
    assert await Customer.all().values_list("name", flat=True) == before
    assert await CustomerVersion.all().count() == 0


async def test_literal_strings_and_other_mutations_are_covered_too(server: Server) -> None:
    literal = 'mutation { updateMyRecord(input: {address: "東京都\\u202e"}) { name } }'
    assert error_codes(await post(server, literal, Role.CUSTOMER)) == ["BAD_INPUT"]
    lone = 'mutation { updateMyRecord(input: {address: "東京都\\ud800"}) { name } }'
    # In a document the GraphQL lexer itself refuses an unpaired surrogate escape.
    assert error_codes(await post(server, lone, Role.CUSTOMER)) == ["GRAPHQL_PARSE_FAILED"]
    inquiry = (
        "mutation($s: String!, $b: String!) @purpose(code: D)"
        " { openInquiry(kind: ADMINISTRATION, subject: $s, body: $b) { id } }"
    )
    count = await Inquiry.all().count()
    response = await post(server, inquiry, Role.CUSTOMER, s="ok", b="hello\x00")
    assert error_codes(response) == ["BAD_INPUT"] and "b" in response.json()["errors"][0]["message"]
    assert await Inquiry.all().count() == count
    # Lines are fine in free text.
    response = await post(server, inquiry, Role.CUSTOMER, s="ok", b="line one\r\nline two\tend")
    assert "errors" not in response.json()
    # Anonymous callers' logins are checked as well.
    login = 'mutation { login(login: "a\\u0000", password: "x") { stage } }'
    assert error_codes(await post(server, login, None)) == ["BAD_INPUT"]


async def test_single_line_fields_refuse_line_breaks(server: Server) -> None:
    for value in ("山田\n花子", "山田\r花子"):
        response = await post(server, UPDATE, Role.CUSTOMER, input={"name": value})
        assert error_codes(response) == ["BAD_INPUT"]


async def test_an_over_long_search_is_bad_input_on_every_database(server: Server) -> None:
    query = (
        "query($n: String) @purpose(code: C)"
        " { customerSearch(where: {name: $n}) { totalCount nodes { id } } }"
    )
    response = await post(server, query, Role.SUPPORT, n="山" * 5000)
    assert error_codes(response) == ["BAD_INPUT"]
    response = await post(server, query, Role.SUPPORT, n="x" * 30_000)
    assert error_codes(response) == ["BAD_INPUT"]


# --- write conflicts ---------------------------------------------------------------------------


async def test_a_write_that_lost_a_race_answers_conflict(server: Server) -> None:
    """Another writer already recorded the next version: the unique (customer, version) row
    refuses ours, on SQLite and PostgreSQL alike, and nothing of ours is kept."""
    customer_id = (await Customer.all().order_by("id").first()).id  # type: ignore[union-attr]
    row = await Customer.get(id=customer_id)
    await CustomerVersion.create(
        customer_id=row.id, version=row.version, values={}, changed_by="someone-else"
    )
    response = await post(server, UPDATE, Role.CUSTOMER, input={"phone": "03-1234-9999"})
    assert error_codes(response) == ["CONFLICT"]
    assert "retry" in response.json()["errors"][0]["message"]
    await assert_nothing_personal(response)
    assert (await Customer.get(id=customer_id)).phone != "03-1234-9999"


async def test_concurrent_updates_conflict_or_succeed(server: Server) -> None:
    """40 concurrent updateMyRecord: each succeeds or says CONFLICT, never Internal error
    (PostgreSQL races on the version row; SQLite serialises the writers)."""
    responses = await asyncio.gather(
        *(
            post(server, UPDATE, Role.CUSTOMER, input={"phone": f"03-0000-{n:04d}"})
            for n in range(40)
        )
    )
    codes = [error_codes(r) for r in responses]
    assert all(c in ([], ["CONFLICT"]) for c in codes), codes
    assert codes.count([]) >= 1


# --- cost --------------------------------------------------------------------------------------

HEAVIEST_SCREEN = """
query CustomerList @purpose(code: E) {
  customers(first: 1000) {
    totalCount
    pageInfo { startCursor endCursor hasNextPage hasPreviousPage }
    edges { cursor node { id name nameKana birthDate postalCode address phone fax email
      bankName bankBranch accountType accountNumber accountHolder } }
  }
}"""

TOO_COSTLY = (
    "query Heavy @purpose(code: E) {"
    + " ".join(
        f"i{n}: invoices(first: 1000) {{ nodes {{ id total billingName billingAddress"
        " lines { kind amount } customer { name phone contacts { name phone email } } } }"
        for n in range(10)
    )
    + " }"
)


async def test_the_heaviest_screen_fits_the_budget(server: Server) -> None:
    response = await post(server, HEAVIEST_SCREEN, Role.BILLING)
    assert "errors" not in response.json()
    customers = response.json()["data"]["customers"]
    assert len(customers["edges"]) == customers["totalCount"] == await Customer.all().count()


def _front_end_documents() -> list[tuple[str, str]]:
    """Every GraphQL document in web/src (gql.tada's graphql(`...`) calls)."""
    found = []
    for path in sorted((ROOT / "web" / "src").rglob("*.ts*")):
        for match in re.finditer(r"graphql\(\s*`(.*?)`", path.read_text(encoding="utf-8"), re.S):
            found.append((path.name, match.group(1)))
    return found


def test_every_screen_of_the_front_end_fits_the_budget() -> None:
    """Each operation the browser sends, estimated as the guard will: none is refused."""
    schema = build_schema()
    documents = _front_end_documents()
    fragments = "\n".join(text for _, text in documents if text.lstrip().startswith("fragment"))
    costs = {}
    for name, text in documents:
        if text.lstrip().startswith("fragment"):
            continue
        document = parse(f"{text}\n{fragments}")
        for operation in document.definitions:
            if isinstance(operation, OperationDefinitionNode):
                key = f"{name}:{operation.name.value if operation.name else '?'}"
                costs[key] = estimate(schema._schema, document, operation, {})
    assert len(costs) >= 20, costs  # the screens were found
    assert schema.max_cost is not None
    over = {key: cost for key, cost in costs.items() if cost > schema.max_cost}
    assert not over, over
    assert max(costs.values()) > 10_000  # the heaviest screen is a real load, not a toy


async def test_an_operation_over_budget_is_refused_before_it_runs(server: Server) -> None:
    response = await post(server, TOO_COSTLY, Role.BILLING)
    body = response.json()
    assert body["data"] is None
    assert error_codes(response) == ["QUERY_TOO_COSTLY"]
    extensions = body["errors"][0]["extensions"]
    assert extensions["cost"] > extensions["budget"] == 50_000
    assert await AuditRequest.all().count() == 0  # nothing resolved, nothing audited


async def test_page_sizes_from_variables_count(server: Server) -> None:
    query = (
        "query($n: Int) @purpose(code: E) { a: invoices(first: $n) { nodes { id lines"
        " { kind amount } customer { name contacts { name } } } } b: customers(first: $n)"
        " { nodes { name } } }"
    )
    assert error_codes(await post(server, query, Role.BILLING, n=5)) == []
    assert error_codes(await post(server, query, Role.BILLING, n=1000)) == ["QUERY_TOO_COSTLY"]


# --- logs --------------------------------------------------------------------------------------


async def test_log_lines_are_json_with_the_request_id_and_no_personal_value(
    server: Server, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.INFO)
    response = await post(server, UPDATE, Role.CUSTOMER, input={"name": "山田\x00花子"})
    await post(server, "{ nope }", Role.SUPPORT)
    lines = [json.loads(JsonFormatter().format(record)) for record in caplog.records]
    assert lines and all(set(line) >= {"time", "level", "logger", "message"} for line in lines)
    ours = [line for line in lines if line["request_id"] == response.headers["x-request-id"]]
    assert ours, lines
    text = "\n".join(json.dumps(line, ensure_ascii=False) for line in lines)
    assert "山田" not in text
    assert not {value for value in await test_server.personal_values() if value in text}
