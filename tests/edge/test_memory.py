"""The startup heap is frozen once per process, after the lifespan's preparation, and the
server answers as before with it frozen."""

from __future__ import annotations

import gc
from collections.abc import Iterator

import pytest

from directives.vocabulary import Role
from edge import memory
from edge.settings import Settings
from models import AccessLogEntry, AuditRequest
from tests import test_server
from tests.test_server import serving

database_url = test_server.database_url
settings = test_server.settings

DASHBOARD = "query @purpose(code: E) { customers(first: 2) { nodes { name } } }"


@pytest.fixture
def unfrozen(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """As in a fresh process; the permanent generation is emptied again afterwards."""
    gc.unfreeze()
    monkeypatch.setitem(memory._state, "frozen", False)
    yield
    gc.unfreeze()


@pytest.mark.usefixtures("unfrozen")
async def test_the_lifespan_freezes_the_startup_heap_once(settings: Settings) -> None:
    assert gc.get_freeze_count() == 0
    async with serving(settings) as server:
        frozen = gc.get_freeze_count()
        assert frozen > 10_000  # the schema, the models, the policy: not a handful
        answer = await server.post(DASHBOARD, Role.BILLING)
        assert answer.status_code == 200
        assert len(answer.json()["data"]["customers"]["nodes"]) == 2
        ref = answer.json()["extensions"]["privacy"]["auditRef"]
        assert await AuditRequest.filter(request_id=ref).exists()
    async with serving(settings) as server:  # a second app in the same process
        assert gc.get_freeze_count() <= frozen  # not frozen again (frozen objects may die)
        assert (await server.post(DASHBOARD, Role.BILLING)).status_code == 200
        assert await AccessLogEntry.filter(path="/graphql").count() >= 1
    assert memory.freeze_startup_heap() is False


@pytest.mark.usefixtures("unfrozen")
def test_request_garbage_is_still_collected() -> None:
    assert memory.freeze_startup_heap() is True

    class Node:
        def __init__(self) -> None:
            self.me = self  # a cycle: only the collector frees it

    Node()
    assert gc.collect() >= 1
