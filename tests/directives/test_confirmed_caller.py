"""A caller checked lately runs before its lookup is back (auth.recent): the guard waits for the
lookup before anything but a query runs and before the audit is written, and refuses with
nothing changed, recorded or answered when it gives another caller."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from typing import Any

import pytest
from strawberry.types import ExecutionResult

import directives.guard
from directives.privacy_schema import PrivacySchema
from directives.vocabulary import Role
from models import AuditRequest, Contact, PrivacyBudget, SecurityEvent
from schema.context import Context
from tests.conftest import World, run
from tests.directives.test_early_audit import LIST, NESTED, RecordingStore

ADD = "mutation A($input: ContactInput!) { addContact(input: $input) { id } }"
NEW_CONTACT = {"input": {"name": "高橋 一郎", "phone": "03-1234-5678"}}


def lookup(gives: bool, seen: list[str]) -> Callable[[], Awaitable[bool]]:
    async def confirmed() -> bool:
        seen.append("lookup")
        return gives

    return confirmed


# A list (the audit written once the page is enforced, early) and a customer with its agent
# (two enforced fields).
QUERIES = [LIST, NESTED]


async def _query(
    schema: PrivacySchema, world: World, text: str, *, gives: bool
) -> tuple[ExecutionResult, Context, list[str]]:
    """`text` as SUPPORT, with a lookup that gives the same caller or not: the run, and the
    order in which the lookup and the audit write came."""
    events: list[str] = []
    result, context = await run(
        schema,
        text.format(name="Late", id=world.customers[0].id) if text is NESTED else text,
        world.caller(Role.SUPPORT),
        audit_store=RecordingStore(events),
        confirm_caller=lookup(gives, events),
    )
    return result, context, events


@pytest.mark.parametrize("text", QUERIES)
async def test_a_query_answers_once_its_caller_is_confirmed(
    schema: PrivacySchema, world: World, text: str
) -> None:
    result, context, events = await _query(schema, world, text, gives=True)
    assert result.errors is None and result.data
    assert events == ["lookup", "write"]  # the lookup came back before the audit was written
    assert context.audit.written


@pytest.mark.parametrize("text", QUERIES)
async def test_a_query_whose_caller_changed_answers_nothing_and_records_nothing(
    schema: PrivacySchema, world: World, text: str
) -> None:
    """Whether the audit would have been written early or at the end."""
    result, context, events = await _query(schema, world, text, gives=False)
    assert events == ["lookup"]  # nothing written
    assert result.data is None
    assert result.errors and result.errors[0].extensions
    assert result.errors[0].extensions["code"] == "UNAUTHENTICATED"
    assert not context.audit.written and not (result.extensions or {}).get("privacy")


@pytest.fixture
def order(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """When the guard opened the mutation's transaction, against the lookup."""
    seen: list[str] = []
    opened = directives.guard.in_transaction  # type: ignore[attr-defined]

    def spied(*args: Any, **kwargs: Any) -> Any:
        seen.append("transaction")
        return opened(*args, **kwargs)

    monkeypatch.setattr(directives.guard, "in_transaction", spied)
    return seen


async def test_a_mutation_waits_for_its_caller_before_it_changes_anything(
    schema: PrivacySchema, world: World, order: list[str]
) -> None:
    before = await Contact.all().count()
    gate = asyncio.Event()

    async def confirmed() -> bool:
        await gate.wait()
        order.append("lookup")
        return False

    running = asyncio.ensure_future(
        run(
            schema,
            ADD,
            world.caller(Role.CUSTOMER),
            variables=NEW_CONTACT,
            confirm_caller=confirmed,
        )
    )
    for _ in range(50):
        await asyncio.sleep(0)
    assert order == []  # waiting: no transaction opened, nothing run
    gate.set()
    result, _ = await running
    assert order == ["lookup"]
    assert result.data is None and result.errors and result.errors[0].extensions
    assert result.errors[0].extensions["code"] == "UNAUTHENTICATED"
    assert await Contact.all().count() == before
    assert not await AuditRequest.exists()


@pytest.mark.parametrize(
    "text",
    [
        "{ me { login } }",  # the caller's own: about the credential itself
        # research: the analyst's budget is charged as it reads
        "query @purpose(code: F) { researchAggregate(dimension: BIRTH_DECADE) { groups { key } } }",
    ],
)
async def test_a_query_that_does_not_only_read_waits_for_its_caller_first(
    schema: PrivacySchema, world: World, text: str
) -> None:
    seen: list[str] = []
    result, _ = await run(
        schema, text, world.caller(Role.ANALYST), confirm_caller=lookup(False, seen)
    )
    assert seen == ["lookup"]
    assert result.data is None and result.errors and result.errors[0].extensions
    assert result.errors[0].extensions["code"] == "UNAUTHENTICATED"
    assert not await PrivacyBudget.filter(answers__gt=0).exists()  # nothing charged


async def test_a_refusal_is_recorded_only_for_the_caller_of_now(
    schema: PrivacySchema, world: World
) -> None:
    """A purpose the remembered role may not declare: no security event under that role."""
    seen: list[str] = []
    result, _ = await run(
        schema, LIST.replace("code: C", "code: F"), world.caller(Role.SUPPORT),
        confirm_caller=lookup(False, seen),
    )  # fmt: skip
    assert seen == ["lookup"]
    assert result.errors and result.errors[0].extensions
    assert result.errors[0].extensions["code"] == "UNAUTHENTICATED"
    assert not await SecurityEvent.exists()


async def test_a_confirmed_mutation_runs(
    schema: PrivacySchema, world: World, order: list[str]
) -> None:
    seen: list[str] = []
    result, _ = await run(
        schema,
        ADD,
        world.caller(Role.CUSTOMER),
        variables=NEW_CONTACT,
        confirm_caller=lookup(True, seen),
    )
    assert result.errors is None and seen[0] == "lookup"
    assert order == ["transaction"]
    assert await Contact.filter(name="高橋 一郎").exists()
