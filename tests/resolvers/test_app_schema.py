"""Operation limits (ASVS 4.3.1): depth 6, 15 aliases, 1,000 tokens. They are checked before
anything resolves, however an operation hides its size (named or inline fragments, things named
`__schema`, a fragment reused deeper down), and they are refused with readable errors.

The deepest real selection in the schema is depth 3 (`customers { nodes { agent { name } } }`),
so the 6/7 boundary is probed with made-up fields below `agent`. Such an operation fails
validation anyway ("Cannot query field"); what is asserted is whether the *depth* error is among
its errors. Strawberry's depth limiter skips introspection fields by design: graphql-core's
MaxIntrospectionDepthRule bounds those, and is tested here too.
"""

from __future__ import annotations

from collections.abc import Callable

import pytest
from graphql import Source, TokenKind, get_introspection_query
from graphql.language import Lexer
from strawberry.types import ExecutionResult

from directives.privacy_schema import PrivacySchema
from directives.vocabulary import Role
from models import AuditRequest
from tests.conftest import World, run

# The policy's numbers, pinned here rather than imported: raising one must fail a test.
MAX_DEPTH, MAX_ALIASES, MAX_TOKENS = 6, 15, 1000

DEPTH_ERROR = f"exceeds maximum operation depth of {MAX_DEPTH}"
ALIAS_ERROR = f"{MAX_ALIASES + 1} aliases found. Allowed: {MAX_ALIASES}"
TOKEN_ERROR = f"Document contains more than {MAX_TOKENS} tokens. Parsing aborted."
UNKNOWN_F3 = "Cannot query field 'f3' on type 'Agent'."
MASKED = "Internal error."


def messages(result: ExecutionResult) -> list[str]:
    return [error.message for error in result.errors or []]


async def assert_refused(result: ExecutionResult, expected: str) -> None:
    """Refused whole, readable (never masked), nothing resolved and nothing audited."""
    assert result.data is None
    assert any(expected in message for message in messages(result)), messages(result)
    assert MASKED not in messages(result)
    assert await AuditRequest.all().count() == 0


# --- depth -------------------------------------------------------------------------------------


def _levels(depth: int) -> list[str]:
    """Field names of an operation of `depth` (Strawberry counts nesting: `{ a { b } }` is 1)."""
    return ["customers", "nodes", "agent", *(f"f{n}" for n in range(3, depth + 1))]


def _nest(names: list[str], *, inline: bool = False) -> str:
    selection = names[-1]
    for name in reversed(names[:-1]):
        inner = f"... {{ {selection} }}" if inline else selection
        selection = f"{name} {{ {inner} }}"
    return selection


def plain(depth: int) -> str:
    return "{ " + _nest(_levels(depth)) + " }"


def inline_fragments(depth: int) -> str:
    return "{ " + _nest(_levels(depth), inline=True) + " }"


def named_fragments(depth: int) -> str:
    below_agent = _nest(_levels(depth)[3:])
    return (
        "{ customers { ...Nodes } }"
        " fragment Nodes on CustomerConnection { nodes { ...Agent } }"
        " fragment Agent on Customer { agent { ...Rest } }"
        " fragment Rest on Agent { " + below_agent + " }"
    )


def fragment_named_schema(depth: int) -> str:
    # graphql-armor skipped anything named `__schema` (fragments included): GHSA-hmfr-rx46-4jx2.
    return (
        "{ customers { nodes { ...__schema } } }"
        " fragment __schema on Customer { " + _nest(_levels(depth)[2:]) + " }"
    )


def operation_named_schema(depth: int) -> str:
    return "query __schema " + plain(depth)


def alias_named_schema(depth: int) -> str:
    return "{ __schema: " + _nest(_levels(depth)) + " }"


def fragment_reused_deeper(depth: int) -> str:
    # First spread one level shallower than the second: a limiter that caches a fragment's
    # depth from its first use (graphql-armor's fragment cache bypass) would pass this.
    return (
        "{ agents { nodes { ...F } } customers { nodes { agent { ...F } } } }"
        " fragment F on Agent { " + _nest(_levels(depth)[3:]) + " }"
    )


DEPTH_SHAPES: list[Callable[[int], str]] = [
    plain,
    inline_fragments,
    named_fragments,
    fragment_named_schema,
    operation_named_schema,
    alias_named_schema,
    fragment_reused_deeper,
]


async def test_deepest_real_operation_runs(schema: PrivacySchema, world: World) -> None:
    result, _ = await run(
        schema,
        "query @purpose(code: A) { customers(first: 1) { nodes { agent { code name } } } }",
        world.caller(Role.SUPPORT),
    )
    assert result.errors is None
    agent = {"code": "AG1", "name": "山田商事株式会社"}
    assert result.data == {"customers": {"nodes": [{"agent": agent}]}}


@pytest.mark.parametrize("shape", DEPTH_SHAPES, ids=lambda shape: shape.__name__)
async def test_depth_7_is_refused(
    schema: PrivacySchema, world: World, shape: Callable[[int], str]
) -> None:
    result, context = await run(schema, shape(MAX_DEPTH + 1), world.caller(Role.SUPPORT))
    await assert_refused(result, DEPTH_ERROR)
    assert context.audit.entries == []


@pytest.mark.parametrize("shape", DEPTH_SHAPES, ids=lambda shape: shape.__name__)
async def test_depth_6_passes_the_depth_limit(
    schema: PrivacySchema, world: World, shape: Callable[[int], str]
) -> None:
    result, _ = await run(schema, shape(MAX_DEPTH), world.caller(Role.SUPPORT))
    # Only the made-up field is wrong: the depth itself is within the limit.
    assert messages(result) and set(messages(result)) == {UNKNOWN_F3}


