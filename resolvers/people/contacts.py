"""P7.2: the ID holder lists, adds and changes the contacts kept under its customer record."""

from __future__ import annotations

from datetime import UTC, datetime

import strawberry
from tortoise.transactions import in_transaction

from directives.errors import ErrorCode, PrivacyError
from directives.reasons import ReasonCode, refused
from models import Contact as ContactRow
from models import Customer as CustomerRow
from models.people import Actor
from resolvers.validation import (
    ANY_TEXT,
    NAME,
    OPTIONAL_EMAIL,
    OPTIONAL_PHONE,
    Rule,
    rule,
    validated,
)
from rights.history import CONTACT_COLUMNS, snapshot
from schema.context import Info, caller_of
from schema.page import parse_row_id
from schema.people.contact import Contact
from schema.people.customer import Customer

_RULES: dict[str, Rule] = {
    "name": NAME,
    "department": rule(ANY_TEXT, 120),
    "phone": OPTIONAL_PHONE,
    "email": OPTIONAL_EMAIL,
}


@strawberry.input
class ContactInput:
    name: str | None = None
    department: str | None = None
    phone: str | None = None
    email: str | None = None


async def acting_contact(customer_id: int, contact_id: strawberry.ID | None) -> int | None:
    """The contact, kept under this customer, who asked for a change made through the
    holder's ID (P7.2); None when the holder acts for itself."""
    if contact_id is None:
        return None
    row = await ContactRow.get_or_none(id=parse_row_id(contact_id), customer_id=customer_id)
    if row is None:
        raise PrivacyError(ErrorCode.NOT_FOUND, "No such contact.")
    return row.id


async def _holder(info: Info) -> CustomerRow:
    customer = await CustomerRow.get_or_none(id=caller_of(info).customer_id or 0)
    if customer is None:
        raise PrivacyError(ErrorCode.NOT_FOUND, "No customer record for this account.")
    return customer


@strawberry.type
class ContactMutation:
    @strawberry.mutation(
        description="Add a contact under your customer record (P7.2); contacts cannot log in.",
    )
    async def add_contact(self, info: Info, input: ContactInput) -> Contact:
        customer = await _holder(info)
        values = validated(input, _RULES)
        if "name" not in values:
            raise refused(ReasonCode.INVALID_VALUE, "A contact needs a name.", fields=["name"])
        row = await ContactRow.create(customer_id=customer.id, **values)
        return Contact.from_model(row, holder=Customer.from_model(customer).privacy_subject())

    @strawberry.mutation(
        description="Change one of your contacts; the previous values are kept (P3.4). "
        "actingContactId: the contact who asked for the change, if not you.",
    )
    async def update_contact(
        self,
        info: Info,
        id: strawberry.ID,
        input: ContactInput,
        acting_contact_id: strawberry.ID | None = None,
    ) -> Contact:
        customer = await _holder(info)
        values = validated(input, _RULES)
        acting = await acting_contact(customer.id, acting_contact_id)
        async with in_transaction() as conn:
            row = (
                await ContactRow.filter(id=parse_row_id(id), customer_id=customer.id)
                .using_db(conn)
                .get_or_none()
            )
            if row is None:
                raise PrivacyError(ErrorCode.NOT_FOUND, "No such contact.")
            # P3.4: the values before the change, and when and by whom it was made.
            old = snapshot(row, CONTACT_COLUMNS)
            entry = {
                "version": row.version,
                "values": old,
                "at": datetime.now(UTC).isoformat(),
                "by": caller_of(info).login,
                "actor": (Actor.CONTACT if acting else Actor.HOLDER).value,
                "contact": acting,
            }
            history = [*row.history, entry]
            await (
                ContactRow.filter(id=row.id, version=row.version)
                .using_db(conn)
                .update(**values, version=row.version + 1, history=history)
            )
            fresh = await ContactRow.get(id=row.id, using_db=conn)
        return Contact.from_model(fresh, holder=Customer.from_model(customer).privacy_subject())

    @strawberry.mutation(
        description="Remove one of your contacts (P7.2): the contact and its past values are "
        "deleted. Returns the removed contact's id.",
    )
    async def delete_contact(self, info: Info, id: strawberry.ID) -> strawberry.ID:
        customer = await _holder(info)
        removed = await ContactRow.filter(id=parse_row_id(id), customer_id=customer.id).delete()
        if not removed:
            raise PrivacyError(ErrorCode.NOT_FOUND, "No such contact.")
        return id
