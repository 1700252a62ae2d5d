"""Every list and search reads an index, never a whole large table (PostgreSQL only).

Each root list or search runs through the schema as a role that reaches it; every SELECT it
sends is then prepared again and its *generic* plan explained (asyncpg sends prepared
statements, whose plan PostgreSQL may make generic: `plan_cache_mode = force_generic_plan`).
The test database holds a handful of rows, where a sequential scan is the cheapest plan, so
`enable_seqscan = off` makes the planner take any usable index: a Seq Scan left in the plan of
a large table means no index serves the query. An index walk that filters rows instead (the
primary key walked with a `Filter` on another column, as an ORDER BY id LIMIT query does when
its filter column has no index) fails too. `test_the_check_can_fail` proves both rules bite.

Coverage is checked, not remembered: every root query of the operation policy
(`directives.operations.QUERIES`) must be in LISTS or in NOT_LISTS with the reason it reads no
large table (or must read all of one), and every filter a listed root takes — each argument
but the paging ones, each field of an input filter, each value of a sort — must be used by
at least one entry of LISTS (or be in NOT_FILTERS with a reason). A new root, a new filter or
a new sort fails `test_every_list_is_checked` / `test_every_filter_is_checked` until it is.
"""

from __future__ import annotations

import json
import logging
import re
from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from typing import Any

import pytest
from graphql import (
    FieldNode,
    GraphQLEnumType,
    GraphQLInputObjectType,
    GraphQLList,
    GraphQLNonNull,
    OperationDefinitionNode,
    get_named_type,
    parse,
    value_from_ast_untyped,
)
from tortoise.connection import get_connection

from directives.operations import QUERIES
from directives.privacy_schema import PrivacySchema
from directives.vocabulary import Role
from models import AuditRequest, Customer
from resolvers.audit.timeline import encode_moment
from resolvers.sorted_paging import encode_position
from tests.business_world import Business
from tests.conftest import PG_URL, World, run, sql_log

postgres_only = pytest.mark.skipif(
    PG_URL is None, reason="plans are PostgreSQL's: the PostgreSQL pass runs this test"
)

# Tables that stay small whatever the traffic: catalogues and per-agent monthly statements.
SMALL_TABLES = frozenset(
    {"agent", "option_service", "campaign", "survey", "margin_statement", "research_key"}
)
NOT_LISTS = {
    "me": "the caller's own account, by primary key",
    "customer": "one row by primary key",
    "agent": "one row by primary key",
    "contract": "one row by primary key",
    "invoice": "one row by primary key",
    "optionServices": "a small catalogue",
    "surveys": "a small catalogue",
    "purposes": "in memory",
    "privacyCatalog": "in memory",
    "operationPolicy": "in memory",
    # The scheme, which rows are released and the pseudonym order all depend on every
    # customer (README, Research: why this cannot page in SQL, and what it costs at 1 M).
    "researchRecords": "reads every customer by design: k-anonymity counts the whole population",
    "researchAggregate": "reads every customer by design: aggregates over the whole population",
    "policyVersions": "in memory (P11)",
    "retentionSchedule": "in memory (P7.4)",
    "namedUses": "a small catalogue the operator defines",
    "legalHolds": "a handful of rows placed by administrators",
    "rightsRequests": "requests taken in person: a small table",
    "myRightsRequests": "one customer's requests taken in person: a small table",
    "myConsents": "one customer's uses",
    "myConsentRecords": "one customer's records (index on customer_id, use)",
    "consentRecords": "one customer's records (index on customer_id, use)",
    "providers": "a small catalogue of companies and their NDAs",
    "businessTransfers": "a handful in the business's life",
    "researchBudget": "the caller's own budget row",
    "auditCheckpoint": "one checkpoint, by tree size (unique index)",
    "auditInclusionProof": "O(log n) rows of the audit log by primary key",
    "auditConsistencyProof": "O(log n) rows of the audit log by primary key",
    "policyVersionInForce": "in memory (P11)",
    "privacyContact": "in memory (P3.5)",
}
# Filters of listed roots that need no entry of their own (each "root.argument[.field]").
NOT_FILTERS: dict[str, str] = {}
PAGE = "pageInfo { endCursor }"
EVENTS = f"nodes {{ id subjectId }} {PAGE}"


@dataclass(frozen=True)
class Listed:
    root: str
    role: Role
    document: str
    variables: Callable[[World, Business], dict[str, Any]] = field(default=lambda w, b: {})
    known_gap: str | None = None  # why this one still walks an index (strict xfail)


# Whether an invoice is unpaid is computed from its payments (HAVING): walking invoices until
# 50 unpaid ones are found. An open-balance column (billing's) would make it an index range.
UNPAID = "unpaid is computed from payments, not indexed (README: known gap)"
# A campaign's reach counts every consenting recipient: an aggregate reads what it counts.
REACH = "campaign reach counts all recipients with their consent (README: known gap)"


