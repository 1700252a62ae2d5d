"""The canonical encoding of an audit record (the bytes each Merkle leaf hashes) is the
standard library's `json.dumps(sort_keys=True, separators=(",", ":"), ensure_ascii=False)`
in UTF-8, whichever encoder produces it: here orjson, checked against json on awkward
strings, so that no record written before the switch changes its leaf."""

from __future__ import annotations

import json
from dataclasses import replace
from datetime import UTC, datetime, timedelta, timezone

import pytest

from directives.audit_record import AuditRecord
from directives.merkle import leaf_hash

AWKWARD = [
    "",
    "plain",
    'quote " and backslash \\ and slash /',
    "controls \x00\x01\x07\x08\t\n\x0b\x0c\r\x1b\x1f and DEL \x7f",
    "line separators \u2028 \u2029 and NEL \x85",
    "鈴木 花子 ｽｽﾞｷ ﾊﾅｺ 𠮷野家 😀",
    "zero width \u200b\ufeff and \ufffd",
    "</script><!--",
]


def _record(text: str, *, at: datetime | None = None) -> AuditRecord:
    return AuditRecord(
        request_id=f"id-{text}",
        at=at or datetime(2026, 12, 2, 7, 0, 1, 123456, tzinfo=UTC),
        actor=text,
        role="SUPPORT",
        purpose="C",
        operation_name=text or None,
        client_address=None,
        policy_version=text,
        entry_count=2,
        entries=[("CUSTOMER", 1, text, f"name:CLEAR,{text}"), ("AGENT", 2**31 - 1, "Agent", "")],
    )


def _by_the_standard_library(record: AuditRecord) -> bytes:
    document = json.loads(record.canonical())
    text = json.dumps(document, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    return text.encode()


@pytest.mark.parametrize("text", AWKWARD)
def test_the_encoding_is_the_standard_librarys(text: str) -> None:
    record = _record(text)
    assert record.canonical() == _by_the_standard_library(record)
    assert json.loads(record.canonical())["actor"] == text  # round trip: nothing lost


def test_the_bytes_of_a_known_record() -> None:
    """Pinned: a change of encoder or field order that changes these bytes changes every
    leaf already in the log."""
    record = _record("a\u2028é\n")
    assert record.canonical() == (
        b'{"actor":"a\xe2\x80\xa8\xc3\xa9\\n","at":"2026-12-02T07:00:01.123456Z",'
        b'"clientAddress":null,"entries":[["CUSTOMER",1,"a\xe2\x80\xa8\xc3\xa9\\n",'
        b'"name:CLEAR,a\xe2\x80\xa8\xc3\xa9\\n"],["AGENT",2147483647,"Agent",""]],'
        b'"entryCount":2,"operationName":"a\xe2\x80\xa8\xc3\xa9\\n",'
        b'"policyVersion":"a\xe2\x80\xa8\xc3\xa9\\n","purpose":"C",'
        b'"requestId":"id-a\xe2\x80\xa8\xc3\xa9\\n","role":"SUPPORT","v":1}'
    )
    assert record.leaf_hash() == leaf_hash(record.canonical())
    # as computed by the json-module encoder before orjson
    assert record.leaf_hash().hex() == (
        "2acde2eae0c7729cc0a315a36e200e3b7e87021095dd903f65ee161d7320f4d7"
    )


def test_the_time_is_utc_to_the_microsecond_whatever_its_zone() -> None:
    at = datetime(2026, 12, 2, 16, 0, 1, 5, tzinfo=timezone(timedelta(hours=9)))
    record = _record("x", at=at)
    assert json.loads(record.canonical())["at"] == "2026-12-02T07:00:01.000005Z"
    assert record.leaf_hash() == replace(record, at=at.astimezone(UTC)).leaf_hash()


def test_a_lone_surrogate_is_refused_not_encoded() -> None:
    """Neither encoder writes one (the standard library's bytes fail at `.encode()`)."""
    with pytest.raises(TypeError):
        _record("\ud800").canonical()


def test_a_named_use_is_in_the_leaf_only_when_declared() -> None:
    plain = _record("x")
    declared = replace(plain, named_use="survey-2026")
    assert b"namedUse" not in plain.canonical()  # earlier records keep their bytes
    assert json.loads(declared.canonical())["namedUse"] == "survey-2026"
    assert declared.leaf_hash() != plain.leaf_hash()
    assert replace(plain, named_use="other").leaf_hash() != declared.leaf_hash()
