"""Relay cursor connections: `edges { cursor node }` beside `nodes`, paging forward and back
over keyset and position cursors, and `totalCount` under the list's own scope.

What must not happen: an edge showing more than its node would (edges are enforced and
audited like nodes), a row skipped or repeated while paging either way, a count that
includes rows out of the caller's scope.
"""

from __future__ import annotations

from typing import Any

from directives.privacy_schema import PrivacySchema
from directives.vocabulary import Role
from models import AuditEntry
from tests.conftest import World, run

PAGE = """
query($first: Int, $after: String, $last: Int, $before: String) @purpose(code: A) {
  customers(first: $first, after: $after, last: $last, before: $before) {
    totalCount
    nodes { id name phone }
    edges { cursor node { id name phone } }
    pageInfo { startCursor endCursor hasNextPage hasPreviousPage }
  }
}"""

SEARCH = """
query($first: Int, $after: String, $last: Int, $before: String) @purpose(code: C) {
  customerSearch(orderBy: NAME, first: $first, after: $after, last: $last, before: $before) {
    totalCount
    edges { cursor node { id } }
    pageInfo { startCursor endCursor hasNextPage hasPreviousPage }
  }
}"""


async def page(schema: PrivacySchema, world: World, role: Role, query: str, **paging: Any) -> Any:
    result, _ = await run(schema, query, world.caller(role), variables=paging)
    assert result.errors is None, result.errors
    assert result.data is not None
    return next(iter(result.data.values()))


async def test_edges_carry_the_same_decided_values_as_nodes(
    schema: PrivacySchema, world: World
) -> None:
    for role in (Role.AGENT, Role.SUPPORT, Role.AUDITOR):
        purpose = "A" if role is not Role.AUDITOR else "D"
        query = PAGE.replace("@purpose(code: A)", f"@purpose(code: {purpose})")
        connection = await page(schema, world, role, query)
        assert [edge["node"] for edge in connection["edges"]] == connection["nodes"], role
        cursors = [edge["cursor"] for edge in connection["edges"]]
        info = connection["pageInfo"]
        assert (info["startCursor"], info["endCursor"]) == (cursors[0], cursors[-1])
    auditor = await page(schema, world, Role.AUDITOR, PAGE.replace("code: A", "code: D"))
    assert all(edge["node"]["phone"] == "[REDACTED]" for edge in auditor["edges"])


async def test_nodes_reached_through_edges_are_audited(schema: PrivacySchema, world: World) -> None:
    query = "query @purpose(code: A) { customers { edges { node { phone } } } }"
    result, context = await run(schema, query, world.caller(Role.SUPPORT))
    assert result.errors is None
    subjects = {row.subject_id for row in await AuditEntry.all()}
    assert subjects == {customer.id for customer in world.customers}
    assert context.audit.field_count == len(world.customers)


async def test_total_count_counts_only_the_callers_scope(
    schema: PrivacySchema, world: World
) -> None:
    agent = await page(schema, world, Role.AGENT, PAGE)
    staff = await page(schema, world, Role.SUPPORT, PAGE)
    assert agent["totalCount"] == 3 == len(agent["nodes"])  # agent1's own customers
    assert staff["totalCount"] == len(world.customers)


async def _walk(
    schema: PrivacySchema, world: World, query: str, *, backward: bool
) -> tuple[list[str], list[dict[str, Any]]]:
    seen: list[str] = []
    infos = []
    cursor: str | None = None
    while True:
        paging = {"last": 2, "before": cursor} if backward else {"first": 2, "after": cursor}
        connection = await page(schema, world, Role.SUPPORT, query, **paging)
        ids = [edge["node"]["id"] for edge in connection["edges"]]
        seen = ids + seen if backward else seen + ids
        info = connection["pageInfo"]
        infos.append(info)
        more = info["hasPreviousPage"] if backward else info["hasNextPage"]
        if not more:
            return seen, infos
        cursor = info["startCursor"] if backward else info["endCursor"]


async def test_paging_forward_and_back_visits_every_row_once(
    schema: PrivacySchema, world: World
) -> None:
    for query in (PAGE, SEARCH):
        forward, forward_infos = await _walk(schema, world, query, backward=False)
        backward, backward_infos = await _walk(schema, world, query, backward=True)
        assert forward == backward
        assert len(forward) == len(set(forward)) == len(world.customers)
        # The first forward page has nothing before it; later ones came from a cursor.
        assert [i["hasPreviousPage"] for i in forward_infos] == [False] + [True] * (
            len(forward_infos) - 1
        )
        assert [i["hasNextPage"] for i in backward_infos] == [False] + [True] * (
            len(backward_infos) - 1
        )


async def test_an_edge_cursor_pages_from_that_edge(schema: PrivacySchema, world: World) -> None:
    for query in (PAGE, SEARCH):
        everything = await page(schema, world, Role.SUPPORT, query, first=10)
        ids = [edge["node"]["id"] for edge in everything["edges"]]
        middle = everything["edges"][2]["cursor"]
        after = await page(schema, world, Role.SUPPORT, query, first=10, after=middle)
        before = await page(schema, world, Role.SUPPORT, query, last=10, before=middle)
        assert [e["node"]["id"] for e in after["edges"]] == ids[3:]
        assert [e["node"]["id"] for e in before["edges"]] == ids[:2]


