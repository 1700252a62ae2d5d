"""Demo business records: contracts, options, six months of invoices and payments, agents'
margins and payouts, inquiries, notices, surveys and campaigns. Deterministic for a seed.

Each step pairs only the rows it created itself (see `demo.rows`); the random stream
is consumed in a fixed order, so the same seed gives the same data."""

from __future__ import annotations

import random

from faker import Faker

from demo.billing import seed_invoices
from demo.inquiries import seed_contact
from demo.margins import seed_margins
from demo.marketing import seed_campaigns, seed_surveys
from demo.sales import option_catalogue, seed_contracts, seed_subscriptions
from demo.third_parties import seed_third_parties
from models import Customer


async def seed_business(fake: Faker, rng: random.Random) -> None:
    """Business records for every customer in the table (demo.seed calls this right after
    creating them, in the same transaction)."""
    customers = await Customer.all().order_by("id")
    options = await option_catalogue()
    contracts = await seed_contracts(customers, rng)
    options_of = await seed_subscriptions(contracts, options, rng)
    await seed_invoices(contracts, {c.id: c for c in customers}, options_of, rng)
    await seed_margins(contracts)
    await seed_contact(customers, rng)
    await seed_surveys(customers, rng)
    await seed_campaigns(customers)
    await seed_third_parties()
