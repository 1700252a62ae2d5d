"""The Customer type: every P1 item, each tagged @personal."""

from __future__ import annotations

from typing import TYPE_CHECKING, Annotated

import strawberry

from directives.consent import withdrawn
from directives.operations import inquiry_kinds_or_refuse
from directives.personal import personal
from directives.scope import Subject, SubjectKind
from directives.vocabulary import Category
from models import Customer as CustomerRow
from rights.history import CUSTOMER_COLUMNS, past_of, snapshot, versions
from schema.context import Context
from schema.links import admit_like
from schema.people.agent import Agent
from schema.people.contact import Contact
from schema.people.history import CustomerVersion

if TYPE_CHECKING:
    from schema.billing.invoice import Invoice
    from schema.inquiries.inquiry import Inquiry
    from schema.sales.contract import Contract

# The linked types import this one: Strawberry resolves them lazily.
LazyContract = Annotated["Contract", strawberry.lazy("schema.sales.contract")]
LazyInvoice = Annotated["Invoice", strawberry.lazy("schema.billing.invoice")]
LazyInquiry = Annotated["Inquiry", strawberry.lazy("schema.inquiries.inquiry")]


@strawberry.type(description="A customer of the CRM service.")
class Customer:
    id: strawberry.ID
    name: str | None = personal(Category.NAME)
    name_kana: str | None = personal(Category.NAME, description="Name in kana.")
    birth_date: str | None = personal(Category.BIRTH_DATE, description="ISO 8601 date.")
    postal_code: str | None = personal(Category.POSTAL_CODE)
    address: str | None = personal(Category.ADDRESS)
    phone: str | None = personal(Category.PHONE)
    fax: str | None = personal(Category.FAX)
    email: str | None = personal(Category.EMAIL)
    bank_name: str | None = personal(Category.BANK_ACCOUNT_HOLDER)
    bank_branch: str | None = personal(Category.BANK_ACCOUNT_HOLDER)
    account_type: str
    account_number: str | None = personal(Category.BANK_ACCOUNT_NUMBER)
    account_holder: str | None = personal(Category.BANK_ACCOUNT_HOLDER)
    survey_opt_out: bool
    marketing_opt_out: bool
    version: int = strawberry.field(description="Bumped on every change; past values are kept.")
    row_id: strawberry.Private[int]
    agent_id: strawberry.Private[int | None]

    @strawberry.field(description="The agent who brought this customer in, if visible to you.")
    async def agent(self, info: strawberry.Info[Context, None]) -> Agent | None:
        if self.agent_id is None:
            return None
        row = await info.context.loaders.agent.load(self.agent_id)
        return Agent.from_model(row) if row is not None else None

    @strawberry.field(description="Contacts kept under this customer's user ID (P7.2).")
    async def contacts(self, info: strawberry.Info[Context, None]) -> list[Contact]:
        rows = await info.context.loaders.contacts_of_customer.load(self.row_id)
        holder = self.privacy_subject()
        return [Contact.from_model(row, holder=holder) for row in rows]

    @strawberry.field(
        description="This customer's contracts, oldest first, as `contracts` lists them to "
        "you (same roles and purposes; refused with the same code otherwise)."
    )
    async def contracts(self, info: strawberry.Info[Context, None]) -> list[LazyContract] | None:
        from schema.sales.contract import Contract

        admit_like(info, "contracts")
        rows = await info.context.loaders.contracts_of_customer.load(self.row_id)
        return [Contract.from_model(row) for row in rows]

    @strawberry.field(
        description="This customer's invoices, oldest first, as `invoices` lists them to you "
        "(same roles and purposes; refused with the same code otherwise)."
    )
    async def invoices(self, info: strawberry.Info[Context, None]) -> list[LazyInvoice] | None:
        from schema.billing.invoice import Invoice

        admit_like(info, "invoices")
        rows = await info.context.loaders.invoices_of_customer.load(self.row_id)
        return [Invoice.from_model(row) for row in rows]

    @strawberry.field(
        description="This customer's inquiries with their answers, oldest first, as "
        "`inquiries` lists them to you: all of your own; for support, those of the kind the "
        "declared purpose serves (C: applications, D: administration)."
    )
    async def inquiries(self, info: strawberry.Info[Context, None]) -> list[LazyInquiry] | None:
        from schema.inquiries.inquiry import Inquiry

        admit_like(info, "inquiries")
        caller = info.context.caller
        own = caller is not None and caller.customer_id == self.row_id
        kinds = inquiry_kinds_or_refuse(info.context.purpose, own=own)
        rows = await info.context.loaders.inquiries_of_customer.load(self.row_id)
        return [Inquiry.from_model(row) for row in rows if row.kind in kinds]

    @strawberry.field(
        description="Every version of this record, oldest first, the current one last (P3.4)."
    )
    async def history(self, info: strawberry.Info[Context, None]) -> list[CustomerVersion]:
        row = await info.context.loaders.customer.load(self.row_id)
        if row is None:
            return []
        stored = await info.context.loaders.versions_of_customer.load(self.row_id)
        laid = versions(
            current=snapshot(row, CUSTOMER_COLUMNS),
            number=row.version,
            created_at=row.created_at,
            past=[past_of(p) for p in stored],
        )
        subject = self.privacy_subject()
        return [CustomerVersion.build(v, subject=subject) for v in laid]

    def privacy_subject(self) -> Subject:
        consent = withdrawn(
            survey_opt_out=self.survey_opt_out, marketing_opt_out=self.marketing_opt_out
        )
        return Subject(
            SubjectKind.CUSTOMER, self.row_id, agent_id=self.agent_id, consent_withdrawn=consent
        )

    @classmethod
    def from_model(cls, row: CustomerRow) -> Customer:
        return cls(
            id=strawberry.ID(str(row.id)),
            name=row.name,
            name_kana=row.name_kana,
            birth_date=row.birth_date.isoformat() if row.birth_date else None,
            postal_code=row.postal_code,
            address=row.address,
            phone=row.phone,
            fax=row.fax,
            email=row.email,
            bank_name=row.bank_name,
            bank_branch=row.bank_branch,
            account_type=row.account_type,
            account_number=row.account_number,
            account_holder=row.account_holder,
            survey_opt_out=row.survey_opt_out,
            marketing_opt_out=row.marketing_opt_out,
            version=row.version,
            row_id=row.id,
            agent_id=row.agent_id,
        )


async def load_customer(
    info: strawberry.Info[Context, None], customer_id: int | None
) -> Customer | None:
    """The customer by id through the request's scoped loader: None if out of scope."""
    if customer_id is None:
        return None
    row = await info.context.loaders.customer.load(customer_id)
    return Customer.from_model(row) if row is not None else None
