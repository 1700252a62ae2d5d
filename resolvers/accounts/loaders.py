"""Account DataLoaders: when each listed account last finished a login (one query a page)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from strawberry.dataloader import DataLoader
from tortoise.functions import Max

from models import Session, Stage


async def _last_logins(accounts: list[int]) -> list[datetime | None]:
    rows = (
        await Session.filter(account_id__in=accounts, stage=Stage.FULL)
        .annotate(last=Max("created_at"))
        .group_by("account_id")
        .values("account_id", "last")
    )
    found = {r["account_id"]: r["last"] for r in rows}
    return [found.get(a) for a in accounts]


def account_loaders() -> dict[str, Any]:
    return {"last_login_of_account": DataLoader(load_fn=_last_logins)}
