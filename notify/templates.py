"""What each kind of message says. Rendered by the worker at delivery time from the sealed
payload, so the text (with its code or address) exists in clear only while it is sent."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from enum import StrEnum


class MessageKind(StrEnum):
    ACCOUNT_ACTIVATION = "ACCOUNT_ACTIVATION"
    CREDENTIAL_RESET = "CREDENTIAL_RESET"  # auth.resets: a new code after a four-eyes reset
    RIGHTS_ANSWER = "RIGHTS_ANSWER"  # the answer to a rights request, with its files (P7.3)
    BUSINESS_TRANSFER = "BUSINESS_TRANSFER"  # P8.3: to every user before a transfer
    LEAK_INCIDENT = "LEAK_INCIDENT"  # APPI art. 26: to each person affected


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


def _reset(payload: Mapping[str, str]) -> Rendered:
    return Rendered(
        subject="Your user ID was reset",
        body=(
            "Two of our administrators reset the password of your user ID:\n"
            "{login}\n\n"
            "It works again once you activate it with this code and choose a new password:\n\n"
            "    {code}\n\n"
            "The code is valid until {expires} (UTC) and works once. If you did not ask for\n"
            "this, do nothing and tell us: nobody can use your user ID without this code.\n"
        ).format(**payload),
    )


def _answer(payload: Mapping[str, str]) -> Rendered:
    """Written by rights.answer; the package itself travels as attached files."""
    return Rendered(subject=payload["subject"], body=payload["body"])


_EXTENT = {"ALL": "事業の全部 / all of the business", "PART": "事業の一部 / part of the business"}


def _transfer(payload: Mapping[str, str]) -> Rendered:
    return Rendered(
        subject="事業承継に伴う個人情報の提供のお知らせ / Notice of a business transfer",
        body=(
            "We plan to transfer {extent} to {transferee}, on {planned_on} at the earliest.\n"
            "Your personal information held for the service goes to {transferee} with it\n"
            "(privacy policy P8.3). The transfer takes effect no earlier than two months after\n"
            "this notice. For questions, see the privacy contact on our policy page.\n"
        ).format(
            extent=_EXTENT[payload["extent"]],
            transferee=payload["transferee"],
            planned_on=payload["planned_on"],
        ),
    )


_INCIDENT = {"LEAK": "漏えい / a leak", "LOSS": "滅失 / a loss", "DAMAGE": "毀損 / damage"}


def _incident(payload: Mapping[str, str]) -> Rendered:
    return Rendered(
        subject="個人情報の漏えい等に関するお知らせ / Notice of a personal data incident",
        body=(
            "On {found_on} we found {kind} of personal information that concerns you.\n"
            "What happened and what we do about it: ask the privacy contact on our policy\n"
            "page, quoting incident {incident}. (APPI art. 26)\n"
        ).format(
            found_on=payload["found_on"],
            kind=_INCIDENT[payload["kind"]],
            incident=payload["incident"],
        ),
    )


TEMPLATES: dict[MessageKind, Callable[[Mapping[str, str]], Rendered]] = {
    MessageKind.ACCOUNT_ACTIVATION: _activation,
    MessageKind.CREDENTIAL_RESET: _reset,
    MessageKind.RIGHTS_ANSWER: _answer,
    MessageKind.BUSINESS_TRANSFER: _transfer,
    MessageKind.LEAK_INCIDENT: _incident,
}


def render(kind: str, payload: Mapping[str, str]) -> Rendered:
    return TEMPLATES[MessageKind(kind)](payload)
