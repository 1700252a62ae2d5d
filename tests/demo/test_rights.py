"""The demo data holds what the rights issue asks of it: former customers, cancelled
contracts old enough to purge (one under a legal hold), disclosure requests in each fee state
and consent records with history; all made by the business functions the mutations call."""

from __future__ import annotations

from collections import Counter
from datetime import date

from tortoise.context import TortoiseContext

from demo import seed
from directives.retention import Rule
from models import ConsentInForce, ConsentRecord, Customer, RightsRequest
from rights.requests import fee_state
from rights.retention import plan


async def test_the_demo_has_every_state_the_rights_need(db: TortoiseContext) -> None:
    await seed(customers=30)
    due = await plan(date(2026, 12, 1))
    rules = Counter((d.rule, d.held) for d in due)
    assert rules[(Rule.PAYMENT_LINKED, False)] >= 1  # cancelled 2019, paid: past 7 years
    assert rules[(Rule.PAYMENT_LINKED, True)] >= 1  # the same, under a legal hold
    assert rules[(Rule.NO_PAYMENTS, False)] >= 1  # never invoiced, cancelled 2025-03
    states = {await fee_state(r) for r in await RightsRequest.filter(kind="DISCLOSURE")}
    assert {s.value for s in states} == {"FREE", "DUE", "PAID"}
    assert await RightsRequest.filter(customer_id=None).exists()  # nothing held about them
    per_use = Counter(
        (r.customer_id, r.use) for r in await ConsentRecord.filter(use="partner-seminar")
    )
    assert max(per_use.values()) == 3  # granted, withdrawn, granted again
    assert await ConsentInForce.filter(use="partner-seminar").exists()
    # Every opt-out of the demo customers is backed by a withdrawal record.
    for customer in await Customer.filter(marketing_opt_out=True):
        last = await ConsentRecord.filter(customer_id=customer.id, use="H").order_by("-id").first()
        assert last is not None and last.action == "WITHDRAWN"
