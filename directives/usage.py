"""Audit of personal values used on the server rather than returned: filtering, sorting or
grouping by a personal field, or copying personal values into a new record. A use reveals a
value as surely as a read (`directives.filtering` allows it only where the policy would show
the value), so it is recorded in the same audit, under the same purpose, before the response
leaves, failing closed like a read.

A resolver that passes the filter rule gets a `Uses`; it must then name the subjects matched
(`subjects`) or, for an aggregate, how many (`aggregate`). A `Uses` never recorded makes the
guard fail the operation closed (AUDIT_UNAVAILABLE): a new search cannot forget its audit.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from enum import StrEnum

from directives.audit import AuditBuffer

AGGREGATE_SUBJECTS = "#subjects"  # the pair naming how many subjects an aggregate counted
GROUND = "#ground"  # the pair naming the ground (P8) of a provision to a third party


class Use(StrEnum):
    FILTER = "FILTER"  # matched on the value (a search, choosing a send list)
    SORT = "SORT"  # ordered by the value
    GROUP = "GROUP"  # counted by a value or a value derived from it (research aggregates)
    COPY = "COPY"  # copied into a new record (an invoice correction's billing address)
    DISCLOSE = "DISCLOSE"  # sent to the person it is about (P7.3 disclosure package)
    PROVIDE = "PROVIDE"  # handed to a third party on a ground of P8 (`directives.provision`)


@dataclass(slots=True, eq=False)
class Uses:
    buffer: AuditBuffer
    subject_type: str
    type_name: str
    code: str  # "phone:FILTER,name:SORT"
    recorded: bool = field(default=False)

    def subjects(self, ids: Iterable[int]) -> None:
        """One audit entry per subject whose values the operation used (none if no
        personal field was used)."""
        if self.code:
            self.buffer.entries.extend(
                (self.subject_type, subject, self.type_name, self.code) for subject in ids
            )
        self._done()

    def aggregate(self, count: int) -> None:
        """One entry for a group use: the fields (or categories) and how many subjects."""
        code = f"{self.code},{AGGREGATE_SUBJECTS}:{count}"
        self.buffer.entries.append((self.subject_type, 0, self.type_name, code))
        self._done()

    def _done(self) -> None:
        if not self.recorded:
            self.recorded = True
            self.buffer.pending_uses -= 1


def uses(
    buffer: AuditBuffer,
    subject_type: str,
    type_name: str,
    used: Mapping[str, Use],
    qualifiers: Mapping[str, str] | None = None,
) -> Uses:
    """Open a use of `used` (field -> how); the guard checks it was recorded. `qualifiers`
    are `#name:value` pairs every entry carries (a provision's ground)."""
    provides = any(how is Use.PROVIDE for how in used.values())
    if provides != bool(qualifiers and GROUND in qualifiers):
        raise ValueError("a provision is recorded with its ground, and only a provision")
    buffer.pending_uses += 1
    pairs = [f"{name}:{how.value}" for name, how in used.items()]
    pairs += [f"{name}:{value}" for name, value in (qualifiers or {}).items()]
    return Uses(buffer, subject_type, type_name, ",".join(pairs))
