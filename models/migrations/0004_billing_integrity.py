from tortoise import migrations
from tortoise.migrations import operations as ops
from models.billing import LineKind
from tortoise import fields
from tortoise.migrations.constraints import UniqueConstraint

# P5.E, P7.4: issued billing records never change. The models refuse it in Python; these
# triggers refuse UPDATE and DELETE from any client. RunPython (not RunSQL): a trigger body
# holds ';', which Tortoise's SQLite RunSQL would split on.
IMMUTABLE_TABLES = ('invoice', 'invoice_line', 'payment', 'margin_statement', 'margin_line', 'payout')

PG_FUNCTION = """CREATE OR REPLACE FUNCTION refuse_immutable_change() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION '% is immutable once issued', TG_TABLE_NAME USING ERRCODE = 'restrict_violation';
END
$$"""


def _statements(dialect, table):
    if dialect == 'postgres':
        return [
            f'CREATE TRIGGER "{table}_immutable" BEFORE UPDATE OR DELETE ON "{table}" '
            'FOR EACH ROW EXECUTE FUNCTION refuse_immutable_change()',
            f'CREATE TRIGGER "{table}_immutable_truncate" BEFORE TRUNCATE ON "{table}" '
            'FOR EACH STATEMENT EXECUTE FUNCTION refuse_immutable_change()',
        ]
    return [
        f'CREATE TRIGGER "{table}_immutable_{event.lower()}" BEFORE {event} ON "{table}" '
        f"BEGIN SELECT RAISE(ABORT, '{table} is immutable once issued'); END"
        for event in ('UPDATE', 'DELETE')
    ]


async def create_triggers(apps, schema_editor):
    client = schema_editor.client
    dialect = client.capabilities.dialect
    if dialect not in ('postgres', 'sqlite'):
        raise RuntimeError(f'No immutability triggers for {dialect}.')
    if dialect == 'postgres':
        await client.execute_script(PG_FUNCTION)
    for table in IMMUTABLE_TABLES:
        for sql in _statements(dialect, table):
            await client.execute_script(sql)


async def drop_triggers(apps, schema_editor):
    client = schema_editor.client
    dialect = client.capabilities.dialect
    for table in IMMUTABLE_TABLES:
        if dialect == 'postgres':
            for name in (f'{table}_immutable', f'{table}_immutable_truncate'):
                await client.execute_script(f'DROP TRIGGER IF EXISTS "{name}" ON "{table}"')
        else:
            for event in ('update', 'delete'):
                await client.execute_script(f'DROP TRIGGER IF EXISTS "{table}_immutable_{event}"')
    if dialect == 'postgres':
        await client.execute_script('DROP FUNCTION IF EXISTS refuse_immutable_change()')


class Migration(migrations.Migration):
    dependencies = [('models', '0003_accounts')]

    initial = False

    operations = [
        ops.AddField(
            model_name='Invoice',
            name='credit',
            field=fields.IntField(default=0, description='Yen already paid on the invoices this one corrects.'),
        ),
        ops.AddConstraint(
            model_name='Invoice',
            constraint=UniqueConstraint(fields=('corrects',), name=None),
        ),
        ops.AlterField(
            model_name='InvoiceLine',
            name='kind',
            field=fields.CharEnumField(description='PLAN: PLAN\nOPTION: OPTION\nADJUST: ADJUST', enum_type=LineKind, max_length=8),
        ),
        ops.AlterModelOptions(
            name='Payment',
            options={'table': 'payment', 'app': 'models', 'pk_attr': 'id', 'table_description': 'Money received against an invoice (may be partial). Kept as recorded: a payment'},
        ),
        ops.RunPython(create_triggers, drop_triggers),
    ]
