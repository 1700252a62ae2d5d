import importlib

from tortoise import migrations

# research_change also says whose research row a change touched (customer_id), so that the
# next research answer patches the census with those customers instead of reading all of
# them again (resolvers/research/snapshot.py). An id, as the audit keeps a subject's id:
# never a value. NULL means "anything may have changed": a TRUNCATE, an option service's fee
# (every subscriber's fee), a subscription whose contract is already gone, the compaction's
# row and every row written before this migration. On PostgreSQL one row per transaction and
# customer (a unique index); on SQLite one per changed row.
# 0026 is fixed once applied: its watched columns and trigger helpers are used as they are.
BEFORE = importlib.import_module('models.migrations.0026_research_changes')
WATCHED = BEFORE.WATCHED  # table -> the columns the research population reads
_changed = BEFORE._changed
# Whose row a changed row of each table is, as SQL over OLD / NEW (None: anyone's).
SUBJECT = {
    'customer': '{row}."id"',
    'contract': '{row}."customer_id"',
    'option_subscription': '(SELECT c."customer_id" FROM "contract" c WHERE c."id" = {row}."contract_id")',
    'option_service': None,
}


def _pg_branch(table):
    subject = SUBJECT[table]
    if subject is None:
        return f"WHEN '{table}' THEN whose := ARRAY[NULL::bigint];"
    old, new = subject.format(row='OLD'), subject.format(row='NEW')
    return (
        f"WHEN '{table}' THEN\n"
        f"            IF TG_OP <> 'INSERT' THEN whose := whose || ({old})::bigint; END IF;\n"
        f"            IF TG_OP <> 'DELETE' THEN whose := whose || ({new})::bigint; END IF;"
    )


# A subject found NULL (a subscription whose contract is gone) is recorded as NULL: anything.
PG_FUNCTION = """CREATE OR REPLACE FUNCTION research_changed() RETURNS trigger
LANGUAGE plpgsql AS $$
DECLARE
    whose bigint[] := ARRAY[NULL::bigint];
    one bigint;
BEGIN
    IF TG_LEVEL = 'ROW' THEN
        whose := ARRAY[]::bigint[];
        CASE TG_TABLE_NAME
        %s
        END CASE;
    END IF;
    -- One row per transaction and customer, kept so by the unique index: a conflict is found
    -- in the index, whatever plan a query would get (a probe planned while the table was
    -- small scans it, and a transaction writing many rows would scan it once per row).
    FOREACH one IN ARRAY whose LOOP
        INSERT INTO research_change (customer_id) VALUES (one)
        ON CONFLICT (xid, (coalesce(customer_id, 0))) DO NOTHING;
    END LOOP;
    RETURN NULL;
END
$$""" % "\n        ".join(_pg_branch(t) for t in WATCHED)
PG_BEFORE = [
    'ALTER TABLE research_change ADD COLUMN IF NOT EXISTS customer_id BIGINT',
    'CREATE UNIQUE INDEX IF NOT EXISTS research_change_xid_customer '
    'ON research_change (xid, (coalesce(customer_id, 0)))',
    'DROP INDEX IF EXISTS research_change_xid',
]


def _pg_triggers(table, columns):
    listed = ', '.join(f'"{c}"' for c in columns)
    return (
        *(f'DROP TRIGGER IF EXISTS "research_{table}_{kind}" ON "{table}"'
          for kind in ('rows', 'truncate', 'update')),
        f'CREATE TRIGGER "research_{table}_rows" AFTER INSERT OR DELETE ON "{table}" '
        'FOR EACH ROW EXECUTE FUNCTION research_changed()',
        f'CREATE TRIGGER "research_{table}_truncate" AFTER TRUNCATE ON "{table}" '
        'FOR EACH STATEMENT EXECUTE FUNCTION research_changed()',
        f'CREATE TRIGGER "research_{table}_update" AFTER UPDATE OF {listed} ON "{table}" '
        f'FOR EACH ROW WHEN ({_changed(columns, "IS DISTINCT FROM")}) '
        'EXECUTE FUNCTION research_changed()',
    )


def _sqlite_insert(table, *rows):
    subject = SUBJECT[table]
    values = [subject.format(row=row) if subject else 'NULL' for row in rows]
    return ' '.join(f'INSERT INTO research_change (customer_id) VALUES ({v});' for v in values)


def _sqlite_update(table):
    """The new row's customer, and the old row's too when it is another (or unknown)."""
    subject = SUBJECT[table]
    if subject is None:
        return _sqlite_insert(table, 'NEW')
    old, new = subject.format(row='OLD'), subject.format(row='NEW')
    return (
        f'{_sqlite_insert(table, "NEW")} INSERT INTO research_change (customer_id) '
        f'SELECT {old} WHERE {old} IS NOT {new};'
    )


def _sqlite_triggers(table, columns):
    listed = ', '.join(f'"{c}"' for c in columns)
    return (
        *(f'DROP TRIGGER IF EXISTS "research_{table}_{kind}"' for kind in ('insert', 'delete', 'update')),
        f'CREATE TRIGGER "research_{table}_insert" AFTER INSERT ON "{table}" '
        f'BEGIN {_sqlite_insert(table, "NEW")} END',
        f'CREATE TRIGGER "research_{table}_delete" AFTER DELETE ON "{table}" '
        f'BEGIN {_sqlite_insert(table, "OLD")} END',
        f'CREATE TRIGGER "research_{table}_update" AFTER UPDATE OF {listed} ON "{table}" '
        f'WHEN {_changed(columns, "IS NOT")} BEGIN {_sqlite_update(table)} END',
    )


async def record_whose_row_changed(apps, schema_editor):
    client = schema_editor.client
    dialect = client.capabilities.dialect
    if dialect == 'postgres':
        statements, triggers = [*PG_BEFORE, PG_FUNCTION], _pg_triggers
    elif dialect == 'sqlite':
        statements = ['ALTER TABLE research_change ADD COLUMN customer_id INTEGER']
        triggers = _sqlite_triggers
    else:
        raise RuntimeError(f'No research change triggers for {dialect}.')
    for table, columns in WATCHED.items():
        statements += triggers(table, columns)
    statements.append(  # a new version: anything may have changed (none if this transaction
        'INSERT INTO research_change (customer_id) VALUES (NULL)'  # already holds one)
        + (' ON CONFLICT (xid, (coalesce(customer_id, 0))) DO NOTHING' if dialect == 'postgres' else '')
    )
    for sql in statements:
        await client.execute_script(sql)


async def record_only_that_something_changed(apps, schema_editor):
    """Back to 0026's triggers and table (the column dropped, with its index)."""
    client = schema_editor.client
    dialect = client.capabilities.dialect
    for table in WATCHED:
        names = ('rows', 'truncate', 'update') if dialect == 'postgres' else ('insert', 'delete', 'update')
        for name in names:
            on = f' ON "{table}"' if dialect == 'postgres' else ''
            await client.execute_script(f'DROP TRIGGER IF EXISTS "research_{table}_{name}"{on}')
    await client.execute_script('ALTER TABLE research_change DROP COLUMN customer_id')
    await BEFORE.watch_research_population(apps, schema_editor)


class Migration(migrations.Migration):
    dependencies = [('models', '0026_research_changes')]

    initial = False

    operations = [
        migrations.operations.RunPython(record_whose_row_changed, record_only_that_something_changed)
    ]
