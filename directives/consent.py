"""Consent a customer has withdrawn (P5: surveys G and announcements H need it).

One table of the four possible answers, so building a subject allocates nothing per row.
"""

from __future__ import annotations

from directives.vocabulary import Purpose

_WITHDRAWN: dict[tuple[bool, bool], frozenset[Purpose]] = {
    (False, False): frozenset(),
    (True, False): frozenset({Purpose.G}),
    (False, True): frozenset({Purpose.H}),
    (True, True): frozenset({Purpose.G, Purpose.H}),
}


def withdrawn(*, survey_opt_out: bool, marketing_opt_out: bool) -> frozenset[Purpose]:
    return _WITHDRAWN[survey_opt_out, marketing_opt_out]
