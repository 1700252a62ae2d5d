"""Issue 8 §8: before authentication a caller learns nothing about the schema. Every document
that is not its login step (or `{ __typename }`) gets one error naming nothing, the same for a
field that exists and one that does not, for every type and field of the built schema."""

from __future__ import annotations

import re
from dataclasses import replace
from typing import Any

import pytest
from graphql import GraphQLObjectType
from strawberry.types import ExecutionResult

from directives.privacy_schema import PrivacySchema
from directives.vocabulary import Role
from models import SecurityEvent
from models.security import Stage
from tests.conftest import World, run

# Ten names Customer has and ten it does not (the attacker guessed twenty).
EXISTING = [
    "name", "nameKana", "birthDate", "postalCode", "address", "phone", "fax", "email",
    "accountNumber", "accountHolder",
]  # fmt: skip
MADE_UP = [
    "salary", "ssn", "password", "creditCard", "mynumber", "gender", "income", "religion",
    "passportNo", "bloodType",
]  # fmt: skip
# The one type an anonymous caller is answered with: `login`'s own result.
PUBLIC = frozenset({"LoginResult"})
LOGIN = 'mutation { login(login: "x", password: "y") { stage %s } }'


def fill(text: str, *values: str) -> str:
    """GraphQL's braces make str.format awkward: each `%s` takes the next value."""
    for value in values:
        text = text.replace("%s", value, 1)
    return text


def answer(result: ExecutionResult) -> tuple[Any, list[tuple[str, Any]]]:
    return result.data, [(e.message, e.extensions) for e in result.errors or []]


def named_nothing(result: ExecutionResult, *names: str) -> None:
    """No name asked about appears in a message (the error code itself is not the caller's)."""
    words = {w for e in result.errors or [] for w in re.findall(r"\w+", e.message)}
    assert not words & set(names), (names, words)


def documents(type_name: str, field: str) -> list[str]:
    """Ways to ask about `field` of `type_name` without logging in."""
    return [
        fill("{ __typename ... on %s { %s } }", type_name, field),
        fill("query { ...F } fragment F on %s { %s }", type_name, field),
        fill(LOGIN, fill("... on %s { %s }", type_name, field)),
        fill("{ %s }", field),
        fill("mutation { %s }", field),
    ]


async def test_guessed_customer_fields_get_one_answer(schema: PrivacySchema, db: Any) -> None:
    answers = set()
    for field in EXISTING + MADE_UP:
        for document in [
            fill("{ customers { nodes { %s } } }", field),
            fill('{ customer(id: "1") { %s } }', field),
            fill(LOGIN, field),
            *documents("Customer", field),
        ]:
            result, _ = await run(schema, document, None)
            assert result.data is None
            named_nothing(result, field, "Customer", "customers")
            answers.add(repr(answer(result)))
    assert answers == {repr((None, [("Authentication required.", {"code": "UNAUTHENTICATED"})]))}


async def test_every_type_and_field_answers_alike(schema: PrivacySchema, db: Any) -> None:
    """The mechanism: the built schema's every object type and field, and a made-up field on
    each, give the one answer (a new type or field is covered without being listed)."""
    types = [
        t
        for name, t in schema._schema.type_map.items()
        if isinstance(t, GraphQLObjectType) and not name.startswith("__") and name not in PUBLIC
    ]
    assert len(types) > 30
    answers = set()
    for graphql_type in types:
        for field in [*list(graphql_type.fields)[:3], "madeUpField"]:
            for document in documents(graphql_type.name, field):
                result, _ = await run(schema, document, None)
                named_nothing(result, graphql_type.name, field)
                answers.add(repr(answer(result)))
    assert len(answers) == 1, answers
    words = set(re.findall(r"\w+", "Authentication required."))
    assert answers == {repr((None, [("Authentication required.", {"code": "UNAUTHENTICATED"})]))}
    schema_names = {t.name for t in types} | {f for t in types for f in t.fields}
    assert not words & schema_names


async def test_unfinished_logins_learn_nothing_either(schema: PrivacySchema, world: World) -> None:
    caller = replace(world.caller(Role.SUPPORT), stage=Stage.PENDING_TOTP)
    answers = set()
    for field in ["birthDate", "bloodType"]:
        for document in [
            fill("{ me { login %s } }", field),
            fill("{ me { ... on Customer { %s } } }", field),
            *documents("Customer", field),
        ]:
            result, _ = await run(schema, document, caller)
            named_nothing(result, field, "Customer")
            answers.add(repr(answer(result)))
    code = {"code": "LOGIN_STEP_REQUIRED"}
    assert answers == {repr((None, [("Authentication required: finish logging in first.", code)]))}
    ok, _ = await run(schema, "{ me { login stage } }", caller)
    assert ok.errors is None


async def test_the_login_step_and_typename_still_work(schema: PrivacySchema, db: Any) -> None:
    typename, _ = await run(schema, "{ __typename }", None)
    assert typename.data == {"__typename": "Query"}
    login, _ = await run(schema, LOGIN % "token", None)
    # Admitted: it got as far as the login step itself (no auth configured in this context).
    assert [e.extensions for e in login.errors or []] == [{"code": "LOGIN_FAILED"}]


@pytest.mark.parametrize("field", ["birthDate", "bloodType"])
async def test_refusals_before_login_are_security_events(
    schema: PrivacySchema, db: Any, field: str
) -> None:
    await run(schema, fill("{ customers { nodes { %s } } }", field), None)
    events = await SecurityEvent.all().values_list("kind", "actor", "detail")
    assert events == [("AUTHORIZATION_FAILURE", "-", "UNAUTHENTICATED")]
