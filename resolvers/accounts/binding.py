"""Identity binding (auth.binding) as GraphQL: the administrators' requests and approvals,
the person's activation, and the record auditors read."""

from __future__ import annotations

import strawberry

from auth import activation, binding
from directives.scope import SubjectKind
from directives.usage import uses
from models import Account, AccountBinding, Activation, Notification
from models.binding import Channel
from notify.references import SENT_TO
from resolvers.accounts.mutation import attempt_of, one_attempt
from resolvers.paging import fetch_page
from schema.accounts.binding import AccountBindingConnection, AccountBindingInfo
from schema.context import Info, caller_of
from schema.page import PageRequest

# The activation code goes to the contact details on record: a use of those values (sent to
# the person they are about, notify.references.SENT_TO), in the audit like a read.
SUBJECT_KINDS = {"customer": SubjectKind.CUSTOMER, "agent": SubjectKind.AGENT}


async def _info(row: AccountBinding) -> AccountBindingInfo:
    account = await Account.get(id=row.account_id)
    message = (
        await Notification.get_or_none(id=row.notification_id) if row.notification_id else None
    )
    return AccountBindingInfo.from_model(
        row,
        login=account.login,
        activation=account.activation,
        delivery=message.state if message else None,
    )


@strawberry.type
class BindingQuery:
    @strawberry.field(
        description="Logins bound to customers and agents: how each was bound, who requested "
        "and approved it, whether the person activated it. `pending`: those not yet active."
    )
    async def account_bindings(
        self,
        login: str | None = None,
        pending: bool = False,
        first: int | None = None,
        after: str | None = None,
        last: int | None = None,
        before: str | None = None,
    ) -> AccountBindingConnection:
        query = AccountBinding.all()
        if login is not None:
            query = query.filter(account__login=login)
        if pending:
            query = query.filter(account__activation__not=Activation.ACTIVE)
        rows, page = await fetch_page(query, PageRequest.parse(first, after, last, before))
        return AccountBindingConnection(nodes=[await _info(r) for r in rows], page_info=page)


@strawberry.type
class BindingMutation:
    @strawberry.mutation(
        description="Four eyes: another administrator than the requester approves binding a "
        "login to a customer or agent. The activation code goes to the person's contact "
        "details on record (e-mail, else a letter); it is never shown here."
    )
    async def approve_account_binding(self, info: Info, login: str) -> AccountBindingInfo:
        row = await binding.approve(attempt_of(info), admin=caller_of(info).login, login_id=login)
        if row.channel is not None:
            kind = SUBJECT_KINDS[row.subject_type]
            use = uses(info.context.audit, kind.value, kind.value, SENT_TO[Channel(row.channel)])
            use.subjects([row.subject_id])
        return await _info(row)

    @strawberry.mutation(
        description="The person's step: the activation code they received and a password of "
        "their own. Then log in as usual."
    )
    async def activate_account(self, info: Info, login: str, code: str, new_password: str) -> bool:
        await activation.activate(
            one_attempt(info), login_id=login, code=code, new_password=new_password
        )
        return True