def _search(where: str, order: str = "ID", purpose: str = "A") -> str:
    return (
        f"query Q($after: String) @purpose(code: {purpose}) {{ customerSearch(where: {where}, "
        f"orderBy: {order}, first: 2, after: $after) {{ nodes {{ id }} {PAGE} }} }}"
    )


def _second_page(world: World, _: Business) -> dict[str, Any]:
    return {"after": encode_position(world.customers[0].id)}


def _ago(days: int) -> str:
    return (datetime.now(UTC) - timedelta(days=days)).isoformat()


def _audit(where: dict[str, str]) -> Callable[[World, Business], dict[str, Any]]:
    return lambda w, b: {
        "f": {k: str(w.customers[0].id) if v == "<subject>" else v for k, v in where.items()}
    }


_EVENTS = (
    "query Q($kind: String, $actor: String, $since: DateTime, $until: DateTime, $after: String, "
    "$before: String, $last: Int, $newestFirst: Boolean! = false) @purpose(code: D) { "
    "securityEvents(kind: $kind, actor: $actor, since: $since, until: $until, after: $after, "
    f"before: $before, last: $last, newestFirst: $newestFirst) {{ nodes {{ kind }} {PAGE} }} }}"
)
_LOG = (
    "query Q($since: DateTime, $until: DateTime, $after: String, $last: Int, "
    "$newestFirst: Boolean! = false) @purpose(code: D) { accessLog(since: $since, "
    "until: $until, after: $after, last: $last, newestFirst: $newestFirst) "
    f"{{ nodes {{ path }} {PAGE} }} }}"
)


def _moment(days: int) -> str:
    """A time-ordered list's cursor (resolvers/audit/timeline.py): a row `days` ago."""
    return encode_moment(datetime.now(UTC) - timedelta(days=days), 999)


