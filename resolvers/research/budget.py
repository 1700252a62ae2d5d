"""Each analyst's differential-privacy budget (P5.F), kept in `research_budget`.

Every noisy answer is charged before it is computed, by one conditional UPDATE (spent + cost
must stay within the total), so concurrent requests cannot overspend, and an answer whose
charge was refused is never computed. The budget is for the life of the account: it never
renews, because repeated answers over time add up like any others.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import UTC, datetime

from tortoise.expressions import F

from directives.errors import ErrorCode, PrivacyError
from directives.reasons import ReasonCode, refused
from models import PrivacyBudget

DEFAULT_TOTAL = 5.0  # epsilon per analyst (CRM_RESEARCH_EPSILON_BUDGET)
DEFAULT_EPSILON = 0.5  # per answer, unless the analyst asks for another
MIN_EPSILON, MAX_EPSILON = 0.05, 1.0
MICRO = 1_000_000


@dataclass(frozen=True, slots=True)
class Balance:
    total: float
    spent: float
    answers: int

    @property
    def remaining(self) -> float:
        return max(0.0, self.total - self.spent)


def to_micro(epsilon: float) -> int:
    return math.ceil(epsilon * MICRO)


def check_epsilon(epsilon: float) -> None:
    if not MIN_EPSILON <= epsilon <= MAX_EPSILON:
        msg = f"epsilon must be between {MIN_EPSILON} and {MAX_EPSILON}."
        raise refused(ReasonCode.INVALID_VALUE, msg, fields=["epsilon"])


async def _row(account_id: int) -> PrivacyBudget:
    row, _ = await PrivacyBudget.get_or_create(account_id=account_id)
    return row


async def balance(account_id: int, total: float) -> Balance:
    row = await _row(account_id)
    return Balance(total, row.spent_micro / MICRO, row.answers)


async def charge(account_id: int, epsilon: float, total: float) -> Balance:
    """Spend `epsilon` of the analyst's budget, or refuse with PRIVACY_BUDGET_EXHAUSTED."""
    cost = to_micro(epsilon)
    await _row(account_id)
    charged = await PrivacyBudget.filter(
        account_id=account_id, spent_micro__lte=to_micro(total) - cost
    ).update(
        spent_micro=F("spent_micro") + cost, answers=F("answers") + 1, updated_at=datetime.now(UTC)
    )
    after = await balance(account_id, total)
    if not charged:
        raise PrivacyError(
            ErrorCode.PRIVACY_BUDGET_EXHAUSTED,
            "This answer would exceed your privacy budget for research.",
            remaining=round(after.remaining, 6),
        )
    return after
