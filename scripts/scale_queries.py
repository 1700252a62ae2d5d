"""What `scripts/scale.py measure` times: every list, search and audit filter over the large
tables, as the role that would run it, with the values the seeding made (scale_seed.py)."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from scale_seed import ACTORS, RARE_ACTOR

from directives.context import Caller
from directives.vocabulary import Role
from models import Account, Agent, Customer

CUSTOMER_FIELDS = "id name nameKana phone email address"
CUSTOMERS = (
    "query Q($after: String) @purpose(code: {purpose}) {{ customers(first: 50, "
    "after: $after) {{ nodes {{ {fields} }} pageInfo {{ endCursor }} }} }}"
)
SEARCH = (
    "query Q($where: CustomerSearch, $order: CustomerOrder!, $after: String) "
    "@purpose(code: A) { customerSearch(where: $where, orderBy: $order, first: 50, "
    f"after: $after) {{ nodes {{ {CUSTOMER_FIELDS} }} pageInfo {{ endCursor }} }} }}"
)
EVENTS = (
    "query Q($kind: String, $actor: String, $since: DateTime, $until: DateTime, "
    "$after: String, $newest: Boolean! = false) @purpose(code: D) { securityEvents(kind: $kind, "
    "actor: $actor, since: $since, until: $until, first: 50, after: $after, newestFirst: "
    "$newest) { nodes { at kind actor } pageInfo { endCursor } } }"
)
ACCESS_LOG = (
    "query Q($since: DateTime, $until: DateTime, $after: String, $newest: Boolean! = false) "
    "@purpose(code: D) { accessLog(since: $since, until: $until, first: 50, after: $after, "
    "newestFirst: $newest) { nodes { at path status } pageInfo { endCursor } } }"
)
RESEARCH = (
    "query Q($after: String) @purpose(code: F) { researchRecords(first: 50, after: $after) "
    "{ nodes { pseudonym birthDate postalCode address } pageInfo { endCursor } } }"
)
AUDIT = (
    "query Q($filter: AuditFilter, $after: String) @purpose(code: D) { auditEvents("
    "filter: $filter, first: 50, after: $after) { nodes { subjectId at actor "
    "fields { field decision } } pageInfo { endCursor } } }"
)


@dataclass(frozen=True)
class ScaleQuery:
    label: str
    role: Role
    document: str
    variables: dict[str, Any] = field(default_factory=dict)
    runs: int | None = None  # at most this many timed runs (a query that takes seconds)


async def callers() -> dict[Role, Caller]:
    """One account per role used; the agent is the first seeded agent (83,000 customers)."""
    agent = await Agent.all().order_by("id").first()
    result = {}
    for role in (Role.BILLING, Role.SUPPORT, Role.AGENT, Role.AUDITOR, Role.ANALYST):
        account, _ = await Account.get_or_create(
            login=f"scale-{role.value.lower()}",
            defaults={"role": role, "agent_id": agent.id if agent and role is Role.AGENT else None},
        )
        result[role] = Caller(
            account_id=account.id, login=account.login, role=role, agent_id=account.agent_id
        )
    return result


async def _phone_and_email(first_id: int, half: int) -> tuple[str, str, str]:
    middle = await Customer.filter(id__gte=first_id + half).order_by("id").first()
    assert middle is not None, "seed first"
    return middle.phone, middle.email, middle.name


async def build_queries(deep_cursor: Any) -> list[ScaleQuery]:
    """`deep_cursor(model_order, row_id)` gives the cursor of a page starting after that row."""
    first = await Customer.all().order_by("id").first()
    assert first is not None, "seed first"
    half = await Customer.all().count() // 2  # 500,000 as seeded; less on a smaller seed
    phone, email, name = await _phone_and_email(first.id, half)
    deep = first.id + half
    busy = {"subjectType": "CUSTOMER", "subjectId": str(first.id)}
    quiet = {"subjectType": "CUSTOMER", "subjectId": str(first.id + half // 4 + 7)}
    return [
        ScaleQuery("customers (billing, first page)", Role.BILLING,
                   CUSTOMERS.format(purpose="E", fields=CUSTOMER_FIELDS)),
        ScaleQuery("customers (billing, deep page)", Role.BILLING,
                   CUSTOMERS.format(purpose="E", fields=CUSTOMER_FIELDS),
                   {"after": deep_cursor("id", deep)}),
        ScaleQuery("customers (agent: its 83,000)", Role.AGENT,
                   CUSTOMERS.format(purpose="A", fields=CUSTOMER_FIELDS)),
        ScaleQuery("agents", Role.BILLING,
                   "query @purpose(code: E) { agents(first: 50) { nodes { id name } } }"),
        ScaleQuery("search by phone", Role.SUPPORT, SEARCH,
                   {"where": {"phone": phone}, "order": "ID"}),
        ScaleQuery("search by e-mail", Role.SUPPORT, SEARCH,
                   {"where": {"email": email}, "order": "ID"}),
        ScaleQuery("search by name (about 100 match)", Role.SUPPORT, SEARCH,
                   {"where": {"name": name}, "order": "ID"}),
        ScaleQuery("search by name, sorted by kana", Role.SUPPORT, SEARCH,
                   {"where": {"name": name}, "order": "NAME_KANA"}),
        ScaleQuery("all, sorted by name", Role.SUPPORT, SEARCH, {"order": "NAME"}),
        ScaleQuery("all, sorted by kana", Role.SUPPORT, SEARCH, {"order": "NAME_KANA"}),
        ScaleQuery("all, sorted by name, deep page", Role.SUPPORT, SEARCH,
                   {"order": "NAME", "after": deep_cursor("name", deep)}),
        ScaleQuery("auditEvents (newest)", Role.AUDITOR, AUDIT),
        ScaleQuery("auditEvents actor (busy)", Role.AUDITOR, AUDIT,
                   {"filter": {"actor": "scale-actor-7"}}),
        ScaleQuery("auditEvents actor (rare)", Role.AUDITOR, AUDIT,
                   {"filter": {"actor": RARE_ACTOR}}),
        ScaleQuery("auditEvents purpose", Role.AUDITOR, AUDIT, {"filter": {"purpose": "E"}}),
        ScaleQuery("auditEvents subject (busy, 50,000 rows)", Role.AUDITOR, AUDIT,
                   {"filter": busy}),
        ScaleQuery("auditEvents subject (quiet)", Role.AUDITOR, AUDIT, {"filter": quiet}),
        ScaleQuery("auditEvents since 1 hour ago", Role.AUDITOR, AUDIT,
                   {"filter": {"since": _ago(hours=1)}}),
        ScaleQuery("auditEvents until 6 months ago", Role.AUDITOR, AUDIT,
                   {"filter": {"until": _ago(days=182)}}),
        ScaleQuery("auditEvents one day, 3 months ago", Role.AUDITOR, AUDIT,
                   {"filter": {"since": _ago(days=91), "until": _ago(days=90)}}),
        ScaleQuery(f"auditEvents actor + purpose ({ACTORS} actors)", Role.AUDITOR, AUDIT,
                   {"filter": {"actor": "scale-actor-3", "purpose": "D"}}),
        ScaleQuery("auditEvents actor (rare), one day", Role.AUDITOR, AUDIT,
                   {"filter": {"actor": RARE_ACTOR, "since": _ago(days=91),
                               "until": _ago(days=90)}}),
        ScaleQuery("auditEvents subject (busy), 6 months", Role.AUDITOR, AUDIT,
                   {"filter": {**busy, "since": _ago(days=270), "until": _ago(days=90)}}),
        ScaleQuery("securityEvents (oldest)", Role.AUDITOR, EVENTS),
        ScaleQuery("securityEvents (newest)", Role.AUDITOR, EVENTS, {"newest": True}),
        ScaleQuery("securityEvents kind", Role.AUDITOR, EVENTS, {"kind": "LOGIN_FAILURE"}),
        ScaleQuery("securityEvents actor (rare), newest", Role.AUDITOR, EVENTS,
                   {"actor": RARE_ACTOR, "newest": True}),
        ScaleQuery("securityEvents since 1 day ago", Role.AUDITOR, EVENTS,
                   {"since": _ago(days=1)}),
        ScaleQuery("securityEvents kind, one day 3 months ago", Role.AUDITOR, EVENTS,
                   {"kind": "LOGIN_FAILURE", "since": _ago(days=91), "until": _ago(days=90)}),
        ScaleQuery("accessLog (newest)", Role.AUDITOR, ACCESS_LOG, {"newest": True}),
        ScaleQuery("accessLog since 1 day ago", Role.AUDITOR, ACCESS_LOG, {"since": _ago(days=1)}),
        ScaleQuery("accessLog since 6 months ago", Role.AUDITOR, ACCESS_LOG,
                   {"since": _ago(days=182)}),
        ScaleQuery("accessLog until 6 months ago, newest", Role.AUDITOR, ACCESS_LOG,
                   {"until": _ago(days=182), "newest": True}),
        # Computed once per version of the population (README, Research): the warm-ups pay
        # for it, the timed runs read the release kept (scale_research.py: after a change).
        ScaleQuery("researchRecords (first page)", Role.ANALYST, RESEARCH),
    ]  # fmt: skip


def _ago(**delta: int) -> str:
    from datetime import UTC, datetime, timedelta

    return (datetime.now(UTC) - timedelta(**delta)).isoformat()
