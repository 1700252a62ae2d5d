"""One query from a presented token to its credential and account: a session or an API
token (both stored as the token's SHA-256), joined to an enabled account.

Trying the session table, then the API tokens, then the account cost three round trips per
API-token request; this is one, on the unique token_hash indexes.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache
from typing import Any, TypeVar

from tortoise.connection import get_connection
from tortoise.models import Model

from models import Account, Activation, ApiToken, Session
from models.sqlite_client import small_read

M = TypeVar("M", bound=Model)


@dataclass(frozen=True, slots=True)
class Found:
    account: Account
    session: Session | None  # exactly one of session and api_token
    api_token: ApiToken | None


def _columns(model: type[Model], alias: str) -> list[str]:
    return [f'{alias}."{c}" AS "{alias}__{c}"' for c in model._meta.db_fields]


@cache  # built once per dialect: the statement is the same for every request
def _sql(dialect: str) -> str:
    mark = "?" if dialect == "sqlite" else "$1"
    columns = ", ".join(
        [*_columns(Account, "a"), *_columns(Session, "s"), *_columns(ApiToken, "t")]
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
    account = _model(Account, rows[0], "a")
    assert account is not None  # joined, never null
    return Found(account, _model(Session, rows[0], "s"), _model(ApiToken, rows[0], "t"))
