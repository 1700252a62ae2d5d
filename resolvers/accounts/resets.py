"""Four-eyes credential resets (auth.resets) as GraphQL: the administrators' two steps, and
the list administrators and auditors read."""

from __future__ import annotations

import strawberry

from auth import resets
from directives.scope import SubjectKind
from directives.usage import uses
from models import Account, CredentialReset
from notify.references import SENT_TO
from resolvers.accounts.mutation import attempt_of
from resolvers.paging import fetch_page
from schema.accounts.resets import CredentialResetConnection, CredentialResetInfo
from schema.context import Info, caller_of
from schema.page import PageRequest

SUBJECT_KINDS = {"customer": SubjectKind.CUSTOMER, "agent": SubjectKind.AGENT}


@strawberry.type
class ResetQuery:
    @strawberry.field(
        description="Four-eyes resets of accounts' credentials, oldest first. `pending`: "
        "those still waiting for a second administrator."
    )
    async def credential_resets(
        self,
        pending: bool = False,
        first: int | None = None,
        after: str | None = None,
        last: int | None = None,
        before: str | None = None,
    ) -> CredentialResetConnection:
        query = CredentialReset.filter(open=True) if pending else CredentialReset.all()
        rows, page = await fetch_page(query, PageRequest.parse(first, after, last, before))
        logins = dict(
            await Account.filter(id__in=[r.account_id for r in rows]).values_list("id", "login")
        )
        return CredentialResetConnection(
            nodes=[CredentialResetInfo.from_row(r, str(logins[r.account_id])) for r in rows],
            page_info=page,
            count=query.count,
        )


@strawberry.type
class ResetMutation:
    @strawberry.mutation(
        description="Ask to reset another account's password (and its second factor, if "
        "`secondFactor`). Nothing changes until another administrator approves. A staff "
        "account: your part of the temporary password is in this answer, once."
    )
    async def request_credential_reset(
        self, info: Info, login: str, second_factor: bool = False
    ) -> CredentialResetInfo:
        done = await resets.request(
            attempt_of(info), admin=caller_of(info).login, login_id=login,
            second_factor=second_factor,
        )  # fmt: skip
        return CredentialResetInfo.from_reset(done)

    @strawberry.mutation(
        description="Four eyes: another administrator than the requester approves the reset. "
        "Every session and API token of the account ends. A login bound to a person: a new "
        "activation code goes to the contact details on record. A staff account: your part "
        "of the temporary password is in this answer, once."
    )
    async def approve_credential_reset(self, info: Info, login: str) -> CredentialResetInfo:
        done = await resets.approve(attempt_of(info), admin=caller_of(info).login, login_id=login)
        if done.channel is not None:  # the contact details on record were used: audited
            account = await Account.get(login=login)
            kind, subject = (
                (SUBJECT_KINDS["customer"], account.customer_id)
                if account.customer_id is not None
                else (SUBJECT_KINDS["agent"], account.agent_id)
            )
            use = uses(info.context.audit, kind.value, kind.value, SENT_TO[done.channel])
            use.subjects([subject] if subject is not None else [])
        return CredentialResetInfo.from_reset(done)
