"""One query from a presented token to its credential and account: a session or an API
token (both stored as the token's SHA-256), joined to an enabled account.

Trying the session table, then the API tokens, then the account cost three round trips per
API-token request; this is one, on the unique token_hash indexes.

It runs on every request, so it reads only what a caller is made of: the account's and an API
token's columns that `auth.callers` checks (`Holder`, `TokenUse`, each value converted by its
model field as Tortoise would), 10 of their 22 columns, not both made into models (the
password hash, the TOTP secret, four timestamps parsed for nothing). A session stays a model:
its use is saved (auth.sessions.keep_alive). Timed in process on the demo data (an API token,
3,000 lookups, median of 7 runs, twice): 45 µs with both models, 28 µs now.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, fields
from datetime import datetime
from functools import cache
from typing import Any, TypeVar

from tortoise.connection import get_connection
from tortoise.models import Model

from models import Account, Activation, ApiToken, Role, Session
from models.sqlite_client import small_read

M = TypeVar("M", bound=Model)
V = TypeVar("V")


@dataclass(frozen=True, slots=True)
class Holder:
    """The account a credential belongs to: what a caller is made of (auth.callers)."""

    id: int
    login: str
    role: Role
    customer_id: int | None
    agent_id: int | None
    provider_id: int | None


@dataclass(frozen=True, slots=True)
class TokenUse:
    """An API token: what its use is checked against (auth.callers.from_bearer)."""

    id: int
    role: str
    expires_at: datetime | None
    last_used_at: datetime | None


@dataclass(frozen=True, slots=True)
class Found:
    account: Holder
    session: Session | None  # exactly one of session and api_token
    api_token: TokenUse | None


def _names(view: type[Any]) -> list[str]:
    return [f.name for f in fields(view)]


def _columns(alias: str, names: Iterable[str]) -> list[str]:
    return [f'{alias}."{c}" AS "{alias}__{c}"' for c in names]


@cache  # built once per dialect: the statement is the same for every request
def _sql(dialect: str) -> str:
    mark = "?" if dialect == "sqlite" else "$1"
    columns = ", ".join(
        [
            *_columns("a", _names(Holder)),
            *_columns("s", Session._meta.db_fields),
            *_columns("t", _names(TokenUse)),
        ]
    )
    return (
        f"SELECT {columns} FROM ("  # noqa: S608 - table and column names from the models
        f'SELECT "account_id", "id" AS "session_id", CAST(NULL AS BIGINT) AS "token_id" '
        f'FROM "session" WHERE "token_hash" = {mark} AND "revoked_at" IS NULL '
        f'UNION ALL SELECT "account_id", CAST(NULL AS BIGINT), "id" '
        f'FROM "api_token" WHERE "token_hash" = {mark} AND "revoked_at" IS NULL) AS c '
        f'JOIN "account" AS a ON a."id" = c."account_id" '
        f'LEFT JOIN "session" AS s ON s."id" = c."session_id" '
        f'LEFT JOIN "api_token" AS t ON t."id" = c."token_id" '
        f'WHERE a."disabled" = {"0" if dialect == "sqlite" else "FALSE"} '
        f"AND a.\"activation\" = '{Activation.ACTIVE.value}' LIMIT 1"
    )


def _model(model: type[M], row: dict[str, Any], alias: str) -> M | None:
    if row[f"{alias}__{model._meta.db_pk_column}"] is None:  # the other kind of credential
        return None
    return model._init_from_db(**{c: row[f"{alias}__{c}"] for c in model._meta.db_fields})


def _view(view: type[V], model: type[Model], row: dict[str, Any], alias: str) -> V | None:
    """The view's columns of `model`, each converted by the model's field (as Tortoise does
    when it makes the model), or None if the row has none (the other kind of credential)."""
    if row[f"{alias}__{model._meta.db_pk_column}"] is None:
        return None
    by_name = model._meta.fields_map
    names = _names(view)
    return view(**{n: by_name[n].to_python_value(row[f"{alias}__{n}"]) for n in names})


async def find_credential(token_hash: str) -> Found | None:
    """The live (unrevoked) session or API token with this hash, and its account if enabled
    and activated (a login bound to a person acts only once the person activated it)."""
    conn = get_connection("default")
    dialect = conn.capabilities.dialect
    values = [token_hash, token_hash] if dialect == "sqlite" else [token_hash]
    with small_read():  # at most one row: the token hashes are unique (LIMIT 1)
        rows = await conn.execute_query_dict(_sql(dialect), values)
    if not rows:
        return None
    account = _view(Holder, Account, rows[0], "a")
    assert account is not None  # joined, never null
    return Found(account, _model(Session, rows[0], "s"), _view(TokenUse, ApiToken, rows[0], "t"))
