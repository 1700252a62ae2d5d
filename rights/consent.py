"""Consent as records (P5): every grant and withdrawal is appended with who, which use, when,
through which channel, under which policy version and with which notice text; the current
state is kept in the same transaction where filters read it (`directives.consent`).

Uses: G and H (P5 purposes the person may refuse: the consent columns of `Customer`), and
named uses outside A-H defined by the operator (nothing without a consent in force).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum

from tortoise.backends.base.client import BaseDBAsyncClient
from tortoise.transactions import in_transaction

from directives.consent import CONSENT_COLUMN
from directives.errors import PrivacyError
from directives.policy_versions import in_force, valid_consent_versions
from directives.reasons import ReasonCode, refused
from directives.vocabulary import Purpose
from models import ConsentInForce, ConsentRecord, Customer, NamedUse
from models.rights import ConsentAction, ConsentChannel

NAMED_USE_CODE = re.compile(r"[a-z][a-z0-9-]{2,39}")


@dataclass(frozen=True, slots=True)
class Recorder:
    """Who records a decision: the person (login, CUSTOMER) or staff taking it down."""

    login: str
    role: str


def _bad(reason: ReasonCode, message: str, *fields: str) -> PrivacyError:
    return refused(reason, message, fields=fields)


async def define_named_use(
    *, code: str, base: Purpose, description: str, notice_text: str, by: Recorder, at: datetime
) -> NamedUse:
    """A use outside A-H (P5): reached the way `base` (G or H) reaches people, and only those
    with a consent to it in force."""
    if base not in CONSENT_COLUMN:
        raise _bad(ReasonCode.NOT_CONSENT_BASED, "A named use is based on G or H.", "base")
    if not NAMED_USE_CODE.fullmatch(code):
        raise _bad(
            ReasonCode.INVALID_VALUE,
            "A named use's code is 3-40 lowercase letters, digits or '-'.",
            "code",
        )
    if not description.strip() or not notice_text.strip():
        raise _bad(
            ReasonCode.INVALID_VALUE,
            "A named use needs a description and the notice text shown to people.",
            "description",
            "noticeText",
        )
    if await NamedUse.exists(code=code):
        raise _bad(ReasonCode.NAMED_USE_EXISTS, "This named use already exists.", "code")
    return await NamedUse.create(
        code=code,
        base=base.value,
        description=description.strip()[:400],
        notice_text=notice_text.strip(),
        defined_by=by.login,
        defined_at=at,
        policy_version=in_force(at).id,
    )


async def notice_for(use: str) -> str:
    """The notice text shown for `use`; refuses uses that are neither G, H nor defined."""
    purpose = next((p for p in CONSENT_COLUMN if p.value == use), None)
    if purpose is not None:
        return Purpose(purpose).description
    named = await NamedUse.get_or_none(code=use)
    if named is None:
        raise _bad(
            ReasonCode.UNKNOWN_USE, "Consent is recorded for G, H or a defined named use.", "use"
        )
    return named.notice_text


async def record_consent(
    *,
    customer_id: int,
    use: str,
    granted: bool,
    channel: ConsentChannel,
    by: Recorder,
    at: datetime,
    conn: BaseDBAsyncClient | None = None,
) -> ConsentRecord:
    """Append the decision and set the current state, in one transaction: a withdrawal takes
    effect for every later operation at once."""
    notice = await notice_for(use)
    if conn is None:
        async with in_transaction() as own:
            return await _record(customer_id, use, granted, channel, by, at, notice, own)
    return await _record(customer_id, use, granted, channel, by, at, notice, conn)


async def _record(
    customer_id: int,
    use: str,
    granted: bool,
    channel: ConsentChannel,
    by: Recorder,
    at: datetime,
    notice: str,
    conn: BaseDBAsyncClient,
) -> ConsentRecord:
    version = in_force(at).id
    record = await ConsentRecord.create(
        customer_id=customer_id,
        use=use,
        action=ConsentAction.GRANTED if granted else ConsentAction.WITHDRAWN,
        at=at,
        channel=channel,
        policy_version=version,
        notice_text=notice,
        recorded_by=by.login,
        recorded_role=by.role,
        using_db=conn,
    )
    column = next((c for p, c in CONSENT_COLUMN.items() if p.value == use), None)
    if column is not None:
        await Customer.filter(id=customer_id).using_db(conn).update(**{column: not granted})
        return record
    await ConsentInForce.filter(customer_id=customer_id, use=use).using_db(conn).delete()
    if granted:
        await ConsentInForce.create(
            customer_id=customer_id, use=use, since=at, policy_version=version, using_db=conn
        )
    return record


class ConsentState(StrEnum):
    IN_FORCE = "IN_FORCE"
    WITHDRAWN = "WITHDRAWN"
    NOT_GIVEN = "NOT_GIVEN"  # a named use never consented to: no use (P5)
    RENEWAL_NEEDED = "RENEWAL_NEEDED"  # a later policy version asks again (P11)


@dataclass(frozen=True, slots=True)
class UseStatus:
    use: str
    description: str
    notice_text: str  # what the person is shown when asked (again)
    state: ConsentState
    last: ConsentRecord | None


async def consent_status(customer: Customer, at: datetime) -> list[UseStatus]:
    """Where the person stands on G, H and every named use, with the notice to show."""
    records = await ConsentRecord.filter(customer_id=customer.id).order_by("id")
    last = {r.use: r for r in records}
    statuses = []
    for purpose, column in CONSENT_COLUMN.items():
        state = ConsentState.WITHDRAWN if getattr(customer, column) else ConsentState.IN_FORCE
        text = purpose.description
        statuses.append(UseStatus(purpose.value, text, text, state, last.get(purpose.value)))
    held = {c.use: c for c in await ConsentInForce.filter(customer_id=customer.id)}
    for named in await NamedUse.all().order_by("code"):
        statuses.append(
            UseStatus(
                named.code,
                named.description,
                named.notice_text,
                _named_state(named.code, held.get(named.code), last.get(named.code), at),
                last.get(named.code),
            )
        )
    return statuses


def _named_state(
    use: str, held: ConsentInForce | None, last: ConsentRecord | None, at: datetime
) -> ConsentState:
    if held is not None:
        valid = held.policy_version in valid_consent_versions(use, at)
        return ConsentState.IN_FORCE if valid else ConsentState.RENEWAL_NEEDED
    if last is not None and last.action is ConsentAction.WITHDRAWN:
        return ConsentState.WITHDRAWN
    return ConsentState.NOT_GIVEN
