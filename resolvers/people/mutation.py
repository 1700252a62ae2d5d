"""Self-service: a customer keeps their own record (P7.1), past values kept (P3.4)."""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import Any

import strawberry
from tortoise.transactions import in_transaction

from directives.consent import CONSENT_COLUMN
from directives.errors import ErrorCode, PrivacyError
from directives.reasons import ReasonCode, refused
from models import Customer as CustomerRow
from models import CustomerVersion
from models.people import Actor
from models.rights import ConsentChannel
from resolvers.people.contacts import acting_contact
from resolvers.validation import (
    ANY_TEXT,
    EMAIL,
    KANA,
    NAME,
    OPTIONAL_PHONE,
    PHONE,
    Rule,
    rule,
    validated,
)
from rights.consent import Recorder, record_consent
from rights.history import CUSTOMER_COLUMNS, snapshot
from schema.context import Info, caller_of
from schema.people.customer import Customer


@strawberry.input(description="Fields to change; omitted fields stay as they are.")
class MyRecordInput:
    name: str | None = None
    name_kana: str | None = None
    birth_date: str | None = None
    postal_code: str | None = None
    address: str | None = None
    phone: str | None = None
    fax: str | None = None
    email: str | None = None
    bank_name: str | None = None
    bank_branch: str | None = None
    account_type: str | None = None
    account_number: str | None = None
    account_holder: str | None = None
    survey_opt_out: bool | None = None
    marketing_opt_out: bool | None = None


# Column -> what a new value must look like.
_RULES: dict[str, Rule] = {
    "name": NAME,
    "name_kana": KANA,
    "birth_date": rule(r"\d{4}-\d{2}-\d{2}", 10),
    "postal_code": rule(r"\d{3}-?\d{4}", 8),
    "address": rule(ANY_TEXT, 255),
    "phone": PHONE,
    "fax": OPTIONAL_PHONE,
    "email": EMAIL,
    "bank_name": rule(ANY_TEXT, 60),
    "bank_branch": rule(ANY_TEXT, 60),
    "account_type": rule(r"普通|当座|貯蓄", 10),
    "account_number": rule(r"\d{1,20}", 20),
    "account_holder": rule(ANY_TEXT, 120),
}


_CONSENT = tuple((purpose.value, column) for purpose, column in CONSENT_COLUMN.items())


def _changes(values: MyRecordInput) -> dict[str, Any]:
    changes = validated(values, _RULES)
    if "birth_date" in changes:
        changes["birth_date"] = _parse_date(changes["birth_date"])
    return changes


def _parse_date(value: str) -> date:
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise refused(
            ReasonCode.INVALID_VALUE, "Invalid value for birth_date.", fields=["birthDate"]
        ) from None


@strawberry.type
class PeopleMutation:
    @strawberry.mutation(
        description="Change your own customer record (P7.1). The previous values are kept as a "
        "new version (P3.4). actingContactId: one of your contacts who asked for the change "
        "through your ID (P7.2).",
    )
    async def update_my_record(
        self, info: Info, input: MyRecordInput, acting_contact_id: strawberry.ID | None = None
    ) -> Customer:
        caller = caller_of(info)
        changes = _changes(input)
        acting = await acting_contact(caller.customer_id or 0, acting_contact_id)
        # Consent columns change only through consent records (P5): who, when, how, notice.
        decisions = {use: changes.pop(column) for use, column in _CONSENT if column in changes}
        async with in_transaction() as conn:
            row = await CustomerRow.filter(id=caller.customer_id or 0).using_db(conn).get_or_none()
            if row is None:
                raise PrivacyError(ErrorCode.NOT_FOUND, "No customer record for this account.")
            await CustomerVersion.create(
                customer_id=row.id,
                version=row.version,
                values=snapshot(row, CUSTOMER_COLUMNS),
                changed_by=caller.login,
                actor=Actor.CONTACT if acting else Actor.HOLDER,
                contact_id=acting,
                using_db=conn,
            )
            updated = (
                await CustomerRow.filter(id=row.id, version=row.version)
                .using_db(conn)
                .update(**changes, version=row.version + 1)
            )
            # Zero when another request moved the version first. Not "!= 1": on SQLite,
            # Tortoise counts the rows triggers wrote too (total_changes), and a change to
            # what research reads writes one (migration 0026).
            if not updated:
                raise PrivacyError(
                    ErrorCode.CONFLICT,
                    "Record changed meanwhile; retry.",
                    reason=ReasonCode.CHANGED_MEANWHILE.value,
                )
            by = Recorder(login=caller.login, role=caller.role.value)
            for use, opt_out in decisions.items():
                await record_consent(
                    customer_id=row.id,
                    use=use,
                    granted=not opt_out,
                    channel=ConsentChannel.WEB,
                    by=by,
                    at=datetime.now(UTC),
                    conn=conn,
                )
            fresh = await CustomerRow.get(id=row.id, using_db=conn)
        return Customer.from_model(fresh)
