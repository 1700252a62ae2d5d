"""An issued invoice (P5.E): immutable, addressed as it was when issued. The billing name and
address are personal values of the customer and go through the enforcement point."""

from __future__ import annotations

from datetime import date

import strawberry

from directives.personal import personal
from directives.scope import Subject, SubjectKind
from directives.vocabulary import Category, Purpose
from models import Invoice as InvoiceRow
from models import InvoiceLine as InvoiceLineRow
from models import Payment as PaymentRow
from models.billing import LineKind
from schema.context import Context
from schema.people.customer import Customer, load_customer

BILLING = frozenset({Purpose.E})  # the address on an invoice serves billing alone
strawberry.enum(LineKind, description="What an invoice line bills.")


@strawberry.type(description="The plan or an option service on an invoice, or an adjustment.")
class InvoiceLine:
    kind: LineKind
    # Free text: a correction's reason is typed by billing staff and may say anything.
    description: str | None = personal(Category.FREE_TEXT, purposes=BILLING)
    amount: int = strawberry.field(description="Yen.")
    customer_id: strawberry.Private[int]

    def privacy_subject(self) -> Subject:
        return Subject(SubjectKind.CUSTOMER, self.customer_id)

    @classmethod
    def from_model(cls, row: InvoiceLineRow, *, customer_id: int) -> InvoiceLine:
        return cls(
            kind=row.kind, description=row.description, amount=row.amount, customer_id=customer_id
        )


@strawberry.type(description="Money received against an invoice.")
class Payment:
    id: strawberry.ID
    amount: int = strawberry.field(description="Yen.")
    received_on: date
    method: str

    @classmethod
    def from_model(cls, row: PaymentRow) -> Payment:
        return cls(
            id=strawberry.ID(str(row.id)),
            amount=row.amount,
            received_on=row.received_on,
            method=row.method,
        )


@strawberry.type(description="A monthly invoice (P5.E). Corrections are new invoices.")
class Invoice:
    id: strawberry.ID
    period: date = strawberry.field(description="First day of the billed month.")
    issued_on: date
    due_on: date
    total: int = strawberry.field(description="Yen.")
    billing_name: str | None = personal(Category.NAME, purposes=BILLING)
    billing_postal_code: str | None = personal(Category.POSTAL_CODE, purposes=BILLING)
    billing_address: str | None = personal(Category.ADDRESS, purposes=BILLING)
    corrects_id: strawberry.ID | None = strawberry.field(description="The invoice corrected.")
    credit: int = strawberry.field(
        description="Yen already paid on the invoices this one corrects (0 for an original)."
    )
    row_id: strawberry.Private[int]
    customer_id: strawberry.Private[int]

    @strawberry.field(description="Plan and option lines.")
    async def lines(self, info: strawberry.Info[Context, None]) -> list[InvoiceLine]:
        rows = await info.context.loaders.lines_of_invoice.load(self.row_id)
        return [InvoiceLine.from_model(r, customer_id=self.customer_id) for r in rows]

    @strawberry.field(description="Payments received.")
    async def payments(self, info: strawberry.Info[Context, None]) -> list[Payment]:
        rows = await info.context.loaders.payments_of_invoice.load(self.row_id)
        return [Payment.from_model(r) for r in rows]

    @strawberry.field(
        description="Yen still due: total minus credit minus payments received (negative: "
        "owed back). 0 once corrected: the correction carries what is due."
    )
    async def balance(self, info: strawberry.Info[Context, None]) -> int:
        loaders = info.context.loaders
        if await loaders.corrections_of_invoice.load(self.row_id):
            return 0
        rows = await loaders.payments_of_invoice.load(self.row_id)
        return self.total - self.credit - sum(r.amount for r in rows)

    @strawberry.field(description="The customer billed, if in your scope.")
    async def customer(self, info: strawberry.Info[Context, None]) -> Customer | None:
        return await load_customer(info, self.customer_id)

    def privacy_subject(self) -> Subject:
        return Subject(SubjectKind.CUSTOMER, self.customer_id)

    @classmethod
    def from_model(cls, row: InvoiceRow) -> Invoice:
        return cls(
            id=strawberry.ID(str(row.id)),
            period=row.period,
            issued_on=row.issued_on,
            due_on=row.due_on,
            total=row.total,
            billing_name=row.billing_name,
            billing_postal_code=row.billing_postal_code,
            billing_address=row.billing_address,
            corrects_id=strawberry.ID(str(row.corrects_id)) if row.corrects_id else None,
            credit=row.credit,
            row_id=row.id,
            customer_id=row.customer_id,
        )
