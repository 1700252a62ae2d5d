"""The outbox at a million notices (PostgreSQL's generic plans): what the auditors' state of a
transfer or an incident reads and a worker pass go by index, never by a scan of
`notification` or `customer`. Not checked, as they walk customers by primary key on purpose:
queueing every user's notice (every user once, in keyset chunks) and the "anyone without a
notice?" check (from the highest id queued: the customers who joined since)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

from directives.privacy_schema import PrivacySchema
from directives.vocabulary import Role
from models import BusinessTransfer
from models.third_parties import TransferExtent
from notify.notices import OutboxNotices
from notify.worker import deliver_once
from tests.conftest import World, run
from tests.mailbox import Mailbox
from tests.resolvers.test_query_plans import capturing, full_scans, generic_plan, postgres_only
from tests.rights.posted import BOX


@postgres_only
async def test_notices_are_read_by_index(
    schema: PrivacySchema, world: World, mailbox: Mailbox, tmp_path: Path
) -> None:
    planned = datetime.now(UTC).date() + timedelta(days=70)
    transfer = await BusinessTransfer.create(
        transferee="承継先", extent=TransferExtent.ALL, planned_on=planned, planned_by="t-admin"
    )
    topic = f"transfer:{transfer.id}"
    await OutboxNotices().to_every_user(topic, "BUSINESS_TRANSFER", now=datetime.now(UTC))
    with capturing() as selects:
        await deliver_once(BOX, mailbox.transports(tmp_path))
        state, _ = await run(
            schema,
            "{ businessTransfers { earliestEffectiveOn notices { sent lastSentAt } } }",
            world.caller(Role.AUDITOR),
        )
        await run(schema, "{ incidents { notices { sent } } }", world.caller(Role.AUDITOR))
    assert state.errors is None and state.data["businessTransfers"][0]["notices"]["sent"] == 5  # type: ignore[index]
    reads = [sql for sql in selects.sql if "notification" in sql or "customer" in sql]
    assert any("GROUP BY" in sql for sql in reads), "the progress count was not captured"
    for sql in reads:
        assert full_scans(await generic_plan(sql)) == [], sql
