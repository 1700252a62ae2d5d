from tortoise import migrations

# On PostgreSQL, audit_entry.request_id is no longer checked against audit_request by a
# foreign key. The check cost every entry row an index probe and a row lock on its request
# (20 rows: 0.16 ms of a dashboard's 0.84 ms audit statement, measured on the demo data),
# and it guarded nothing the writes leave open: entries are only ever inserted by the
# statement that inserts their request, joined to the rows it returned (directives/audit.py:
# `_pg_part`), and the append-only triggers (0010) refuse every UPDATE, DELETE and TRUNCATE.
# What a foreign key would still refuse, an entry inserted by hand for no request, the
# verifier names instead (tlog/verify.py: entries of no record), as it names every other
# change made with write access. SQLite keeps its key: its check is an in-process lookup,
# and dropping it would mean rebuilding the table.

_DROP = """
DO $$
DECLARE name text;
BEGIN
  FOR name IN SELECT conname FROM pg_constraint
      WHERE conrelid = 'audit_entry'::regclass AND confrelid = 'audit_request'::regclass
        AND contype = 'f'
  LOOP
    EXECUTE format('ALTER TABLE audit_entry DROP CONSTRAINT %I', name);
  END LOOP;
END $$;
"""
_ADD = (
    'ALTER TABLE "audit_entry" ADD CONSTRAINT "audit_entry_request_id_fkey" '
    'FOREIGN KEY ("request_id") REFERENCES "audit_request" ("id") ON DELETE RESTRICT'
)


async def unchecked(apps, schema_editor):
    client = schema_editor.client
    if client.capabilities.dialect == "postgres":
        await client.execute_script(_DROP)


async def checked(apps, schema_editor):
    """Back to 0028: the key again, checked over every row already there."""
    client = schema_editor.client
    if client.capabilities.dialect == "postgres":
        await client.execute_script(_ADD)


class Migration(migrations.Migration):
    dependencies = [('models', '0028_research_change_cut')]

    initial = False

    operations = [migrations.operations.RunPython(unchecked, checked)]