_AUDIT = f"query Q($f: AuditFilter, $after: String) @purpose(code: D) {{ auditEvents(filter: $f, after: $after) {{ {EVENTS} }} }}"  # noqa: E501
_SUBJECT = {"subjectType": "Customer", "subjectId": "<subject>"}
# Every auditEvents filter, alone and with a time window: each must be an index range (time
# windows through the id bounds of resolvers/audit/window.py). Checked on both databases.
AUDIT_WHERE = (
    {"actor": "t-billing"},
    {"purpose": "E"},
    _SUBJECT,
    {"since": _ago(1)},
    {"until": _ago(-1)},
    {"since": _ago(2), "until": _ago(1)},
    {"actor": "t-billing", "since": _ago(1)},
    {"purpose": "E", "until": _ago(-1)},
    {**_SUBJECT, "since": _ago(1)},
    {**_SUBJECT, "since": _ago(2), "until": _ago(1)},
    {"actor": "t-billing", "purpose": "E", "since": _ago(1)},
)
AUDIT_FILTERED = [Listed("auditEvents", Role.AUDITOR, _AUDIT, _audit(w)) for w in AUDIT_WHERE]
LISTS = [
    Listed("provisionRecords", Role.AUDITOR, f"{{ provisionRecords {{ nodes {{ id }} {PAGE} }} }}"),
    Listed("provisionRecords", Role.AUDITOR, f'{{ provisionRecords(customerId: "1", after: "YzoxMA==") {{ nodes {{ id }} {PAGE} }} }}'),  # noqa: E501
    Listed("disclosures", Role.AUDITOR, f"{{ disclosures {{ nodes {{ id }} {PAGE} }} }}"),
    Listed("incidents", Role.AUDITOR, f"{{ incidents {{ nodes {{ id }} {PAGE} }} }}"),
    # Sorts and index choice of the merged history: tests/resolvers/test_history_plans.py.
    Listed("myAccessHistory", Role.CUSTOMER, f"{{ myAccessHistory {{ nodes {{ at }} {PAGE} }} }}"),
    Listed("customers", Role.BILLING, f"query @purpose(code: E) {{ customers {{ nodes {{ id }} {PAGE} }} }}"),  # noqa: E501
    Listed("customers", Role.AGENT, f"query @purpose(code: A) {{ customers {{ nodes {{ id }} {PAGE} }} }}"),  # noqa: E501
    Listed("customers", Role.CUSTOMER, f"{{ customers {{ nodes {{ id }} {PAGE} }} }}"),
    Listed("agents", Role.BILLING, f"query @purpose(code: E) {{ agents {{ nodes {{ id }} {PAGE} }} }}"),  # noqa: E501
    Listed("customerSearch", Role.SUPPORT, _search('{phone: "090-0000-0000"}')),
    Listed("customerSearch", Role.SUPPORT, _search('{email: "a@example.jp"}')),
    Listed("customerSearch", Role.SUPPORT, _search('{phone: "０９０００００００００"}')),
    Listed("customerSearch", Role.SUPPORT, _search('{email: "Ａ@EXAMPLE.JP"}', "NAME")),
    Listed("customerSearch", Role.SUPPORT, _search('{nameKana: "すずき はなこ"}')),
    Listed("customerSearch", Role.SUPPORT, _search('{name: "鈴木 花子"}')),
    Listed("customerSearch", Role.SUPPORT, _search('{name: "鈴木 花子"}', "NAME_KANA")),
    Listed("customerSearch", Role.SUPPORT, _search("{}", "NAME")),
    Listed("customerSearch", Role.SUPPORT, _search("{}", "NAME"), _second_page),
    Listed("customerSearch", Role.SUPPORT, _search("{}", "NAME_KANA"), _second_page),
    Listed("customerSearch", Role.AGENT, _search('{phone: "090-0000-0000"}')),
    Listed("customerSearch", Role.MARKETING, _search('{email: "a@example.jp"}', purpose="H")),
    Listed("customerSearch", Role.CUSTOMER, _search("{}", "BIRTH_DATE"), _second_page),
    Listed("contracts", Role.SUPPORT, f"query @purpose(code: A) {{ contracts {{ nodes {{ id }} {PAGE} }} }}"),  # noqa: E501
    Listed("contracts", Role.AGENT, f"query @purpose(code: A) {{ contracts {{ nodes {{ id }} {PAGE} }} }}"),  # noqa: E501
    Listed("contracts", Role.CUSTOMER, f"query @purpose(code: A) {{ contracts {{ nodes {{ id }} {PAGE} }} }}"),  # noqa: E501
    Listed("invoices", Role.BILLING, f"query @purpose(code: E) {{ invoices {{ nodes {{ id }} {PAGE} }} }}"),  # noqa: E501
    Listed("invoices", Role.CUSTOMER, f"query @purpose(code: E) {{ invoices {{ nodes {{ id }} {PAGE} }} }}"),  # noqa: E501
    Listed("overdueInvoices", Role.BILLING, f'query @purpose(code: E) {{ overdueInvoices(asOf: "{date(2026, 12, 1)}") {{ nodes {{ id }} {PAGE} }} }}', known_gap=UNPAID),  # noqa: E501
    Listed("marginStatements", Role.BILLING, f"query @purpose(code: E) {{ marginStatements {{ nodes {{ id }} {PAGE} }} }}"),  # noqa: E501
    Listed("marginStatements", Role.AGENT, f"query @purpose(code: E) {{ marginStatements {{ totalCount monthlyTotals {{ total }} nodes {{ supersededBy }} {PAGE} }} }}"),  # noqa: E501
    Listed("overdueInvoices", Role.BILLING, f'query @purpose(code: E) {{ overdueInvoices(asOf: "{date(2026, 12, 1)}") {{ totalCount totalBalance nodes {{ id }} {PAGE} }} }}', known_gap=UNPAID),  # noqa: E501
    Listed("customers", Role.AGENT, f"query @purpose(code: A) {{ customers {{ totalCount nodes {{ id }} {PAGE} }} }}"),  # noqa: E501
    Listed("marginStatements", Role.AGENT, f"query @purpose(code: E) {{ marginStatements {{ nodes {{ id }} {PAGE} }} }}"),  # noqa: E501
    Listed("openInquiries", Role.SUPPORT, f"query @purpose(code: C) {{ openInquiries {{ nodes {{ id }} {PAGE} }} }}"),  # noqa: E501
    Listed("openInquiries", Role.SUPPORT, f"query @purpose(code: D) {{ openInquiries {{ nodes {{ id }} {PAGE} }} }}"),  # noqa: E501
    Listed("inquiries", Role.CUSTOMER, f"{{ inquiries {{ nodes {{ id }} {PAGE} }} }}"),
    Listed("inquiries", Role.SUPPORT, f"query @purpose(code: C) {{ inquiries {{ nodes {{ id }} {PAGE} }} }}"),  # noqa: E501
    Listed("inquiries", Role.SUPPORT, f"query @purpose(code: D) {{ inquiries(status: OPEN) {{ nodes {{ id }} {PAGE} }} }}"),  # noqa: E501
    # A customer's linked lists, read for a page of customers at once (one query per link).
    Listed("customers", Role.BILLING, f"query @purpose(code: E) {{ customers {{ nodes {{ contracts {{ id }} invoices {{ id }} }} {PAGE} }} }}"),  # noqa: E501
    Listed("customers", Role.SUPPORT, f"query @purpose(code: C) {{ customers {{ nodes {{ contracts {{ id }} inquiries {{ id }} }} {PAGE} }} }}"),  # noqa: E501
    Listed("customers", Role.CUSTOMER, f"{{ customers {{ nodes {{ contracts {{ id }} invoices {{ id }} inquiries {{ id }} }} {PAGE} }} }}"),  # noqa: E501
    Listed("campaigns", Role.MARKETING, f"query @purpose(code: H) {{ campaigns {{ nodes {{ id }} {PAGE} }} }}", known_gap=REACH),  # noqa: E501
    Listed("campaignRecipients", Role.MARKETING, f"query Q($c: ID!) @purpose(code: H) {{ campaignRecipients(campaignId: $c) {{ nodes {{ name }} {PAGE} }} }}",  # noqa: E501
           lambda w, b: {"c": str(next(iter(b.campaigns.values())).id)}),
    Listed("surveyResponses", Role.MARKETING, f"query Q($s: ID!) @purpose(code: G) {{ surveyResponses(surveyId: $s) {{ nodes {{ id }} {PAGE} }} }}",  # noqa: E501
           lambda w, b: {"s": str(b.survey.id)}),
    Listed("mySessions", Role.BILLING, "{ mySessions { createdAt } }"),
    Listed("myApiTokens", Role.BILLING, "{ myApiTokens { name } }"),
    Listed("auditEvents", Role.AUDITOR, _AUDIT),
    Listed("auditEvents", Role.AUDITOR, _AUDIT, lambda w, b: {"f": {"subjectType": "Customer", "subjectId": str(w.customers[0].id)}}),  # noqa: E501
    Listed("auditEvents", Role.AUDITOR, _AUDIT, lambda w, b: {"f": {"actor": "t-billing"}}),
    Listed("auditEvents", Role.AUDITOR, _AUDIT, lambda w, b: {"f": {"purpose": "E"}}),
    *AUDIT_FILTERED,
    Listed("auditEvents", Role.AUDITOR, _AUDIT, lambda w, b: {"f": {"actor": "t-billing"}, "after": "bjoxMDoxMDA="}),  # noqa: E501
    Listed("accounts", Role.ADMIN, f"query @purpose(code: D) {{ accounts {{ totalCount nodes {{ login lastLoginAt }} {PAGE} }} }}"),  # noqa: E501
    Listed("accounts", Role.ADMIN, f"query @purpose(code: D) {{ accounts(role: SUPPORT) {{ nodes {{ login }} {PAGE} }} }}"),  # noqa: E501
    Listed("accounts", Role.AUDITOR, f"query @purpose(code: D) {{ accounts(disabled: true) {{ nodes {{ login }} {PAGE} }} }}"),  # noqa: E501
    Listed("accountBindings", Role.AUDITOR, f"query @purpose(code: D) {{ accountBindings {{ nodes {{ login }} {PAGE} }} }}"),  # noqa: E501
    Listed("accountBindings", Role.AUDITOR, f'query @purpose(code: D) {{ accountBindings(login: "t-agent") {{ nodes {{ login }} {PAGE} }} }}'),  # noqa: E501
    Listed("securityEvents", Role.AUDITOR, f"query @purpose(code: D) {{ securityEvents {{ nodes {{ kind }} {PAGE} }} }}"),  # noqa: E501
    Listed("securityEvents", Role.AUDITOR, f"query @purpose(code: D) {{ securityEvents(newestFirst: true) {{ totalCount nodes {{ kind }} {PAGE} }} }}"),  # noqa: E501
    Listed("securityEvents", Role.AUDITOR, _EVENTS, lambda w, b: {"newestFirst": True, "actor": "t-billing", "after": _moment(1)}),  # noqa: E501
    Listed("securityEvents", Role.AUDITOR, _EVENTS, lambda w, b: {"kind": "LOGIN_FAILURE", "since": _ago(2), "until": _ago(1)}),  # noqa: E501
    Listed("securityEvents", Role.AUDITOR, _EVENTS, lambda w, b: {"actor": "t-billing", "until": _ago(1), "last": 5}),  # noqa: E501
    Listed("securityEvents", Role.AUDITOR, _EVENTS, lambda w, b: {"kind": "LOGIN_FAILURE", "newestFirst": True, "before": _moment(2)}),  # noqa: E501
    Listed("securityEvents", Role.AUDITOR, f'query @purpose(code: D) {{ securityEvents(kind: "LOGIN_FAILURE") {{ nodes {{ kind }} {PAGE} }} }}'),  # noqa: E501
    Listed("securityEvents", Role.AUDITOR, f'query @purpose(code: D) {{ securityEvents(actor: "t-billing") {{ nodes {{ kind }} {PAGE} }} }}'),  # noqa: E501
    Listed("securityEvents", Role.AUDITOR, f'query @purpose(code: D) {{ securityEvents(since: "{_ago(1)}") {{ nodes {{ kind }} {PAGE} }} }}'),  # noqa: E501
    Listed("accessLog", Role.AUDITOR, f'query @purpose(code: D) {{ accessLog(since: "{_ago(1)}") {{ nodes {{ path }} {PAGE} }} }}'),  # noqa: E501
    Listed("accessLog", Role.AUDITOR, _LOG, lambda w, b: {"until": _ago(1), "newestFirst": True, "after": _moment(3)}),  # noqa: E501
    Listed("accessLog", Role.AUDITOR, _LOG, lambda w, b: {"since": _ago(2), "until": _ago(1), "last": 3}),  # noqa: E501
    Listed("accountBindings", Role.ADMIN, f"query @purpose(code: D) {{ accountBindings(pending: true) {{ nodes {{ login }} {PAGE} }} }}"),  # noqa: E501
    Listed("credentialResets", Role.AUDITOR, f"query @purpose(code: D) {{ credentialResets {{ totalCount nodes {{ login }} {PAGE} }} }}"),  # noqa: E501
    Listed("credentialResets", Role.ADMIN, f"query @purpose(code: D) {{ credentialResets(pending: true) {{ nodes {{ login }} {PAGE} }} }}"),  # noqa: E501
    Listed("openInquiries", Role.SUPPORT, f"query @purpose(code: C) {{ openInquiries(kind: APPLICATION) {{ nodes {{ id }} {PAGE} }} }}"),  # noqa: E501
    Listed("inquiries", Role.SUPPORT, f"query @purpose(code: D) {{ inquiries(kind: ADMINISTRATION) {{ nodes {{ id }} {PAGE} }} }}"),  # noqa: E501
]  # fmt: skip