CIRCULAR_INTROSPECTION = {
    "inline": "{ __schema { types { fields { type { fields { type { fields { name } } } } } } } }",
    "in fragments": (
        "{ ...I } fragment I on Query { __schema { types { ...T } } }"
        " fragment T on __Type { fields { type { fields { type { fields { name } } } } } }"
    ),
}


@pytest.mark.parametrize("query", CIRCULAR_INTROSPECTION.values(), ids=CIRCULAR_INTROSPECTION)
async def test_circular_introspection_is_refused_even_for_staff(
    schema: PrivacySchema, world: World, query: str
) -> None:
    # The depth limiter does not count introspection fields; this is what bounds them.
    result, _ = await run(schema, query, world.caller(Role.AUDITOR))
    await assert_refused(result, "Maximum introspection depth exceeded")


async def test_the_standard_introspection_query_still_runs_for_staff(
    schema: PrivacySchema, world: World
) -> None:
    result, _ = await run(schema, get_introspection_query(), world.caller(Role.AUDITOR))
    assert result.errors is None
    assert result.data is not None and result.data["__schema"]["queryType"]["name"] == "Query"


# --- aliases -----------------------------------------------------------------------------------


def _aliases(count: int, prefix: str = "a", field: str = "purposes { code }") -> str:
    return " ".join(f"{prefix}{n}: {field}" for n in range(count))


ALIAS_SHAPES: dict[str, Callable[[int], str]] = {
    "in the operation": lambda n: "{ " + _aliases(n) + " }",
    "in an inline fragment": lambda n: "{ ... on Query { " + _aliases(n) + " } }",
    # CVE-2026-47707: aliases inside fragment definitions were not counted.
    "in a named fragment": lambda n: "{ ...F } fragment F on Query { " + _aliases(n) + " }",
    "split over two fragments": lambda n: (
        "{ ...F ...G } fragment F on Query { " + _aliases(n // 2) + " }"
        " fragment G on Query { " + _aliases(n - n // 2, prefix="b") + " }"
    ),
    "in nested fragments": lambda n: (
        "{ ...F } fragment F on Query { ...G }"
        " fragment G on Query { ... on Query { " + _aliases(n) + " } }"
    ),
    "deep inside a fragment": lambda n: (
        "{ ...F } fragment F on Query { customers(first: 1) { nodes { "
        + _aliases(n, field="id")
        + " } } }"
    ),
}


@pytest.mark.parametrize("shape", ALIAS_SHAPES.values(), ids=ALIAS_SHAPES)
async def test_16_aliases_are_refused(
    schema: PrivacySchema, world: World, shape: Callable[[int], str]
) -> None:
    result, _ = await run(schema, shape(MAX_ALIASES + 1), world.caller(Role.SUPPORT))
    await assert_refused(result, ALIAS_ERROR)


@pytest.mark.parametrize("shape", ALIAS_SHAPES.values(), ids=ALIAS_SHAPES)
async def test_15_aliases_run(
    schema: PrivacySchema, world: World, shape: Callable[[int], str]
) -> None:
    result, _ = await run(schema, shape(MAX_ALIASES), world.caller(Role.SUPPORT))
    assert result.errors is None
    assert result.data is not None
    answered = result.data["customers"]["nodes"][0] if "customers" in result.data else result.data
    assert len(answered) == MAX_ALIASES


# --- tokens ------------------------------------------------------------------------------------


def with_tokens(count: int) -> str:
    """A valid operation of exactly `count` tokens: spreads of one 10-token fragment."""
    spreads, odd = divmod(count - 12, 2)
    return (
        ("query " if odd else "")
        + "{ "
        + "...F " * spreads
        + "}"
        + " fragment F on Query { purposes { code } }"
    )


def count_tokens(document: str) -> int:
    lexer, count = Lexer(Source(document)), 0
    while lexer.advance().kind is not TokenKind.EOF:
        count += 1
    return count


async def test_1000_tokens_run(schema: PrivacySchema, world: World) -> None:
    document = with_tokens(MAX_TOKENS)
    assert count_tokens(document) == MAX_TOKENS
    result, _ = await run(schema, document, world.caller(Role.SUPPORT))
    assert result.errors is None
    assert result.data is not None and len(result.data["purposes"]) == 8


async def test_1001_tokens_are_refused(schema: PrivacySchema, world: World) -> None:
    document = with_tokens(MAX_TOKENS + 1)
    assert count_tokens(document) == MAX_TOKENS + 1
    result, _ = await run(schema, document, world.caller(Role.SUPPORT))
    await assert_refused(result, TOKEN_ERROR)


async def test_token_limit_holds_for_anonymous_callers_too(
    schema: PrivacySchema, world: World
) -> None:
    result, _ = await run(schema, with_tokens(MAX_TOKENS + 1), None)
    await assert_refused(result, TOKEN_ERROR)


# --- readable ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("document", "expected"),
    [
        (plain(MAX_DEPTH + 1), f"'anonymous' {DEPTH_ERROR}"),
        (operation_named_schema(MAX_DEPTH + 1), f"'__schema' {DEPTH_ERROR}"),
        (ALIAS_SHAPES["in a named fragment"](MAX_ALIASES + 1), ALIAS_ERROR),
        (with_tokens(MAX_TOKENS + 1), f"Syntax Error: {TOKEN_ERROR}"),
    ],
    ids=["depth", "depth, operation named __schema", "aliases", "tokens"],
)
async def test_limit_errors_are_readable_not_masked(
    schema: PrivacySchema, world: World, document: str, expected: str
) -> None:
    result, _ = await run(schema, document, world.caller(Role.AUDITOR))
    assert result.data is None
    assert expected in messages(result)
    assert MASKED not in messages(result)
