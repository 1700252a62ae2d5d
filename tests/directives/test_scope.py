"""How a caller stands to the person a row is about: the `relation` table."""

from __future__ import annotations

import pytest

from directives.context import Caller
from directives.scope import Subject, SubjectKind, relation
from directives.vocabulary import Relation, Role

# Ids deliberately collide across tables (customer 1 / agent 1, customer 10 / agent 10): a
# customer id must never be mistaken for an agent id or the other way round.
CUSTOMER_1 = Caller(account_id=100, login="c1", role=Role.CUSTOMER, customer_id=1)
AGENT_10 = Caller(account_id=200, login="a10", role=Role.AGENT, agent_id=10)
AGENT_WITHOUT_RECORD = Caller(account_id=201, login="a-none", role=Role.AGENT)
CUSTOMER_WITHOUT_RECORD = Caller(account_id=101, login="c-none", role=Role.CUSTOMER)

OWN_CUSTOMER_1 = Subject(SubjectKind.CUSTOMER, 1, agent_id=10)  # customer 1, brought by agent 10
CUSTOMER_2_OF_10 = Subject(SubjectKind.CUSTOMER, 2, agent_id=10)
CUSTOMER_3_OF_20 = Subject(SubjectKind.CUSTOMER, 3, agent_id=20)
CUSTOMER_10_OF_20 = Subject(SubjectKind.CUSTOMER, 10, agent_id=20)
DIRECT_CUSTOMER_5 = Subject(SubjectKind.CUSTOMER, 5, agent_id=None)
AGENT_RECORD_1 = Subject(SubjectKind.AGENT, 1)
AGENT_RECORD_10 = Subject(SubjectKind.AGENT, 10)
AGENT_RECORD_20 = Subject(SubjectKind.AGENT, 20)

SUBJECTS = {
    "customer-1-of-agent-10": OWN_CUSTOMER_1,
    "customer-2-of-agent-10": CUSTOMER_2_OF_10,
    "customer-3-of-agent-20": CUSTOMER_3_OF_20,
    "customer-10-of-agent-20": CUSTOMER_10_OF_20,
    "direct-customer-5": DIRECT_CUSTOMER_5,
    "agent-1": AGENT_RECORD_1,
    "agent-10": AGENT_RECORD_10,
    "agent-20": AGENT_RECORD_20,
}

TABLE = [
    # A customer: their own record only.
    ("customer-1", CUSTOMER_1, "customer-1-of-agent-10", Relation.SELF),
    ("customer-1", CUSTOMER_1, "customer-2-of-agent-10", Relation.NONE),
    ("customer-1", CUSTOMER_1, "direct-customer-5", Relation.NONE),
    ("customer-1", CUSTOMER_1, "agent-10", Relation.NONE),  # the agent who brought them in
    ("customer-1", CUSTOMER_1, "agent-1", Relation.NONE),  # same id, other table
    ("customer-without-record", CUSTOMER_WITHOUT_RECORD, "direct-customer-5", Relation.NONE),
    ("customer-without-record", CUSTOMER_WITHOUT_RECORD, "agent-1", Relation.NONE),
    # An agent: its own customers and its own record.
    ("agent-10", AGENT_10, "customer-1-of-agent-10", Relation.OWN_CUSTOMER),
    ("agent-10", AGENT_10, "customer-2-of-agent-10", Relation.OWN_CUSTOMER),
    ("agent-10", AGENT_10, "customer-3-of-agent-20", Relation.NONE),
    ("agent-10", AGENT_10, "customer-10-of-agent-20", Relation.NONE),  # same id, other table
    ("agent-10", AGENT_10, "direct-customer-5", Relation.NONE),
    ("agent-10", AGENT_10, "agent-10", Relation.SELF),
    ("agent-10", AGENT_10, "agent-20", Relation.NONE),
    # An agent account not linked to an agent record owns nobody, not even direct customers.
    ("agent-without-record", AGENT_WITHOUT_RECORD, "direct-customer-5", Relation.NONE),
    ("agent-without-record", AGENT_WITHOUT_RECORD, "customer-1-of-agent-10", Relation.NONE),
    ("agent-without-record", AGENT_WITHOUT_RECORD, "agent-10", Relation.NONE),
]

STAFF_ROLES = [
    Role.SUPPORT,
    Role.BILLING,
    Role.MARKETING,
    Role.ANALYST,
    Role.ADMIN,
    Role.AUDITOR,
]


@pytest.mark.parametrize(
    ("caller", "subject", "expected"),
    [pytest.param(c, SUBJECTS[s], e, id=f"{name}-on-{s}") for name, c, s, e in TABLE],
)
def test_relation(caller: Caller, subject: Subject, expected: Relation) -> None:
    assert relation(caller, subject) is expected


@pytest.mark.parametrize("role", STAFF_ROLES)
@pytest.mark.parametrize("subject", list(SUBJECTS))
def test_staff_reach_any_record(role: Role, subject: str) -> None:
    staff = Caller(account_id=300, login=f"staff-{role.value.lower()}", role=role)
    assert relation(staff, SUBJECTS[subject]) is Relation.ANY


@pytest.mark.parametrize("subject", list(SUBJECTS))
def test_anonymous_caller_has_no_relation(subject: str) -> None:
    assert relation(None, SUBJECTS[subject]) is Relation.NONE
