"""CRM_RESEARCH_WARM: a worker makes the research answers (P5.F) before it serves, under the
key its requests use, so its first research request counts nobody; without the setting the
first request counts everyone, as before; a warm-up that fails is logged by type only and the
server serves, its first research request computing as before."""

from __future__ import annotations

import dataclasses
import logging
from collections.abc import Callable
from typing import Any

import pytest

from directives.vocabulary import Role
from edge.settings import Settings
from models import Customer
from resolvers.research import population, snapshot
from resolvers.research.rows import research_rows
from tests import test_server
from tests.test_server import serving

database_url = test_server.database_url
settings = test_server.settings

RECORDS = "query @purpose(code: F) { researchRecords(first: 5) { nodes { pseudonym plan } } }"


@pytest.fixture
def made(monkeypatch: pytest.MonkeyPatch) -> dict[str, int]:
    """How many times everyone is counted (`census`) and a release made from scratch."""
    calls = {"census": 0, "release": 0}

    def counted(name: str, real: Callable[..., Any]) -> Callable[..., Any]:
        def call(*args: Any, **kwargs: Any) -> Any:
            calls[name] += 1
            return real(*args, **kwargs)

        return call

    # Where the snapshot looks them up (it imports them by name).
    monkeypatch.setattr(f"{snapshot.__name__}.census", counted("census", population.census))
    monkeypatch.setattr(f"{snapshot.__name__}.research_rows", counted("release", research_rows))
    return calls


async def _research(server: test_server.Server) -> None:
    answer = await server.post(RECORDS, Role.ANALYST)
    assert answer.status_code == 200, answer.text
    assert "errors" not in answer.json(), answer.json()


async def test_a_warmed_worker_answers_research_without_counting(
    settings: Settings, made: dict[str, int]
) -> None:
    async with serving(dataclasses.replace(settings, research_warm=True)) as server:
        assert made == {"census": 1, "release": 1}  # before the first request
        await _research(server)
        await _research(server)
        assert made == {"census": 1, "release": 1}  # the same key as the requests'


async def test_without_the_setting_the_first_request_counts(
    settings: Settings, made: dict[str, int]
) -> None:
    async with serving(settings) as server:
        assert made == {"census": 0, "release": 0}
        await _research(server)
        assert made == {"census": 1, "release": 1}


async def test_a_failed_warm_up_is_logged_and_the_server_serves(
    settings: Settings,
    made: dict[str, int],
    monkeypatch: pytest.MonkeyPatch,
    caplog: pytest.LogCaptureFixture,
) -> None:
    async def fails(key: bytes) -> int:
        raise RuntimeError("山田太郎 090-1234-5678")  # what a driver might quote

    monkeypatch.setattr(snapshot, "warm", fails)  # as edge.startup calls it
    with caplog.at_level(logging.INFO, logger="crm.server"):
        async with serving(dataclasses.replace(settings, research_warm=True)) as server:
            await _research(server)
    assert made == {"census": 1, "release": 1}  # the first request made them
    failed = [r.getMessage() for r in caplog.records if "warm" in r.getMessage()]
    assert failed == ["research warm-up failed error=RuntimeError"]
    assert "090" not in caplog.text and "山田" not in caplog.text


async def test_a_warm_up_reports_how_many_it_counted(
    settings: Settings, caplog: pytest.LogCaptureFixture
) -> None:
    with caplog.at_level(logging.INFO, logger="crm.server"):
        async with serving(dataclasses.replace(settings, research_warm=True)):
            customers = await Customer.all().count()
    (line,) = [r.getMessage() for r in caplog.records if "research warmed" in r.getMessage()]
    assert customers >= test_server.DEMO_CUSTOMERS
    assert line.startswith(f"research warmed customers={customers} seconds=")
