from tortoise import migrations

# P5.F research answers are a pure function of the research population (customers' birth
# date, postal code and address; active contracts' plan and fee; active options and their
# fees) and the pseudonym key: computed once per version of it, shared by every worker's
# requests (resolvers/research/snapshot.py). The version comes from the database, so that
# every worker on every host notices a change: research_change is append-only, one row per
# writing transaction (PostgreSQL) or changed row (SQLite) that touched what the population
# reads; max(id) is the version, an index-only read. It holds an id and, on PostgreSQL, the
# writer's transaction id — never a value, never whose row it was. Triggers fill it: on
# INSERT, DELETE and TRUNCATE of the four tables, and on UPDATE only of the columns read, and
# only when one of them really changed (an unrelated edit, a phone number, forces nothing).
# RunPython: trigger bodies hold ';'.
WATCHED = {  # table -> the columns the research population reads
    'customer': ('id', 'birth_date', 'postal_code', 'address'),
    'contract': ('id', 'customer_id', 'plan', 'monthly_fee', 'cancelled_on'),
    'option_subscription': ('id', 'contract_id', 'option_id', 'cancelled_on'),
    'option_service': ('id', 'monthly_fee'),
}

# PostgreSQL: sequence values are taken in one order and committed in another, so a reader
# may see id 11 while 10 is still to commit. The writer's transaction id lets the reader ask
# later whether a transaction in progress when it computed has since added a row
# (resolvers/research/version.py). One row per transaction is enough for that.
PG_TABLE = """CREATE TABLE IF NOT EXISTS research_change (
    id BIGSERIAL PRIMARY KEY,
    xid xid8 NOT NULL DEFAULT pg_current_xact_id()
)"""
PG_INDEX = 'CREATE INDEX IF NOT EXISTS research_change_xid ON research_change (xid)'
PG_FUNCTION = """CREATE OR REPLACE FUNCTION research_changed() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    IF NOT EXISTS (SELECT 1 FROM research_change WHERE xid = pg_current_xact_id()) THEN
        INSERT INTO research_change DEFAULT VALUES;
    END IF;
    RETURN NULL;
END
$$"""
SQLITE_TABLE = (
    'CREATE TABLE IF NOT EXISTS research_change (id INTEGER PRIMARY KEY AUTOINCREMENT)'
)


def _changed(columns, is_distinct):
    return ' OR '.join(f'OLD."{c}" {is_distinct} NEW."{c}"' for c in columns)


def _pg_triggers(table, columns):
    listed = ', '.join(f'"{c}"' for c in columns)
    return (
        f'CREATE TRIGGER "research_{table}_rows" AFTER INSERT OR DELETE OR TRUNCATE '
        f'ON "{table}" FOR EACH STATEMENT EXECUTE FUNCTION research_changed()',
        f'CREATE TRIGGER "research_{table}_update" AFTER UPDATE OF {listed} ON "{table}" '
        f'FOR EACH ROW WHEN ({_changed(columns, "IS DISTINCT FROM")}) '
        'EXECUTE FUNCTION research_changed()',
    )


def _sqlite_triggers(table, columns):
    insert = 'BEGIN INSERT INTO research_change (id) VALUES (NULL); END'
    listed = ', '.join(f'"{c}"' for c in columns)
    return (
        f'CREATE TRIGGER "research_{table}_insert" AFTER INSERT ON "{table}" {insert}',
        f'CREATE TRIGGER "research_{table}_delete" AFTER DELETE ON "{table}" {insert}',
        f'CREATE TRIGGER "research_{table}_update" AFTER UPDATE OF {listed} ON "{table}" '
        f'WHEN {_changed(columns, "IS NOT")} {insert}',
    )


def _trigger_names(table, dialect):
    kinds = ('rows', 'update') if dialect == 'postgres' else ('insert', 'delete', 'update')
    return [f'research_{table}_{kind}' for kind in kinds]


async def watch_research_population(apps, schema_editor):
    client = schema_editor.client
    dialect = client.capabilities.dialect
    if dialect == 'postgres':
        statements = [PG_TABLE, PG_INDEX, PG_FUNCTION]
        triggers = _pg_triggers
    elif dialect == 'sqlite':
        statements, triggers = [SQLITE_TABLE], _sqlite_triggers
    else:
        raise RuntimeError(f'No research change triggers for {dialect}.')
    for table, columns in WATCHED.items():
        statements += triggers(table, columns)
    statements.append('INSERT INTO research_change DEFAULT VALUES')  # version 1: as migrated
    for sql in statements:
        await client.execute_script(sql)


async def unwatch_research_population(apps, schema_editor):
    client = schema_editor.client
    dialect = client.capabilities.dialect
    for table in WATCHED:
        for name in _trigger_names(table, dialect):
            on = f' ON "{table}"' if dialect == 'postgres' else ''
            await client.execute_script(f'DROP TRIGGER IF EXISTS "{name}"{on}')
    if dialect == 'postgres':
        await client.execute_script('DROP FUNCTION IF EXISTS research_changed()')
    await client.execute_script('DROP TABLE IF EXISTS research_change')


class Migration(migrations.Migration):
    dependencies = [('models', '0025_credential_reset')]

    initial = False

    operations = [
        migrations.operations.RunPython(watch_research_population, unwatch_research_population)
    ]
