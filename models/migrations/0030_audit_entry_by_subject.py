from tortoise import migrations
from tortoise.migrations import operations as ops
from tortoise import fields
from tortoise.fields.base import OnDelete

# SQLite: a request's audit commit no longer writes a subject index. audit_entry's index
# (subject_type, subject_id, request_id, id) changed one leaf per subject an answer named:
# about 30 of a dashboard commit's 40 pages, each a frame the commit's fsync waits for (a
# request's durable commit is most of what one client waits beyond the bare peer). The
# entries' keys are copied instead, in batches off the request path, into
# audit_entry_by_subject, a table of that key alone (WITHOUT ROWID), by models/by_subject.py;
# a batch writes a subject's leaf once for all the entries it copies, and readers find the
# entries themselves by id. audit_entry_by_subject_mark holds the last entry id copied:
# SQLite commits writers one at a time, so ids commit in order and "id > mark" is exactly
# what is left. Every read by subject copies what is left first, so
# nothing is ever missing from it. Both are append-only like the audit (0010): the copy
# refuses UPDATE and DELETE, the mark only moves forward. The verifier compares the copy
# with audit_entry (tlog/verify.py).
# PostgreSQL: audit_entry keeps its subject index (dropped on a copy, the dashboard's audit
# statement took as long without it); audit_entry_by_subject is a view of it, inlined by the
# planner, so readers query one model on both databases.
# RunPython: trigger bodies hold ';'.

SUBJECT_INDEX = ('subject_type', 'subject_id', 'request_id', 'id')
COLUMNS = 'subject_type, subject_id, request_id, id'

SQLITE_COPY = """CREATE TABLE audit_entry_by_subject (
    subject_type VARCHAR(32) NOT NULL,
    subject_id INT NOT NULL,
    request_id BIGINT NOT NULL,
    id BIGINT NOT NULL,
    PRIMARY KEY (subject_type, subject_id, request_id, id)
) WITHOUT ROWID"""
SQLITE_MARK = """CREATE TABLE audit_entry_by_subject_mark (
    one INTEGER PRIMARY KEY CHECK (one = 1),
    last BIGINT NOT NULL
)"""
SQLITE_FILL = (
    f'INSERT INTO audit_entry_by_subject ({COLUMNS}) SELECT {COLUMNS} FROM audit_entry',
    'INSERT INTO audit_entry_by_subject_mark (one, last) '
    'SELECT 1, coalesce(max(id), 0) FROM audit_entry',
)
SQLITE_TRIGGERS = (
    *(
        f'CREATE TRIGGER "audit_entry_by_subject_append_only_{event.lower()}" BEFORE {event} '
        "ON audit_entry_by_subject BEGIN SELECT RAISE(ABORT, 'audit_entry_by_subject is "
        "append-only'); END"
        for event in ('UPDATE', 'DELETE')
    ),
    'CREATE TRIGGER "audit_entry_by_subject_mark_forward" BEFORE UPDATE ON '
    'audit_entry_by_subject_mark WHEN NEW.last < OLD.last OR NEW.one IS NOT OLD.one '
    "BEGIN SELECT RAISE(ABORT, 'audit_entry_by_subject_mark only moves forward'); END",
    'CREATE TRIGGER "audit_entry_by_subject_mark_delete" BEFORE DELETE ON '
    'audit_entry_by_subject_mark '
    "BEGIN SELECT RAISE(ABORT, 'audit_entry_by_subject_mark only moves forward'); END",
)
SQLITE_TRIGGER_NAMES = (
    'audit_entry_by_subject_append_only_update',
    'audit_entry_by_subject_append_only_delete',
    'audit_entry_by_subject_mark_forward',
    'audit_entry_by_subject_mark_delete',
)
# The name 0009 gave the index (Tortoise's name for these fields), for the way back.
SQLITE_INDEX = (
    'CREATE INDEX IF NOT EXISTS "idx_audit_entry_subject_8fc687" '
    'ON "audit_entry" ("subject_type", "subject_id", "request_id", "id")'
)
PG_VIEW = (
    'CREATE VIEW audit_entry_by_subject AS '
    f'SELECT {COLUMNS} FROM audit_entry'
)


async def _sqlite_subject_indexes(client):
    """The indexes of audit_entry on exactly the subject key, by catalogue, not by name."""
    _, indexes = await client.execute_query('PRAGMA index_list("audit_entry")')
    found = []
    for index in indexes:
        _, columns = await client.execute_query(f'PRAGMA index_info("{index["name"]}")')
        if tuple(c['name'] for c in sorted(columns, key=lambda c: c['seqno'])) == SUBJECT_INDEX:
            found.append(index['name'])
    return found


async def by_subject(apps, schema_editor):
    client = schema_editor.client
    await client.execute_script('DROP TABLE audit_entry_by_subject')  # CreateModel's table
    if client.capabilities.dialect == 'postgres':
        await client.execute_script(PG_VIEW)
        return
    for statement in (SQLITE_COPY, SQLITE_MARK, *SQLITE_FILL, *SQLITE_TRIGGERS):
        await client.execute_script(statement)
    for name in await _sqlite_subject_indexes(client):
        await client.execute_script(f'DROP INDEX "{name}"')


async def by_index(apps, schema_editor):
    """Back to 0029: the subject index on audit_entry again; an empty table in the copy's
    place, for CreateModel's way back to drop."""
    client = schema_editor.client
    if client.capabilities.dialect == 'postgres':
        await client.execute_script('DROP VIEW audit_entry_by_subject')
    else:
        await client.execute_script(SQLITE_INDEX)
        for name in SQLITE_TRIGGER_NAMES:
            await client.execute_script(f'DROP TRIGGER IF EXISTS "{name}"')
        await client.execute_script('DROP TABLE audit_entry_by_subject_mark')
        await client.execute_script('DROP TABLE audit_entry_by_subject')
    await client.execute_script('CREATE TABLE audit_entry_by_subject (id BIGINT)')


class Migration(migrations.Migration):
    dependencies = [('models', '0029_audit_entry_unchecked_request')]

    initial = False

    operations = [
        ops.CreateModel(
            name='SubjectEntry',
            fields=[
                ('id', fields.BigIntField(generated=False, primary_key=True, unique=True, db_index=True)),
                (
                    'request',
                    fields.ForeignKeyField(
                        'models.AuditRequest',
                        source_field='request_id',
                        db_constraint=False,
                        to_field='id',
                        related_name=False,
                        on_delete=OnDelete.RESTRICT,
                    ),
                ),
                ('subject_type', fields.CharField(max_length=32)),
                ('subject_id', fields.IntField()),
            ],
            options={
                'table': 'audit_entry_by_subject',
                'app': 'models',
                'indexes': [],
                'pk_attr': 'id',
            },
            bases=['Model'],
        ),
        ops.RunPython(by_subject, by_index),
    ]
