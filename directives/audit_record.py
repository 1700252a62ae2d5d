"""The canonical encoding of one audit record (a request row and its entries): the bytes each
Merkle leaf hashes. Pure; values are never in an audit record, so neither are they here.

JSON with sorted keys, no whitespace, UTF-8, integers and strings only (the RFC 8785 form for
such values), the time in UTC to the microsecond, entries in the order they were written.
Anything an auditor reads through `auditEvents` is in it, and the named use (P5) a request
declared: changing any of it changes the leaf.

Encoded by orjson (a 1,000-entry record in a fifth of the standard library's time): for these
value types its bytes are those of `json.dumps(sort_keys=True, separators=(",", ":"),
ensure_ascii=False)` (tests/directives/test_audit_record.py compares them on awkward strings).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime

import orjson

from directives.merkle import leaf_hash

VERSION = 1
Entry = tuple[str, int, str, str]  # subject type, subject id, GraphQL type, "field:DECISION,..."


@dataclass(frozen=True, slots=True)
class AuditRecord:
    request_id: str
    at: datetime
    actor: str
    role: str
    purpose: str
    operation_name: str | None
    client_address: str | None
    policy_version: str
    entry_count: int
    entries: Sequence[Entry]
    named_use: str | None = None  # a use outside A-H (P5) under consent, if declared

    def canonical(self) -> bytes:
        document = {
            "v": VERSION,
            "requestId": self.request_id,
            "at": self.at.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ"),
            "actor": self.actor,
            "role": self.role,
            "purpose": self.purpose,
            "operationName": self.operation_name,
            "clientAddress": self.client_address,
            "policyVersion": self.policy_version,
            "entryCount": self.entry_count,
            "entries": list(self.entries),  # tuples are arrays
        }
        if self.named_use is not None:  # only when declared: earlier records keep their bytes
            document["namedUse"] = self.named_use
        return orjson.dumps(document, option=orjson.OPT_SORT_KEYS)

    def leaf_hash(self) -> bytes:
        return leaf_hash(self.canonical())