class _Selects(logging.Handler):
    """Tortoise's asyncpg client logs each statement with its values."""

    def __init__(self) -> None:
        super().__init__(logging.DEBUG)
        self.sql: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        args = record.args
        if isinstance(args, tuple) and len(args) == 2 and str(args[0]).startswith("SELECT"):
            self.sql.append(str(args[0]))


def capturing() -> AbstractContextManager[_Selects]:
    return sql_log(_Selects())


async def generic_plan(sql: str) -> dict[str, Any]:
    """The generic plan PostgreSQL would cache for this statement, sequential scans off."""
    parameters = max((int(n) for n in re.findall(r"\$(\d+)", sql)), default=0)
    client: Any = get_connection("default")
    async with client.acquire_connection() as conn:
        await conn.execute("SET plan_cache_mode = force_generic_plan; SET enable_seqscan = off")
        await conn.execute(f"PREPARE plan_check AS {sql}")
        try:
            arguments = f"({', '.join(['NULL'] * parameters)})" if parameters else ""
            text = await conn.fetchval(f"EXPLAIN (FORMAT JSON) EXECUTE plan_check{arguments}")
        finally:
            await conn.execute("DEALLOCATE plan_check; RESET ALL")
    plan: dict[str, Any] = json.loads(text)[0]["Plan"]
    return plan


