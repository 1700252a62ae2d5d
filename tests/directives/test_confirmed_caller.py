"""A caller checked lately runs before its lookup is back (auth.recent): the guard waits for the
lookup before anything but a query runs and before the audit is written, and refuses with
nothing changed, recorded or answered when it gives another caller."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable

import pytest

from directives.privacy_schema import PrivacySchema
from directives.vocabulary import Role
from models import AuditRequest, Contact
from tests.conftest import World, run
from tests.directives.test_early_audit import LIST, NESTED, RecordingStore

ADD = "mutation A($input: ContactInput!) { addContact(input: $input) { id } }"
NEW_CONTACT = {"input": {"name": "高橋 一郎", "phone": "03-1234-5678"}}


def lookup(gives: bool, seen: list[str]) -> Callable[[], Awaitable[bool]]:
    async def confirmed() -> bool:
        seen.append("lookup")
        return gives

    return confirmed


@pytest.mark.parametrize("text", [LIST, NESTED.format(name="Late", id=1)])
async def test_a_query_answers_once_its_caller_is_confirmed(
    schema: PrivacySchema, world: World, text: str
) -> None:
    events: list[str] = []
    store = RecordingStore(events)
    result, context = await run(
        schema,
        text.replace("id: 1", f"id: {world.customers[0].id}"),
        world.caller(Role.SUPPORT),
        audit_store=store,
        confirm_caller=lookup(True, events),
    )
    assert result.errors is None and result.data
    assert events == ["lookup", "write"]  # the lookup came back before the audit was written
    assert context.audit.written


@pytest.mark.parametrize("text", [LIST, NESTED.format(name="Late", id=1)])
async def test_a_query_whose_caller_changed_answers_nothing_and_records_nothing(
    schema: PrivacySchema, world: World, text: str
) -> None:
    """Whether the audit would have been written early or at the end."""
    events: list[str] = []
    store = RecordingStore(events)
    result, context = await run(
        schema,
        text.replace("id: 1", f"id: {world.customers[0].id}"),
        world.caller(Role.SUPPORT),
        audit_store=store,
        confirm_caller=lookup(False, events),
    )
    assert events == ["lookup"]  # nothing written
    assert result.data is None
    assert result.errors and result.errors[0].extensions
    assert result.errors[0].extensions["code"] == "UNAUTHENTICATED"
    assert not context.audit.written and not (result.extensions or {}).get("privacy")


async def test_a_mutation_waits_for_its_caller_before_it_changes_anything(
    schema: PrivacySchema, world: World
) -> None:
    before = await Contact.all().count()
    gate = asyncio.Event()
    order: list[str] = []

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
    assert await Contact.all().count() == before  # waiting, nothing done
    gate.set()
    result, _ = await running
    assert order == ["lookup"]
    assert result.data is None and result.errors and result.errors[0].extensions
    assert result.errors[0].extensions["code"] == "UNAUTHENTICATED"
    assert await Contact.all().count() == before
    assert not await AuditRequest.exists()


async def test_a_confirmed_mutation_runs(schema: PrivacySchema, world: World) -> None:
    seen: list[str] = []
    result, _ = await run(
        schema,
        ADD,
        world.caller(Role.CUSTOMER),
        variables=NEW_CONTACT,
        confirm_caller=lookup(True, seen),
    )
    assert result.errors is None and seen[0] == "lookup"
    assert await Contact.filter(name="高橋 一郎").exists()
