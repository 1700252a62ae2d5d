"""What each kind of message says. Rendered by the worker at delivery time from the sealed
payload, so the text (with its code or address) exists in clear only while it is sent."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from enum import StrEnum


class MessageKind(StrEnum):
    ACCOUNT_ACTIVATION = "ACCOUNT_ACTIVATION"


@dataclass(frozen=True, slots=True)
class Rendered:
    subject: str
    body: str


def _activation(payload: Mapping[str, str]) -> Rendered:
    return Rendered(
        subject="Activate your user ID",
        body=(
            "A user ID has been prepared for you: {login}\n\n"
            "To start using it, activate it with this code and choose your own password:\n\n"
            "    {code}\n\n"
            "The code is valid until {expires} (UTC) and works once. If you did not expect\n"
            "this message, do nothing and tell us: the user ID stays unusable.\n"
        ).format(**payload),
    )


TEMPLATES: dict[MessageKind, Callable[[Mapping[str, str]], Rendered]] = {
    MessageKind.ACCOUNT_ACTIVATION: _activation,
}


def render(kind: str, payload: Mapping[str, str]) -> Rendered:
    return TEMPLATES[MessageKind(kind)](payload)
