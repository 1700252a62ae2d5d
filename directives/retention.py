"""The retention schedule (P7.4): what is kept how long after the clock starts, what happens
then, and why, in one table. Pure data and date arithmetic; `rights.retention` applies it.

The clock of a customer's data starts when its last contract is cancelled (the day after
`cancelled_on` of the latest contract, once none is active). A period "kept N years after"
ends on the anniversary; the data is due for the purge from the following day, never earlier.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from enum import StrEnum


class Action(StrEnum):
    ANONYMISE = "ANONYMISE"  # personal columns emptied, the row kept for what refers to it
    DELETE = "DELETE"
    KEEP = "KEEP"  # holds no personal value: kept


class Rule(StrEnum):
    PAYMENT_LINKED = "PAYMENT_LINKED"
    NO_PAYMENTS = "NO_PAYMENTS"
    PAST_VALUES = "PAST_VALUES"
    CONTACTS = "CONTACTS"
    INQUIRY_TEXT = "INQUIRY_TEXT"
    REQUEST_REPLY_TO = "REQUEST_REPLY_TO"
    CONSENT_RECORDS = "CONSENT_RECORDS"
    PROVISION_RECORDS = "PROVISION_RECORDS"
    INVOICE_ADDRESS = "INVOICE_ADDRESS"
    INVOICE_NAME = "INVOICE_NAME"
    AUDIT = "AUDIT"


@dataclass(frozen=True, slots=True)
class Retention:
    rule: Rule
    data: str
    clock: str  # when the period starts
    years: int  # kept this many years after the clock starts (0 with KEEP: indefinitely)
    action: Action
    legal_basis: str


SCHEDULE: tuple[Retention, ...] = (
    Retention(
        Rule.PAYMENT_LINKED,
        "Customer record of a customer with invoices or payments (name, address, bank account)",
        "cancellation of the last contract",
        7,
        Action.ANONYMISE,
        "P7.4; Corporation Tax Act art. 126 and its Enforcement Regulation art. 59: books and "
        "documents on transactions kept 7 years",
    ),
    Retention(
        Rule.NO_PAYMENTS,
        "Customer record of a customer never invoiced",
        "cancellation of the last contract",
        1,
        Action.ANONYMISE,
        "APPI art. 22: erase without delay once no longer needed; one year lets a former "
        "customer ask what is held (P7.3)",
    ),
    Retention(
        Rule.PAST_VALUES,
        "Past values of the customer record (P3.4)",
        "as the customer record",
        0,
        Action.DELETE,
        "Kept for the usage history (P3.4) as long as the record itself, deleted with it",
    ),
    Retention(
        Rule.CONTACTS,
        "Contacts kept under the customer (P7.2), with their past values",
        "as the customer record",
        0,
        Action.DELETE,
        "Reached only through the holder (P7.2): not kept beyond its record",
    ),
    Retention(
        Rule.INQUIRY_TEXT,
        "Inquiry subjects and messages (free text)",
        "cancellation of the last contract",
        1,
        Action.ANONYMISE,
        "APPI art. 22; the thread (kind, dates, status) stays as usage history without text",
    ),
    Retention(
        Rule.REQUEST_REPLY_TO,
        "Reply address of a disclosure, stop or deletion request",
        "the answer",
        1,
        Action.ANONYMISE,
        "APPI art. 22: needed only to deliver the answer and handle follow-ups",
    ),
    Retention(
        Rule.CONSENT_RECORDS,
        "Consent records (use, decision, time, channel, notice)",
        "-",
        0,
        Action.KEEP,
        "Proof of consent (P5); they hold no personal value",
    ),
    Retention(
        Rule.PROVISION_RECORDS,
        "Records of provision to third parties (recipient, person, field names, ground)",
        "the provision",
        3,
        Action.DELETE,
        "APPI art. 29(2) and its Enforcement Rules art. 21: kept 3 years from the provision "
        "(at least; `keep_until` on each record), then erased as no longer needed (art. 22)",
    ),
    Retention(
        Rule.INVOICE_ADDRESS,
        "Billing address and postal code printed on a former customer's invoices",
        "as the customer record",
        0,
        Action.ANONYMISE,
        "P7.4 keeps payment records 7 years; the invoice a tax record must keep names the "
        "recipient, the date, the items and the amounts (Consumption Tax Act art. 57-4, "
        "Corporation Tax Act art. 126), not where it was posted: the address is erased with "
        "the customer record, the rest of the invoice stays",
    ),
    Retention(
        Rule.INVOICE_NAME,
        "Recipient name on a former customer's invoices (the rest of the invoice holds no "
        "personal value)",
        "the filing deadline of the business year the invoice was issued in, taken as late "
        "as any business year could put it: the end of the 16th month after the issue month",
        7,
        Action.ANONYMISE,
        "Corporation Tax Act Enforcement Regulation art. 59: kept 7 years from the day after "
        "the filing deadline (business year end + 2 months, up to 4 with an extension); then no "
        "longer needed (APPI art. 22). Erased only once the customer record itself is",
    ),
    Retention(
        Rule.AUDIT,
        "Read audit, security events, purge records",
        "-",
        0,
        Action.KEEP,
        "Accountability (P3.1, APPI art. 23); they hold no personal value",
    ),
)

RULES: dict[Rule, Retention] = {r.rule: r for r in SCHEDULE}


def anniversary(start: date, years: int) -> date:
    """`start` plus whole years; 29 February becomes 28 February in a common year."""
    try:
        return start.replace(year=start.year + years)
    except ValueError:
        return start.replace(year=start.year + years, day=28)


# The latest filing deadline an invoice's business year can have, in months after the issue
# month: the year ends within 12 months after the issue month (on the day before the issue's
# anniversary at the latest); the return is due 2 months after the year ends, up to 4 with
# an extension (Corporation Tax Act art. 75-2). Later than a given operator's own deadline,
# never earlier.
TAX_CLOCK_MONTHS = 16


def tax_clock(issued_on: date) -> date:
    """The last day of the TAX_CLOCK_MONTHS-th month after the invoice's issue month."""
    months = issued_on.year * 12 + issued_on.month - 1 + TAX_CLOCK_MONTHS + 1
    first_after = date(months // 12, months % 12 + 1, 1)
    return first_after - timedelta(days=1)


def invoice_name_due(issued_on: date) -> date:
    return due_on(tax_clock(issued_on), Rule.INVOICE_NAME)


def due_on(clock_start: date, rule: Rule) -> date:
    """The first day the data under `rule` may be purged: the day after the period ends."""
    return anniversary(clock_start, RULES[rule].years) + timedelta(days=1)
