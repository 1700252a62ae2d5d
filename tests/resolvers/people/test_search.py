"""Searching, sorting and grouping by a personal field: allowed only where the caller would see
the field in clear (in research, masked). These tests try to infer withheld values through
filters, sorts, counts and errors, and fail if they can."""

from __future__ import annotations

from typing import Any

import pytest

from directives.privacy_schema import PrivacySchema
from directives.vocabulary import Role
from tests.conftest import World, code_of, run

SEARCH = """query Q($where: CustomerSearch, $order: CustomerOrder! = ID) %s {
  customerSearch(where: $where, orderBy: $order) { totalCount nodes { id } } }"""


async def _search(
    schema: PrivacySchema, world: World, role: Role, purpose: str | None, **variables: Any
) -> Any:
    directive = f"@purpose(code: {purpose})" if purpose else ""
    result, _ = await run(schema, SEARCH % directive, world.caller(role), variables=variables)
    return result


def _code(result: Any) -> object:
    return code_of(result.errors[0]) if result.errors else None


@pytest.mark.parametrize(
    ("role", "purpose", "where", "order", "allowed"),
    [
        (Role.SUPPORT, "C", {"phone": "090-1234-5671"}, "ID", True),  # phone clear under C
        (Role.SUPPORT, "D", {"phone": "090-1234-5671"}, "ID", True),
        (Role.ADMIN, "D", {"phone": "090-1234-5671"}, "ID", False),  # phone masked for ADMIN
        (Role.SUPPORT, None, {"phone": "090-1234-5671"}, "ID", False),  # no purpose declared
        (Role.MARKETING, "H", {"email": "hanako1@mail.example"}, "ID", True),
        (Role.MARKETING, "H", {"phone": "090-1234-5671"}, "ID", False),  # masked under H
        (Role.ANALYST, "F", {"email": "hanako1@mail.example"}, "ID", False),
        (Role.AUDITOR, "D", {"name": "鈴木 花子1"}, "ID", False),  # redacted for auditors
        (Role.BILLING, "E", None, "BIRTH_DATE", False),  # birth date denied to billing
        (Role.SUPPORT, "A", None, "NAME", True),
        (Role.ANALYST, "F", None, "BIRTH_DATE", False),  # masked is not enough to sort
        (Role.AGENT, "E", {"phone": "090-1234-5671"}, "ID", False),  # agent under E: name only
    ],
)
async def test_search_and_sort_need_the_field_in_clear(
    schema: PrivacySchema,
    world: World,
    role: Role,
    purpose: str | None,
    where: dict[str, str] | None,
    order: str,
    allowed: bool,
) -> None:
    result = await _search(schema, world, role, purpose, where=where, order=order)
    if allowed:
        assert result.errors is None
    else:
        assert result.data is None and _code(result) == "FORBIDDEN"
        message = result.errors[0].message
        for value in (where or {}).values():
            assert value not in message  # the refusal never echoes a value


async def test_agent_cannot_probe_other_agents_customers(
    schema: PrivacySchema, world: World
) -> None:
    """An agent's search over its own customers: another agent's customer's phone and a phone
    nobody has give exactly the same answer."""
    foreign = await _search(
        schema, world, Role.AGENT, "A", where={"phone": world.customers[3].phone}
    )
    nobody = await _search(schema, world, Role.AGENT, "A", where={"phone": "090-0000-0000"})
    assert foreign.data == nobody.data == {"customerSearch": {"totalCount": 0, "nodes": []}}
    own = await _search(schema, world, Role.AGENT, "A", where={"phone": world.customers[1].phone})
    assert own.data["customerSearch"]["totalCount"] == 1


async def test_opted_out_customers_cannot_be_matched_under_marketing(
    schema: PrivacySchema, world: World
) -> None:
    """Customer 2 opted out of H: its e-mail is denied under H, so a search under H on that
    e-mail must not confirm whose it is (nor count it)."""
    opted_out = world.customers[2]
    hit = await _search(schema, world, Role.MARKETING, "H", where={"email": opted_out.email})
    miss = await _search(schema, world, Role.MARKETING, "H", where={"email": "x@y.example"})
    assert hit.data == miss.data == {"customerSearch": {"totalCount": 0, "nodes": []}}


async def test_counts_do_not_reveal_out_of_scope_rows(schema: PrivacySchema, world: World) -> None:
    agent = await _search(schema, world, Role.AGENT, "A")
    staff = await _search(schema, world, Role.SUPPORT, "A")
    assert agent.data["customerSearch"]["totalCount"] == 3
    assert staff.data["customerSearch"]["totalCount"] == 5


async def test_sorted_pages_carry_no_value_in_the_cursor(
    schema: PrivacySchema, world: World
) -> None:
    query = """query Q($after: String) @purpose(code: A) { customerSearch(orderBy: NAME,
      first: 2, after: $after) { nodes { id } pageInfo { endCursor hasNextPage } } }"""
    seen, after = [], None
    while True:
        result, _ = await run(schema, query, world.caller(Role.SUPPORT), variables={"after": after})
        page = result.data["customerSearch"]  # type: ignore[index]
        seen += [n["id"] for n in page["nodes"]]
        if not page["pageInfo"]["hasNextPage"]:
            break
        after = page["pageInfo"]["endCursor"]
        assert "鈴木" not in after and "鈴木".encode() not in __import__("base64").b64decode(after)
    by_name = sorted(world.customers, key=lambda c: c.name)
    assert seen == [str(c.id) for c in by_name]


async def test_research_grouping_needs_at_least_the_masked_value(
    schema: PrivacySchema, world: World
) -> None:
    """Grouping by prefecture is what research sees of an address anyway; the same grouping
    by a role that may not see addresses at all is refused."""
    query = (
        "query @purpose(code: F) { researchAggregate(dimension: PREFECTURE) { groups { key } } }"
    )
    analyst, _ = await run(schema, query, world.caller(Role.ANALYST))
    assert analyst.errors is None
    other = query.replace("code: F", "code: A")
    support, _ = await run(schema, other, world.caller(Role.SUPPORT))
    assert _code(support) == "FORBIDDEN"  # not an analyst at all
    no_purpose, _ = await run(
        schema,
        "{ researchAggregate(dimension: PREFECTURE) { groups { key } } }",
        world.caller(Role.ANALYST),
    )
    assert _code(no_purpose) == "PURPOSE_REQUIRED"
