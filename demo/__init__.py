"""Demo data: realistic Japanese customers (Faker ja_JP), agents, one account per role."""

from __future__ import annotations

import json
import os
import random
import tempfile
from pathlib import Path

from faker import Faker
from tortoise.transactions import in_transaction

from auth.secrets_box import SecretBox
from demo.accounts import issue_demo_accounts
from demo.business import seed_business
from demo.rights import seed_rights
from models import Agent, Customer

CREDENTIALS_FILE = "demo-credentials.json"
AGENT_COUNT = 12
_BANKS = ["みずほ銀行", "三菱UFJ銀行", "三井住友銀行", "りそな銀行", "ゆうちょ銀行", "横浜銀行"]
_BRANCHES = ["本店", "新宿支店", "渋谷支店", "梅田支店", "名古屋支店", "博多支店", "札幌支店"]


def _bank(fake: Faker, rng: random.Random, holder: str) -> dict[str, str]:
    return {
        "bank_name": rng.choice(_BANKS),
        "bank_branch": rng.choice(_BRANCHES),
        "account_type": rng.choice(["普通", "普通", "当座"]),
        "account_number": f"{rng.randrange(10**7):07d}",
        "account_holder": holder,
    }


def _agents(fake: Faker, rng: random.Random) -> list[Agent]:
    return [
        Agent(
            code=f"AG{n:04d}",
            name=fake.company(),
            phone=fake.phone_number(),
            email=fake.company_email(),
            **_bank(fake, rng, fake.kana_name()),
        )
        for n in range(1, AGENT_COUNT + 1)
    ]


def _customer(fake: Faker, rng: random.Random, agent_ids: list[int]) -> Customer:
    kana = fake.kana_name()
    return Customer(
        name=fake.name(),
        name_kana=kana,
        birth_date=fake.date_of_birth(minimum_age=20, maximum_age=85),
        postal_code=fake.zipcode(),
        address=fake.address(),
        phone=fake.phone_number(),
        fax=fake.phone_number() if rng.random() < 0.4 else "",
        email=fake.email(),
        agent_id=rng.choice(agent_ids) if rng.random() < 0.85 else None,
        survey_opt_out=rng.random() < 0.1,
        marketing_opt_out=rng.random() < 0.15,
        **_bank(fake, rng, kana),
    )


async def seed(*, customers: int, seed_value: int = 2009, business: bool = True) -> None:
    """Fill an empty database. Deterministic for a given seed. `business` adds contracts,
    invoices, margins, inquiries, surveys and campaigns (see `demo.business`), consent records,
    former customers and rights requests (see `demo.rights`)."""
    fake = Faker("ja_JP")
    fake.seed_instance(seed_value)
    rng = random.Random(seed_value)  # noqa: S311 - reproducible demo data, not secrets
    async with in_transaction():
        await Agent.bulk_create(_agents(fake, rng))
        agent_ids = [a.id for a in await Agent.all().order_by("id")]
        rows = [_customer(fake, rng, agent_ids) for _ in range(customers)]
        await Customer.bulk_create(rows, batch_size=500)
        if business:
            await seed_business(fake, rng)
            await seed_rights(fake, rng)


async def ensure_demo(data_dir: Path, *, customers: int, box: SecretBox) -> Path:
    """Seed an empty database; (re)issue demo tokens when the credentials file is missing."""
    path = data_dir / CREDENTIALS_FILE
    seeded = await Customer.exists()
    if not seeded:
        await seed(customers=customers)
    if seeded and path.exists():
        return path
    credentials = await issue_demo_accounts(box)
    _write_private(path, json.dumps(credentials, indent=2, ensure_ascii=False) + "\n")
    return path


def _write_private(path: Path, text: str) -> None:
    """Write a secret file that is never readable by others, not even for a moment."""
    fd, temporary = tempfile.mkstemp(dir=path.parent, prefix=".credentials-")  # mode 0600
    with os.fdopen(fd, "w", encoding="utf-8") as file:
        file.write(text)
    os.replace(temporary, path)
