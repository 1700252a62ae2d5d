"""The read audit: append-only, ordered by id, one request row plus one row per subject.

A 1,000-customer answer is one `AuditRequest` and 1,000 `AuditEntry` rows written with one
batched insert, not 10,000 round trips. Each entry packs the fields resolved for that subject
and their decisions as ``field:decision`` pairs (e.g. ``email:MASKED,phone:CLEAR``). Values are
never stored.
"""

from __future__ import annotations

from tortoise import fields
from tortoise.models import Model


class AuditRequest(Model):
    id = fields.BigIntField(primary_key=True)
    request_id = fields.CharField(max_length=36, unique=True)
    at = fields.DatetimeField(db_index=True)
    actor = fields.CharField(max_length=64)
    role = fields.CharField(max_length=16)
    purpose = fields.CharField(max_length=8)
    named_use = fields.CharField(max_length=40, null=True)  # a use outside A-H (P5), if any
    operation_name = fields.CharField(max_length=128, null=True)
    client_address = fields.CharField(max_length=64, null=True)
    policy_version = fields.CharField(max_length=32)
    entry_count = fields.IntField()
    # The record's Merkle leaf hash (hex), computed from the rows as written, before their
    # commit: the sequencer numbers it without reading the entries back; the verifier still
    # recomputes it from the rows. Null on rows written before migration 0022.
    leaf_hash = fields.CharField(max_length=64, null=True)

    class Meta:
        table = "audit_request"
        # Auditors list newest first by actor or purpose: the filter, then the id (keyset).
        indexes = (("actor", "id"), ("purpose", "id"))


class AuditEntry(Model):
    id = fields.BigIntField(primary_key=True)
    request: fields.ForeignKeyRelation[AuditRequest] = fields.ForeignKeyField(
        "models.AuditRequest", related_name="entries", on_delete=fields.RESTRICT
    )
    request_id: int
    subject_type = fields.CharField(max_length=32)
    subject_id = fields.IntField()
    type_name = fields.CharField(max_length=64)
    fields_decisions = fields.TextField()

    class Meta:
        table = "audit_entry"
        # Newest first (request id, then entry id): a request's entries, and a subject's
        # history, each read from one index without a sort, however long the audit grows.
        # SQLite has no subject index here: its readers find the keys in SubjectEntry (0030).
        indexes = (("request_id", "id"), ("subject_type", "subject_id", "request_id", "id"))


class SubjectEntry(Model):
    """The read audit's entries by subject: the key of each entry (subject, request, id),
    for a subject's history, an auditor's subject filter and a person's export to find the
    entries from (models/by_subject.py, the only way to read it). On SQLite a table
    clustered by that key (WITHOUT ROWID), filled from `audit_entry` off the request path,
    in batches: a subject index written by each request's commit changed one leaf per
    subject, about 30 of the commit's 40 pages, each paid for in its fsync. On PostgreSQL a
    view of `audit_entry`, whose subject index stays (it costs nothing measurable there).
    Migration 0030."""

    id = fields.BigIntField(primary_key=True, generated=False)  # the entry's id
    request: fields.ForeignKeyRelation[AuditRequest] = fields.ForeignKeyField(
        "models.AuditRequest", related_name=False, on_delete=fields.RESTRICT, db_constraint=False
    )
    request_id: int
    subject_type = fields.CharField(max_length=32)
    subject_id = fields.IntField()

    class Meta:
        table = "audit_entry_by_subject"


class AuditLeaf(Model):
    """The audit log's sequence: one row per audit request, numbered 0, 1, 2, ... without gaps
    in the order the sequencer found them committed. `subtrees` holds the hex hashes of the
    complete Merkle subtrees this leaf closes, level 1 upwards (`directives.merkle`): proofs
    read O(log n) of them. Rows are never changed (triggers, migration 0010)."""

    seq = fields.BigIntField(primary_key=True, generated=False)
    request: fields.OneToOneRelation[AuditRequest] = fields.OneToOneField(
        "models.AuditRequest", related_name="leaf", on_delete=fields.RESTRICT
    )
    request_id: int
    leaf_hash = fields.CharField(max_length=64)
    subtrees = fields.TextField()

    class Meta:
        table = "audit_log"


class AuditCheckpoint(Model):
    """A signed tree head: the C2SP checkpoint note as signed, and its parts for queries."""

    id = fields.BigIntField(primary_key=True)
    tree_size = fields.BigIntField(db_index=True)
    root_hash = fields.CharField(max_length=64)
    at = fields.DatetimeField()
    note = fields.TextField()

    class Meta:
        table = "audit_checkpoint"
