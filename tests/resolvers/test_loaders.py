"""DataLoaders: nested lists cost one query per level, not one per row (counted in SQL)."""

from __future__ import annotations

import logging
from contextlib import AbstractContextManager

import pytest

from directives.privacy_schema import PrivacySchema
from directives.vocabulary import Role
from tests.business_world import Business
from tests.conftest import World, run, sql_log


class _Statements(logging.Handler):
    def __init__(self) -> None:
        super().__init__(logging.DEBUG)
        self.selects: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        text = record.getMessage().lstrip()
        if text.upper().startswith("SELECT"):
            self.selects.append(text)


def counting_selects() -> AbstractContextManager[_Statements]:
    return sql_log(_Statements())


@pytest.mark.parametrize(
    ("role", "query", "levels"),
    [
        (
            Role.SUPPORT,
            """query @purpose(code: B) { contracts { nodes { plan customer { name }
               agent { code } options { option { code } } } } }""",
            5,  # contracts, customers, agents, subscriptions, option services
        ),
        (
            Role.BILLING,
            """query @purpose(code: E) { marginStatements { nodes { total agent { name }
               lines { customer { name } } payouts { accountNumber } } } }""",
            6,  # statements, agents, lines, payouts, contracts, customers
        ),
    ],
)
async def test_one_select_per_level(
    schema: PrivacySchema, world: World, business: Business, role: Role, query: str, levels: int
) -> None:
    with counting_selects() as statements:
        result, _ = await run(schema, query, world.caller(role))
    assert result.errors is None
    assert len(statements.selects) == levels, statements.selects
