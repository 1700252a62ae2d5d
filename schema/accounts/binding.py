"""How each login bound to a person came to act as that person (auth.binding): for the
administrators who approve requests and the auditors who tell a person's own login from one an
operator made for them. Ids, logins, times and states only; never a code or an address."""

from __future__ import annotations

from datetime import datetime

import strawberry

from models import AccountBinding as BindingRow
from models import Activation, BindingMethod, Channel, DeliveryState
from schema.page import Connection

strawberry.enum(Activation, description="Whether a login may be used yet.")
strawberry.enum(
    BindingMethod,
    description="How a login was bound to its person: ACTIVATION_CODE (requested, approved "
    "by a second administrator, activated by the person with a code sent to the contact "
    "details on record), OPERATOR_SEED (the operator's own demo data), UNPROOFED (bound "
    "before identity proofing existed).",
)
strawberry.enum(Channel, name="DeliveryChannel", description="How a message reaches a person.")
strawberry.enum(DeliveryState, description="Delivery state of an outbox message.")


@strawberry.type(description="A login bound to a customer or an agent, and how.")
class AccountBindingInfo:
    login: str
    role: str
    subject_type: str
    subject_id: strawberry.ID
    method: BindingMethod
    activation: Activation
    requested_by: str
    requested_at: datetime
    approved_by: str | None
    approved_at: datetime | None
    channel: Channel | None = strawberry.field(description="Where the activation code went.")
    delivery: DeliveryState | None = strawberry.field(description="The code's message.")
    code_expires_at: datetime | None
    activated_at: datetime | None

    @classmethod
    def from_model(
        cls, row: BindingRow, *, login: str, activation: Activation, delivery: DeliveryState | None
    ) -> AccountBindingInfo:
        return cls(
            login=login,
            role=row.role,
            subject_type=row.subject_type,
            subject_id=strawberry.ID(str(row.subject_id)),
            method=row.method,
            activation=activation,
            requested_by=row.requested_by,
            requested_at=row.requested_at,
            approved_by=row.approved_by,
            approved_at=row.approved_at,
            channel=row.channel,
            delivery=delivery,
            code_expires_at=row.code_expires_at,
            activated_at=row.activated_at,
        )


@strawberry.type
class AccountBindingConnection(Connection[AccountBindingInfo]):
    """A page of account bindings."""
