"""The disclosure package (P7.3, APPI art. 33): every value held about the person, current and
past, the purposes each field serves, the provision records, the access history; or an
explicit "no data held". Rendered as JSON and as a printable HTML page.

Built only when answering, handed to the delivery, never stored: the request keeps counts and
a digest of what was sent.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping
from datetime import datetime
from html import escape
from typing import Any

from directives.policy_versions import in_force
from directives.retention import SCHEDULE
from directives.vocabulary import Purpose
from models import (
    ConsentRecord,
    Contact,
    Contract,
    Customer,
    CustomerVersion,
    Inquiry,
    InquiryMessage,
    Invoice,
    InvoiceLine,
    OptionSubscription,
    Payment,
    ProvisionRecord,
)
from rights.access import about_customer, shown_login
from rights.history import CONTACT_COLUMNS, CUSTOMER_COLUMNS, Past, past_of, snapshot, versions

NO_DATA = "No personal information about you is held in this system."
NO_PROVISIONS = "No provision of your information to a third party is recorded."

Json = dict[str, Any]


def _version(v: Any) -> Json:
    return {
        "version": v.number,
        "began_at": v.began_at,
        "changed_by": v.actor.value if v.actor else None,
        "changed_fields": list(v.changed),
        "values": dict(v.values),
    }


async def _customer(row: Customer) -> Json:
    stored = await CustomerVersion.filter(customer_id=row.id).order_by("version")
    laid = versions(
        current=snapshot(row, CUSTOMER_COLUMNS),
        number=row.version,
        created_at=row.created_at,
        past=[past_of(p) for p in stored],
    )
    return {"current": snapshot(row, CUSTOMER_COLUMNS), "versions": [_version(v) for v in laid]}


def _stored(entry: Mapping[str, Any]) -> Past:
    """A contact's stored past state (who and when are in the versions' `changed_by`)."""
    return Past(int(entry["version"]), entry["values"], entry.get("by"), None, None)


async def _contacts(customer_id: int) -> list[Json]:
    out = []
    for row in await Contact.filter(customer_id=customer_id).order_by("id"):
        past = [_stored(e) for e in row.history]
        laid = versions(
            current=snapshot(row, CONTACT_COLUMNS),
            number=row.version,
            created_at=row.created_at,
            past=past,
        )
        out.append(
            {"current": snapshot(row, CONTACT_COLUMNS), "versions": [_version(v) for v in laid]}
        )
    return out


async def _contracts(customer_id: int) -> list[Json]:
    out = []
    for row in await Contract.filter(customer_id=customer_id).order_by("id"):
        options = await OptionSubscription.filter(contract_id=row.id).prefetch_related("option")
        out.append(
            {
                "plan": row.plan.value,
                "monthly_fee": row.monthly_fee,
                "started_on": row.started_on,
                "cancelled_on": row.cancelled_on,
                "options": [
                    {
                        "option": o.option.name,
                        "started_on": o.started_on,
                        "cancelled_on": o.cancelled_on,
                    }
                    for o in options
                ],
            }
        )
    return out


async def _invoices(customer_id: int) -> list[Json]:
    out = []
    for row in await Invoice.filter(customer_id=customer_id).order_by("id"):
        lines = await InvoiceLine.filter(invoice_id=row.id).order_by("id")
        payments = await Payment.filter(invoice_id=row.id).order_by("id")
        out.append(
            {
                "period": row.period,
                "issued_on": row.issued_on,
                "total": row.total,
                "billing_name": row.billing_name,
                "billing_postal_code": row.billing_postal_code,
                "billing_address": row.billing_address,
                "lines": [{"description": li.description, "amount": li.amount} for li in lines],
                "payments": [
                    {"amount": p.amount, "received_on": p.received_on, "method": p.method}
                    for p in payments
                ],
            }
        )
    return out


async def _inquiries(customer_id: int) -> list[Json]:
    out = []
    for row in await Inquiry.filter(customer_id=customer_id).order_by("id"):
        messages = await InquiryMessage.filter(inquiry_id=row.id).order_by("id")
        out.append(
            {
                "kind": row.kind.value,
                "subject": row.subject,
                "status": row.status.value,
                "opened_at": row.opened_at,
                "messages": [
                    {"author": m.author.value, "at": m.at, "body": m.body} for m in messages
                ],
            }
        )
    return out


async def _consents(customer_id: int) -> list[Json]:
    rows = await ConsentRecord.filter(customer_id=customer_id).order_by("id")
    return [
        {
            "use": r.use,
            "action": r.action.value,
            "at": r.at,
            "channel": r.channel.value,
            "policy_version": r.policy_version,
            "notice_text": r.notice_text,
        }
        for r in rows
    ]


async def _access(customer_id: int) -> list[Json]:
    entries = await about_customer(customer_id)
    return [
        {
            "at": e.request.at,
            "role": e.request.role,
            "login": shown_login(e.request.role, e.request.actor),
            "purpose": e.request.purpose,
            "about": e.subject_type,
            "fields": e.fields_decisions,
        }
        for e in entries
    ]


async def _provisions(customer_id: int) -> Json:
    """APPI art. 33(5): the records of provision to third parties about the person."""
    rows = await ProvisionRecord.filter(customer_id=customer_id).order_by("id")
    records = [
        {
            "at": r.at,
            "recipient": r.recipient,
            "items": r.items.split(",") if r.items else [],
            "ground": r.ground.value,
            "kept_until": r.keep_until,
        }
        for r in rows
    ]
    return {"records": records, "statement": None if records else NO_PROVISIONS}


def _purposes(purposes: Mapping[str, frozenset[Purpose]]) -> Json:
    return {
        field: [f"{p.value}: {p.description}" for p in sorted(served)]
        for field, served in sorted(purposes.items())
    }


async def build(
    customer: Customer | None, *, at: datetime, purposes: Mapping[str, frozenset[Purpose]]
) -> Json:
    """The package for `customer` (None: nothing is held about the requester)."""
    head: Json = {"generated_at": at, "policy_version": in_force(at).id}
    if customer is None or customer.anonymised_at is not None:
        return {**head, "held": False, "statement": NO_DATA}
    return {
        **head,
        "held": True,
        "customer": await _customer(customer),
        "contacts": await _contacts(customer.id),
        "contracts": await _contracts(customer.id),
        "invoices": await _invoices(customer.id),
        "inquiries": await _inquiries(customer.id),
        "consent_records": await _consents(customer.id),
        "purposes_of_each_field": _purposes(purposes),
        "provision_records": await _provisions(customer.id),
        "access_history": await _access(customer.id),
        "retention": [
            {"data": r.data, "kept_years": r.years, "then": r.action.value, "basis": r.legal_basis}
            for r in SCHEDULE
        ],
    }


def to_json(package: Json) -> bytes:
    return json.dumps(package, ensure_ascii=False, indent=2, default=str).encode()


def summary(package: Json, content: bytes) -> Json:
    """What the request keeps of the answer: counts per section and a digest, no value."""
    counts = {k: len(v) for k, v in package.items() if isinstance(v, list)}
    return {
        "held": package["held"],
        "sections": counts,
        "sha256": hashlib.sha256(content).hexdigest(),
    }


def _html(value: Any) -> str:
    if isinstance(value, dict):
        rows = "".join(
            f"<tr><th>{escape(str(k))}</th><td>{_html(v)}</td></tr>" for k, v in value.items()
        )
        return f"<table>{rows}</table>"
    if isinstance(value, list):
        return "<ol>" + "".join(f"<li>{_html(v)}</li>" for v in value) + "</ol>" if value else "—"
    return escape("" if value is None else str(value))


def to_html(package: Json) -> bytes:
    """A printable page of the same content (every value escaped)."""
    return f"""<!doctype html>
<html lang="ja"><head><meta charset="utf-8"><title>個人情報の開示 / Disclosure</title>
<style>body{{font-family:sans-serif}} table{{border-collapse:collapse}}
th,td{{border:1px solid #999;padding:.2em .4em;text-align:left;vertical-align:top}}
@media print{{body{{font-size:10pt}}}}</style></head><body>
<h1>個人情報の開示 / Disclosure of personal information (P7.3)</h1>
{_html(package)}
</body></html>
""".encode()