def _nodes(plan: dict[str, Any]) -> Iterator[dict[str, Any]]:
    yield plan
    for child in plan.get("Plans", ()):
        yield from _nodes(child)


def full_scans(plan: dict[str, Any]) -> list[str]:
    """Scans of large tables that read the whole table or walk a whole index filtering it."""
    found = []
    for node in _nodes(plan):
        table = node.get("Relation Name")
        if table is None or table in SMALL_TABLES:
            continue
        kind = node["Node Type"]
        if kind == "Seq Scan":
            found.append(f"Seq Scan on {table}")
        elif "Filter" in node and _walks_primary_key(node):
            found.append(f"{table} walked by primary key, filtering {node['Filter']}")
    return found


def _walks_primary_key(node: dict[str, Any]) -> bool:
    """An index scan (or the bitmap scans under a heap scan) on the primary key only, with
    no equality on it: the ids are walked and every row tested against the filter."""
    if node["Node Type"] == "Bitmap Heap Scan":
        scans = [child for child in _nodes(node) if child is not node and "Index Name" in child]
    elif node["Node Type"] in ("Index Scan", "Index Only Scan"):
        scans = [node]
    else:
        return False
    return bool(scans) and all(
        str(s["Index Name"]).endswith("_pkey")
        and "(id = " not in s.get("Index Cond", "")
        and not _time_window(node, s)
        for s in scans
    )


# Tables whose rows' ids are drawn within a bounded delay of their `at` (directives.audit,
# MAX_WRITE_DELAY): there a time window is an id range found on the `at` index
# (resolvers/audit/window.py), and a primary-key range filtered on `at` alone walks at most
# the window plus 2 x that delay. Anything else filtered on the way still fails.
TIME_BOUNDED = frozenset({"audit_request"})
_AT_ONLY = re.compile(r"^\(*(\(at (>=|<) \$\d+\)( AND )?)+\)*$")
_ID_RANGE = re.compile(r"^\(*(\(id (>|<) \$\d+\)( AND )?)+\)*$")


