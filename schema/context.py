"""The typed per-request context every resolver receives."""

from __future__ import annotations

from dataclasses import dataclass, field

from strawberry.dataloader import DataLoader

from directives.context import PrivacyContext
from models import Agent as AgentRow


def _no_loader() -> DataLoader[int, AgentRow | None]:
    async def load(keys: list[int]) -> list[AgentRow | None]:
        return [None for _ in keys]

    return DataLoader(load_fn=load)


@dataclass(slots=True)
class Context(PrivacyContext):
    """Privacy state plus this request's DataLoaders (built in `resolvers.context`)."""

    agent_loader: DataLoader[int, AgentRow | None] = field(default_factory=_no_loader)
