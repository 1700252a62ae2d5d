"""Who a row is about, and how the caller stands to that person (pure)."""

from __future__ import annotations

from enum import StrEnum
from typing import NamedTuple

from directives.consent import CONSENT_PURPOSES
from directives.context import Caller
from directives.vocabulary import Category, Purpose, Relation, Role


class SubjectKind(StrEnum):
    CUSTOMER = "Customer"
    AGENT = "Agent"
    CONTACT = "Contact"  # a customer company's staff member without a user ID (P7.2)
    REQUESTER = "Requester"  # who made a rights request (P7.3); `customer_id` if one is held


class Subject(NamedTuple):
    """The person a returned object is about (a tuple: built once per returned row)."""

    kind: SubjectKind
    id: int
    agent_id: int | None = None  # for a customer or contact: the agent who brought them in
    # None: not known to the type that built the subject (see `withdrawn_of`).
    consent_withdrawn: frozenset[Purpose] | None = None
    customer_id: int | None = None  # for a contact: the customer (ID holder) it belongs to


def withdrawn_of(subject: Subject) -> frozenset[Purpose]:
    """The uses the person behind `subject` withdrew from. A customer's (or its contact's)
    consent that the subject does not carry counts as withdrawn from every use needing
    consent (P5): a type derived from a customer that forgets it fails closed."""
    if subject.consent_withdrawn is not None:
        return subject.consent_withdrawn
    return frozenset() if subject.kind is SubjectKind.AGENT else CONSENT_PURPOSES


def relation(caller: Caller | None, subject: Subject) -> Relation:
    if caller is None:
        return Relation.NONE
    if subject.kind is not SubjectKind.AGENT:
        holder = subject.id if subject.kind is SubjectKind.CUSTOMER else subject.customer_id
        if caller.customer_id is not None and caller.customer_id == holder:
            return Relation.SELF  # one's own record, or one's contacts kept as holder (P7.2)
        if caller.role is Role.AGENT:
            own = caller.agent_id is not None and subject.agent_id == caller.agent_id
            return Relation.OWN_CUSTOMER if own else Relation.NONE
        if caller.role is Role.PARTNER:
            return Relation.PARTNER_CUSTOMER if permitted(caller, subject) else Relation.NONE
    elif caller.agent_id == subject.id:
        return Relation.SELF
    return Relation.ANY if caller.is_staff else Relation.NONE


def permitted(caller: Caller | None, subject: Subject) -> frozenset[Category] | None:
    """The categories a partner's NDAs let it receive about this person (P8.1; empty: none,
    including a contact, whom no NDA covers); None for every other caller."""
    if caller is None or caller.role is not Role.PARTNER:
        return None
    if caller.partner is None or subject.kind is not SubjectKind.CUSTOMER:
        return frozenset()
    return caller.partner.customers.get(subject.id, frozenset())