def _time_window(node: dict[str, Any], scan: dict[str, Any]) -> bool:
    return (
        node.get("Relation Name") in TIME_BOUNDED
        and bool(_AT_ONLY.match(str(node.get("Filter", ""))))
        and bool(_ID_RANGE.match(str(scan.get("Index Cond", ""))))
    )


def _listed_roots(schema: PrivacySchema) -> set[str]:
    roots = set()
    for name, root in schema._schema.query_type.fields.items():  # type: ignore[union-attr]
        inner = root.type.of_type if isinstance(root.type, GraphQLNonNull) else root.type
        named = get_named_type(inner)
        if isinstance(inner, GraphQLList) or (named and named.name.endswith("Connection")):
            roots.add(name)
    return roots


def test_every_list_is_checked(schema: PrivacySchema) -> None:
    """Every root query of the operation policy is checked here or says why it needs not be;
    whatever its type (a list, a connection, or an object holding one)."""
    checked = {entry.root for entry in LISTS}
    assert set(QUERIES) - set(NOT_LISTS) - checked == set(), "roots neither checked nor exempt"
    assert checked & set(NOT_LISTS) == set(), "a root both checked and exempt"
    assert checked | set(NOT_LISTS) <= set(QUERIES), "a name that is no root query"
    assert _listed_roots(schema) <= checked | set(NOT_LISTS)


PAGING = frozenset({"first", "after", "last", "before"})


def _filters(schema: PrivacySchema, root: str) -> set[str]:
    """What a root can be asked to filter or sort by: each argument but the paging ones, each
    field of an input object, each value of a sort (`orderBy`: each picks its own index)."""
    found = set()
    field = schema._schema.query_type.fields[root]  # type: ignore[union-attr]
    for name, argument in field.args.items():
        if name in PAGING:
            continue
        named = get_named_type(argument.type)
        if isinstance(named, GraphQLInputObjectType):
            found |= {f"{root}.{name}.{inner}" for inner in named.fields}
        elif isinstance(named, GraphQLEnumType) and name == "orderBy":
            found |= {f"{root}.{name}={value}" for value in named.values}
        else:
            found.add(f"{root}.{name}")
    return found


def _used(entry: Listed, variables: dict[str, Any]) -> set[str]:
    """The filters an entry's document sets (literally or through a non-null variable)."""
    document = parse(entry.document)
    used = set()
    for definition in document.definitions:
        assert isinstance(definition, OperationDefinitionNode)
        for selection in definition.selection_set.selections:
            if not isinstance(selection, FieldNode) or selection.name.value != entry.root:
                continue
            for argument in selection.arguments or ():
                name = f"{entry.root}.{argument.name.value}"
                value = value_from_ast_untyped(argument.value, variables)
                if value is None or value is False:
                    continue
                used.add(name)
                if isinstance(value, dict):
                    used |= {f"{name}.{key}" for key, inner in value.items() if inner is not None}
                elif isinstance(value, str):
                    used.add(f"{name}={value}")
    return used


def test_every_filter_is_checked(schema: PrivacySchema, world: World, business: Business) -> None:
    offered = set().union(*(_filters(schema, root) for root in {e.root for e in LISTS}))
    used = set().union(*(_used(e, e.variables(world, business)) for e in LISTS))
    assert offered - used - set(NOT_FILTERS) == set(), "filters no entry of LISTS uses"
    assert set(NOT_FILTERS) <= offered, "an exemption for a filter no list offers"


def test_the_coverage_check_can_fail(schema: PrivacySchema) -> None:
    """A filter left out of every entry is found; a sort value counts only when used."""
    entry = Listed("securityEvents", Role.AUDITOR, _EVENTS)
    assert "securityEvents.kind" not in _used(entry, {"kind": None})
    assert "securityEvents.kind" in _used(entry, {"kind": "LOGIN_FAILURE"})
    assert "securityEvents.newestFirst" not in _used(entry, {"newestFirst": False})
    search = Listed("customerSearch", Role.SUPPORT, _search('{phone: "1"}', "NAME"))
    assert _used(search, {}) >= {"customerSearch.where.phone", "customerSearch.orderBy=NAME"}
    assert "customerSearch.orderBy=BIRTH_DATE" in _filters(schema, "customerSearch")
    assert "customerSearch.orderBy=BIRTH_DATE" not in _used(search, {})


def _case(entry: Listed) -> Any:
    marks = [pytest.mark.xfail(reason=entry.known_gap, strict=True)] if entry.known_gap else []
    return pytest.param(entry, marks=marks, id=f"{entry.root}-{entry.role.value}")


