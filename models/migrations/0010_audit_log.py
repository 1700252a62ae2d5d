from tortoise import migrations
from tortoise.migrations import operations as ops
from tortoise.fields.base import OnDelete
from tortoise import fields

# The audit is append-only at every level: its requests, entries, sequence and checkpoints
# refuse UPDATE and DELETE (and TRUNCATE on PostgreSQL) from any client, as billing does since
# 0004.
# RunPython (not RunSQL): a trigger body holds ';', which Tortoise's SQLite RunSQL would split on.
APPEND_ONLY_TABLES = ('audit_request', 'audit_entry', 'audit_log', 'audit_checkpoint')

PG_FUNCTION = """CREATE OR REPLACE FUNCTION refuse_audit_change() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION '% is append-only', TG_TABLE_NAME USING ERRCODE = 'restrict_violation';
END
$$"""


def _statements(dialect, table):
    if dialect == 'postgres':
        return [
            f'CREATE TRIGGER "{table}_append_only" BEFORE UPDATE OR DELETE ON "{table}" '
            'FOR EACH ROW EXECUTE FUNCTION refuse_audit_change()',
            f'CREATE TRIGGER "{table}_append_only_truncate" BEFORE TRUNCATE ON "{table}" '
            'FOR EACH STATEMENT EXECUTE FUNCTION refuse_audit_change()',
        ]
    return [
        f'CREATE TRIGGER "{table}_append_only_{event.lower()}" BEFORE {event} ON "{table}" '
        f"BEGIN SELECT RAISE(ABORT, '{table} is append-only'); END"
        for event in ('UPDATE', 'DELETE')
    ]


async def create_triggers(apps, schema_editor):
    client = schema_editor.client
    dialect = client.capabilities.dialect
    if dialect not in ('postgres', 'sqlite'):
        raise RuntimeError(f'No append-only triggers for {dialect}.')
    if dialect == 'postgres':
        await client.execute_script(PG_FUNCTION)
    for table in APPEND_ONLY_TABLES:
        for sql in _statements(dialect, table):
            await client.execute_script(sql)


async def drop_triggers(apps, schema_editor):
    client = schema_editor.client
    dialect = client.capabilities.dialect
    for table in APPEND_ONLY_TABLES:
        if dialect == 'postgres':
            for name in (f'{table}_append_only', f'{table}_append_only_truncate'):
                await client.execute_script(f'DROP TRIGGER IF EXISTS "{name}" ON "{table}"')
        else:
            for event in ('update', 'delete'):
                await client.execute_script(f'DROP TRIGGER IF EXISTS "{table}_append_only_{event}"')
    if dialect == 'postgres':
        await client.execute_script('DROP FUNCTION IF EXISTS refuse_audit_change()')


class Migration(migrations.Migration):
    dependencies = [('models', '0009_indexes')]

    initial = False

    operations = [
        ops.CreateModel(
            name='AuditCheckpoint',
            fields=[
                ('id', fields.BigIntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('tree_size', fields.BigIntField(db_index=True)),
                ('root_hash', fields.CharField(max_length=64)),
                ('at', fields.DatetimeField(auto_now=False, auto_now_add=False)),
                ('note', fields.TextField(unique=False)),
            ],
            options={'table': 'audit_checkpoint', 'app': 'models', 'pk_attr': 'id', 'table_description': 'A signed tree head: the C2SP checkpoint note as signed, and its parts for queries.'},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='AuditLeaf',
            fields=[
                ('seq', fields.BigIntField(generated=False, primary_key=True, unique=True, db_index=True)),
                ('request', fields.OneToOneField('models.AuditRequest', source_field='request_id', db_constraint=True, to_field='id', related_name='leaf', on_delete=OnDelete.RESTRICT)),
                ('leaf_hash', fields.CharField(max_length=64)),
                ('subtrees', fields.TextField(unique=False)),
            ],
            options={'table': 'audit_log', 'app': 'models', 'pk_attr': 'seq', 'table_description': "The audit log's sequence: one row per audit request, numbered 0, 1, 2, ... without gaps"},
            bases=['Model'],
        ),
        ops.RunPython(create_triggers, drop_triggers),
    ]
