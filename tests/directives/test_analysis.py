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