@postgres_only
@pytest.mark.parametrize("entry", [_case(e) for e in LISTS])
async def test_no_list_scans_a_large_table(
    schema: PrivacySchema, world: World, business: Business, entry: Listed
) -> None:
    with capturing() as selects:
        result, _ = await run(
            schema,
            entry.document,
            world.caller(entry.role),
            variables=entry.variables(world, business),
        )
    assert result.errors is None, result.errors
    assert selects.sql, "nothing was read: the check would be empty"
    for sql in selects.sql:
        assert full_scans(await generic_plan(sql)) == [], sql


@postgres_only
async def test_the_check_can_fail(world: World) -> None:
    """No index on fax: the filter walks the table, and the check says so."""
    unindexed = Customer.filter(fax="03-0000-0000").order_by("id").limit(3).sql()
    assert full_scans(await generic_plan(unindexed))
    paged = Customer.filter(fax="03-0000-0000", id__gt=10).order_by("id").limit(3).sql()
    assert full_scans(await generic_plan(paged))
    bare = Customer.filter(phone="03-0000-0000").order_by("id").limit(3).sql()
    assert full_scans(await generic_plan(bare)) == []
    # A time filter walks audit_request by id unless the id range bounds it (window.py);
    # with the range, a filter on anything but time still fails.
    since = datetime.now(UTC)
    walked = AuditRequest.filter(at__gte=since).order_by("-id").limit(3).sql()
    assert full_scans(await generic_plan(walked))
    windowed = AuditRequest.filter(at__gte=since, id__gt=10).order_by("-id").limit(3).sql()
    assert full_scans(await generic_plan(windowed)) == []
    other = AuditRequest.filter(role="AUDITOR", id__gt=10).order_by("-id").limit(3).sql()
    assert full_scans(await generic_plan(other))


# --- SQLite: the same rule read from EXPLAIN QUERY PLAN -----------------------------------

sqlite_only = pytest.mark.skipif(
    PG_URL is not None, reason="EXPLAIN QUERY PLAN is SQLite's: the SQLite pass runs this test"
)


class _SelectsWithValues(logging.Handler):
    def __init__(self) -> None:
        super().__init__(logging.DEBUG)
        self.statements: list[tuple[str, list[Any]]] = []

    def emit(self, record: logging.LogRecord) -> None:
        args = record.args
        if isinstance(args, tuple) and len(args) == 2 and str(args[0]).startswith("SELECT"):
            values = args[1]
            self.statements.append((str(args[0]), list(values) if isinstance(values, list) else []))


async def sqlite_plan(sql: str, values: list[Any]) -> list[str]:
    rows = await get_connection("default").execute_query_dict(f"EXPLAIN QUERY PLAN {sql}", values)
    return [str(row["detail"]) for row in rows]


def sqlite_full_scans(details: list[str]) -> list[str]:
    """`SCAN t` (the whole table, or a whole index walked) of a large table, or a sort of
    what was found (`USE TEMP B-TREE`: every match read before the first row is returned);
    `SEARCH t` is an index range or lookup."""
    return [
        line
        for line in details
        if (line.startswith("SCAN ") and line.split()[1] not in SMALL_TABLES)
        or line.startswith("USE TEMP B-TREE")
    ]


async def assert_page_reads(statements: list[tuple[str, list[Any]]]) -> None:
    """Each statement's SQLite plan walks no large table and sorts nothing."""
    for sql, values in statements:
        plan = await sqlite_plan(sql, values)
        if " WHERE " not in sql:  # the first page of all: the index walk stops at the limit
            plan = [line for line in plan if not re.match(r"SCAN \S+ USING INDEX ", line)]
        assert sqlite_full_scans(plan) == [], (sql, plan)


@sqlite_only
@pytest.mark.parametrize("entry", AUDIT_FILTERED, ids=["+".join(sorted(w)) for w in AUDIT_WHERE])
async def test_no_audit_filter_scans_on_sqlite(
    schema: PrivacySchema, world: World, business: Business, entry: Listed
) -> None:
    with sql_log(_SelectsWithValues()) as selects:
        result, _ = await run(
            schema,
            entry.document,
            world.caller(entry.role),
            variables=entry.variables(world, business),
        )
    assert result.errors is None, result.errors
    assert selects.statements, "nothing was read: the check would be empty"
    for sql, values in selects.statements:
        plan = await sqlite_plan(sql, values)
        assert sqlite_full_scans(plan) == [], (sql, plan)
    assert any("audit_entry" in sql for sql, _ in selects.statements)


# Security events and the access log list in time order (resolvers/audit/timeline.py): each
# filter, window, direction and cursor is a range of an (at, id) index, never a sort.
TIMELINES = [e for e in LISTS if e.root in ("securityEvents", "accessLog")]


