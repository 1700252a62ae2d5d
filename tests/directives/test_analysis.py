"""The guard's per-document analysis is cached by document text and operation name, never by
caller: the same cached text is admitted or refused for each caller on its own."""

from __future__ import annotations

from directives.analysis import Analysis, AnalysisCache
from directives.privacy_schema import PrivacySchema
from directives.vocabulary import Role
from tests.conftest import World, run

DOCUMENT = "query Cached @purpose(code: E) { customers { nodes { email accountNumber } } }"


def _never() -> Analysis:
    raise AssertionError("analysed again: the cache was not used")


async def test_one_cached_analysis_admits_and_refuses_per_caller(
    schema: PrivacySchema, world: World
) -> None:
    outcomes = []
    for caller in (
        world.caller(Role.BILLING),
        world.caller(Role.SUPPORT),  # may not declare E
        None,
        world.caller(Role.BILLING),
    ):
        result, context = await run(schema, DOCUMENT, caller)
        code = (result.errors[0].extensions or {}).get("code") if result.errors else None
        outcomes.append((code, bool(context.audit.entries)))
    assert outcomes == [
        (None, True),
        ("PURPOSE_FORBIDDEN", False),
        ("UNAUTHENTICATED", False),
        (None, True),
    ]
    schema.analysis_cache.get(DOCUMENT, "Cached", _never)  # it is there


async def test_cached_invalid_documents_and_limits_stay_refused(
    schema: PrivacySchema, world: World
) -> None:
    deep = "{ me { login } customers { nodes { contracts { nodes { customer { contracts { nodes { customer { id } } } } } } } } }"  # noqa: E501
    for _ in range(2):
        unknown, _ = await run(schema, "{ customerz { nodes { id } } }", world.caller(Role.SUPPORT))
        assert unknown.data is None and "Did you mean" not in unknown.errors[0].message  # type: ignore[index]
        too_deep, _ = await run(schema, deep, world.caller(Role.SUPPORT))
        assert too_deep.data is None and "exceeds maximum operation depth" in str(too_deep.errors)


def test_the_cache_is_bounded() -> None:
    cache = AnalysisCache(entries=2)
    made = Analysis(errors=(), operation=None, usage=None)
    for text in ("a", "b", "c"):
        cache.get(text, None, lambda: made)
    cache.get("b", None, _never)
    cache.get("c", None, _never)
    again: list[int] = []

    def remake() -> Analysis:
        again.append(1)
        return made

    cache.get("a", None, remake)  # evicted: made again
    assert again == [1]


# What the analysis keeps per document (the literal texts' verdict, the cost of an operation
# without variables) is decided again for each request's variables, never carried over.

SEARCH = "query Find($name: String) @purpose(code: C) { customerSearch(where: {name: $name}) { nodes { id } } }"  # noqa: E501
LITERAL = (
    'query Bad @purpose(code: C) { customerSearch(where: {name: "a\\u202eb"}) { nodes { id } } }'
)


def _codes(result: object) -> list[object]:
    errors = getattr(result, "errors", None) or []
    return [(e.extensions or {}).get("reason") or (e.extensions or {}).get("code") for e in errors]


async def test_a_refused_literal_stays_refused_from_the_cache(
    schema: PrivacySchema, world: World
) -> None:
    for _ in range(2):
        result, context = await run(schema, LITERAL, world.caller(Role.SUPPORT))
        assert _codes(result) == ["INVALID_VALUE"] and not context.audit.entries
    cached = schema.analysis_cache.get(LITERAL, "Bad", _never)
    assert cached.refused_literal == ("name", cached.refused_literal[1])  # type: ignore[index]


async def test_variables_are_checked_on_every_request_of_a_cached_document(
    schema: PrivacySchema, world: World
) -> None:
    outcomes = []
    for name in ("佐藤", "a\x00b", "鈴木", "x\u2066y"):
        result, _ = await run(schema, SEARCH, world.caller(Role.SUPPORT), variables={"name": name})
        outcomes.append(_codes(result))
    assert outcomes == [[], ["INVALID_VALUE"], [], ["INVALID_VALUE"]]
    assert schema.analysis_cache.get(SEARCH, "Find", _never).refused_literal is None


async def test_cost_is_kept_only_for_operations_without_variables(
    schema: PrivacySchema, world: World
) -> None:
    sized = "query Sized($n: Int) @purpose(code: E) { customers(first: $n) { nodes { name } } }"
    fixed = "query Fixed @purpose(code: E) { customers(first: 7) { nodes { name } } }"
    for text in (sized, fixed):
        await run(schema, text, world.caller(Role.BILLING), variables={"n": 3})
    assert schema.analysis_cache.get(sized, "Sized", _never).cost is None
    assert (schema.analysis_cache.get(fixed, "Fixed", _never).cost or 0) > 7
    assert schema.max_cost is not None
    heavy = (
        "query Heavy($n: Int) @purpose(code: E) { a: invoices(first: $n) { nodes { id lines"
        " { kind amount } customer { name contacts { name } } } } b: customers(first: $n)"
        " { nodes { name } } }"
    )
    outcomes = []
    for n in (5, 1000, 5):
        result, _ = await run(schema, heavy, world.caller(Role.BILLING), variables={"n": n})
        outcomes.append(_codes(result))
    assert outcomes == [[], ["QUERY_TOO_COSTLY"], []]