async def test_mixing_directions_is_bad_input(schema: PrivacySchema, world: World) -> None:
    for query in (PAGE, SEARCH):
        result, _ = await run(
            schema, query, world.caller(Role.SUPPORT), variables={"first": 2, "last": 2}
        )
        assert result.errors and result.errors[0].extensions == {
            "code": "BAD_INPUT",
            "reason": "INVALID_VALUE",
            "fields": ["first", "after", "last", "before"],
        }
        result, _ = await run(schema, query, world.caller(Role.SUPPORT), variables={"last": 0})
        assert result.errors and result.errors[0].extensions == {
            "code": "BAD_INPUT",
            "reason": "INVALID_VALUE",
            "fields": ["last"],
        }


def _named(type_: Any) -> Any:
    while hasattr(type_, "of_type"):
        type_ = type_.of_type
    return type_


def test_every_paged_list_is_a_relay_connection(schema: PrivacySchema) -> None:
    """One mechanism for every list: a field that pages (takes `first`) takes all four Relay
    arguments and returns a connection with edges, nodes and both-way page info — including
    lists added later, which fail here until they do."""
    returned: set[str] = set()
    for type_ in schema._schema.type_map.values():
        for name, field in (
            getattr(type_, "fields", {}).items() if hasattr(type_, "interfaces") else ()
        ):
            if "first" not in field.args:
                continue
            where = f"{type_.name}.{name}"
            assert {"first", "after", "last", "before"} <= set(field.args), where
            connection = _named(field.type)
            assert connection.name.endswith("Connection"), where
            returned.add(connection.name)
            assert {"edges", "nodes", "pageInfo"} <= set(connection.fields), where
            edge = _named(connection.fields["edges"].type)
            assert set(edge.fields) == {"cursor", "node"}, where
            node = _named(connection.fields["nodes"].type)
            assert _named(edge.fields["node"].type) is node, where
    page_info = schema._schema.type_map["PageInfo"]
    assert {"startCursor", "endCursor", "hasNextPage", "hasPreviousPage"} <= set(
        page_info.fields  # type: ignore[attr-defined]
    )
    # Every connection type is a paged list's answer (none bypasses the arguments above).
    connections = {n for n in schema._schema.type_map if n.endswith("Connection")}
    assert connections == returned, connections ^ returned
    assert len(returned) >= 17  # the walk found main's lists, not an empty schema


async def test_paging_a_sorted_list_with_nulls_both_ways(world: World) -> None:
    """The keyset pages of a sorted list (resolvers.sorted_paging) on a nullable column — no
    role sorts by birth date in clear today, so the mechanism is driven directly."""
    from models import Customer as CustomerRow
    from resolvers.sorted_paging import fetch_sorted

    await CustomerRow.filter(id__in=[world.customers[1].id, world.customers[3].id]).update(
        birth_date=None
    )
    await CustomerRow.filter(id=world.customers[4].id).update(
        birth_date=(await CustomerRow.get(id=world.customers[0].id)).birth_date
    )  # a tie: the id decides
    rows = await CustomerRow.all()
    dated = sorted((r for r in rows if r.birth_date), key=lambda r: (r.birth_date, r.id))
    nulls = sorted(r.id for r in rows if r.birth_date is None)
    expected = [r.id for r in dated] + nulls
    for size in (1, 2, 3, 10):
        for backward in (False, True):
            seen: list[int] = []
            cursor: str | None = None
            while True:
                if backward:
                    got, info = await fetch_sorted(
                        CustomerRow.all(), "birth_date", None, None, size, cursor
                    )
                else:
                    got, info = await fetch_sorted(CustomerRow.all(), "birth_date", size, cursor)
                ids = [r.id for r in got]
                seen = ids + seen if backward else seen + ids
                assert len(info.cursors) == len(ids)
                if not (info.has_previous_page if backward else info.has_next_page):
                    break
                cursor = info.start_cursor if backward else info.end_cursor
            assert seen == expected, (size, backward)


AUDIT = """
query($first: Int, $after: String, $last: Int, $before: String) {
  auditEvents(first: $first, after: $after, last: $last, before: $before) {
    edges { cursor node { subjectId } }
    nodes { subjectId }
    pageInfo { startCursor endCursor hasNextPage hasPreviousPage }
  }
}"""


async def test_the_newest_first_audit_pages_both_ways(schema: PrivacySchema, world: World) -> None:
    for _ in range(2):
        await page(
            schema, world, Role.SUPPORT, "query @purpose(code: A) { customers { nodes { phone } } }"
        )
    everything = await page(schema, world, Role.AUDITOR, AUDIT, first=1000)
    cursors = [edge["cursor"] for edge in everything["edges"]]
    assert len(cursors) == 2 * len(world.customers)
    for backward in (False, True):
        seen: list[str] = []
        cursor: str | None = None
        while True:
            paging = {"last": 3, "before": cursor} if backward else {"first": 3, "after": cursor}
            connection = await page(schema, world, Role.AUDITOR, AUDIT, **paging)
            got = [edge["cursor"] for edge in connection["edges"]]
            seen = got + seen if backward else seen + got
            info = connection["pageInfo"]
            if not (info["hasPreviousPage"] if backward else info["hasNextPage"]):
                break
            cursor = info["startCursor"] if backward else info["endCursor"]
        assert seen == cursors, backward