@sqlite_only
@pytest.mark.parametrize("entry", TIMELINES, ids=[f"{e.root}-{n}" for n, e in enumerate(TIMELINES)])
async def test_event_lists_are_index_ranges_on_sqlite(
    schema: PrivacySchema, world: World, business: Business, entry: Listed
) -> None:
    with sql_log(_SelectsWithValues()) as selects:
        result, _ = await run(
            schema,
            entry.document,
            world.caller(entry.role),
            variables=entry.variables(world, business),
        )
    assert result.errors is None, result.errors
    reads = [(q, v) for q, v in selects.statements if not q.upper().startswith("SELECT COUNT")]
    assert reads, "nothing was read: the check would be empty"
    await assert_page_reads(reads)


@sqlite_only
async def test_the_sqlite_check_can_fail(world: World) -> None:
    """A time filter with no id bound walks the audit; an id bound makes it a range."""
    from models import AuditEntry

    since = datetime.now(UTC) - timedelta(days=1)
    walked = AuditEntry.filter(request__at__gte=since).order_by("-request_id", "-id").limit(3)
    assert sqlite_full_scans(await sqlite_plan(walked.sql(), [since.isoformat(" "), 3]))
    bounded = walked.filter(request_id__gt=10)
    values = [since.isoformat(" "), 10, 3]
    assert sqlite_full_scans(await sqlite_plan(bounded.sql(), values)) == []


# customerSearch's keys (gap 14): a phone without hyphens and an e-mail in lower case are
# expressions, served by the expression indexes of migration 0019 on SQLite too.
SEARCHES = {
    "phone": (_search('{phone: "090-0000-0000"}'), False),
    "phone-typed": (_search('{phone: "０９０ー００００ー００００"}'), False),
    "email": (_search('{email: "A@Example.JP"}'), False),
    "email-second-page": (_search('{email: "HANAKO0@Mail.Example"}'), True),
    "nameKana": (_search('{nameKana: "ｽｽﾞｷ ﾊﾅｺ"}'), False),
}


@sqlite_only
@pytest.mark.parametrize(("document", "second"), SEARCHES.values(), ids=SEARCHES.keys())
async def test_customer_search_keys_are_index_ranges_on_sqlite(
    schema: PrivacySchema, world: World, business: Business, document: str, second: bool
) -> None:
    variables = _second_page(world, business) if second else {}
    with sql_log(_SelectsWithValues()) as selects:
        result, _ = await run(schema, document, world.caller(Role.SUPPORT), variables=variables)
    assert result.errors is None, result.errors
    reads = [(sql, values) for sql, values in selects.statements if '"customer"' in sql]
    assert reads, "nothing was read: the check would be empty"
    plans = [await sqlite_plan(sql, values) for sql, values in reads]
    for (sql, _), plan in zip(reads, plans, strict=True):
        assert sqlite_full_scans(plan) == [], (sql, plan)
    # The page itself is read from the search key's index (a cursor's row, by primary key).
    assert any("key_id" in line or "name_kana" in line for plan in plans for line in plan), plans


@sqlite_only
async def test_the_search_key_check_can_fail(world: World) -> None:
    """The key compared as a different expression than the index's is a walk of the table."""
    from tortoise.expressions import RawSQL

    other = RawSQL("""replace("customer"."phone", ' ', '')""")
    walked = Customer.annotate(k=other).filter(k="09000000000").order_by("id").limit(3)
    assert sqlite_full_scans(await sqlite_plan(walked.sql(), ["09000000000", 3]))


# --- SQLite: what runs on the event loop's thread --------------------------------------------
# models/sqlite_client.py runs reads marked small on the loop's own thread when their plan is
# index searches alone. Every list's statements that ran there are read from EXPLAIN QUERY
# PLAN again: none walks a whole large table or sorts what it found. (Without the client's own
# plan check, five lists failed here: SQLite sorts or walks where PostgreSQL uses an index.)


@sqlite_only
@pytest.mark.parametrize("entry", [pytest.param(e, id=f"{e.root}-{e.role.value}") for e in LISTS])
async def test_reads_on_the_event_loop_thread_are_index_reads(
    schema: PrivacySchema,
    world: World,
    business: Business,
    entry: Listed,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from models.sqlite_client import SmallReadClient

    here: list[tuple[str, list[Any]]] = []
    read_here = SmallReadClient._read_here

    async def recorded(self: SmallReadClient, query: str, values: list[Any] | None) -> Any:
        rows = await read_here(self, query, values)
        if rows is not None:  # read here, not sent on to aiosqlite's thread
            here.append((query, list(values or [])))
        return rows

    monkeypatch.setattr(SmallReadClient, "_read_here", recorded)
    result, _ = await run(
        schema, entry.document, world.caller(entry.role), variables=entry.variables(world, business)
    )
    monkeypatch.undo()
    assert result.errors is None, result.errors
    await assert_page_reads(here)
