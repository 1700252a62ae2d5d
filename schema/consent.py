"""Consent a customer has withdrawn (P5: surveys G and announcements H need it)."""

from __future__ import annotations

from directives.vocabulary import Purpose


def withdrawn(*, survey_opt_out: bool, marketing_opt_out: bool) -> frozenset[Purpose]:
    return frozenset(
        purpose
        for purpose, out in ((Purpose.G, survey_opt_out), (Purpose.H, marketing_opt_out))
        if out
    )
