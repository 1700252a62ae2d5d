from tortoise import fields
from tortoise import migrations
from tortoise.indexes import Index
from tortoise.migrations import operations as ops

# Security events and the access log list in time order, (at, id) (resolvers/audit/timeline.py):
# each filter is one range of an (at, id) index. Their (kind, id), (actor, id), (kind) and (at)
# indexes served the id order and nothing else; audit_request's (actor) and (purpose) are
# prefixes of its (actor, id) and (purpose, id): dropped, one index less to write per row.
#
# On PostgreSQL the indexes are built and dropped CONCURRENTLY, outside a transaction
# (`atomic = False`): writers are never blocked (SHARE UPDATE EXCLUSIVE, not SHARE), so a
# deployment keeps serving and writing its audit while a large table is indexed, at the cost of
# two passes over the table. A build interrupted half-way leaves an INVALID index: it is dropped
# and built again when the migration is rerun. SQLite has no such mode (a short write lock).
# RunPython, not RunSQL: the statements differ by database. The state-only operations below
# keep Tortoise's model state equal to models/ (the database work is done here only).
NEW = {
    "security_event_at_id": ("security_event", ("at", "id")),
    "security_event_kind_at_id": ("security_event", ("kind", "at", "id")),
    "security_event_actor_at_id": ("security_event", ("actor", "at", "id")),
    "access_log_at_id": ("access_log", ("at", "id")),
}
OLD = {
    "idx_security_ev_kind_26635a": ("security_event", ("kind", "id")),
    "idx_security_ev_actor_9eb3a6": ("security_event", ("actor", "id")),
    "idx_security_ev_kind_fc9bb2": ("security_event", ("kind",)),
    "idx_security_ev_at_6524d4": ("security_event", ("at",)),
    "idx_access_log_at_406e85": ("access_log", ("at",)),
    "idx_audit_reque_actor_d65bf4": ("audit_request", ("actor",)),
    "idx_audit_reque_purpose_079cf9": ("audit_request", ("purpose",)),
}


def _columns(columns):
    return ", ".join(f'"{c}"' for c in columns)


async def _create(client, name, table, columns):
    if client.capabilities.dialect == "postgres":
        invalid = await client.execute_query_dict(
            "SELECT 1 FROM pg_index i JOIN pg_class c ON c.oid = i.indexrelid "
            "WHERE c.relname = $1 AND NOT i.indisvalid",
            [name],
        )
        if invalid:  # an interrupted concurrent build
            await client.execute_script(f'DROP INDEX CONCURRENTLY IF EXISTS "{name}"')
        how = "CONCURRENTLY IF NOT EXISTS"
    else:
        how = "IF NOT EXISTS"
    await client.execute_script(f'CREATE INDEX {how} "{name}" ON "{table}" ({_columns(columns)})')


async def _drop(client, name):
    how = "CONCURRENTLY IF EXISTS" if client.capabilities.dialect == "postgres" else "IF EXISTS"
    await client.execute_script(f'DROP INDEX {how} "{name}"')


async def forward(apps, schema_editor):
    client = schema_editor.client
    if client.capabilities.dialect not in ("postgres", "sqlite"):
        raise RuntimeError(f"No index statements for {client.capabilities.dialect}.")
    for name, (table, columns) in NEW.items():  # the new ones first: a list always has one
        await _create(client, name, table, columns)
    for name in OLD:
        await _drop(client, name)


async def backward(apps, schema_editor):
    client = schema_editor.client
    for name, (table, columns) in OLD.items():
        await _create(client, name, table, columns)
    for name in NEW:
        await _drop(client, name)


class StateOnly:
    """Mixin: the operation's model state change, with no database work (done above)."""

    async def database_forward(self, *args, **kwargs):
        return None

    async def database_backward(self, *args, **kwargs):
        return None


class AddIndexState(StateOnly, ops.AddIndex):
    pass


class RemoveIndexState(StateOnly, ops.RemoveIndex):
    pass


class AlterFieldState(StateOnly, ops.AlterField):
    pass


class Migration(migrations.Migration):
    dependencies = [("models", "0022_audit_leaf_hash")]

    initial = False
    atomic = False  # CREATE INDEX CONCURRENTLY cannot run in a transaction

    operations = [
        ops.RunPython(forward, backward, atomic=False),
        RemoveIndexState(model_name="SecurityEvent", fields=["kind", "id"]),
        RemoveIndexState(model_name="SecurityEvent", fields=["actor", "id"]),
        *(
            AddIndexState(model_name=model, index=Index(fields=columns, name=name))
            for name, (table, columns) in NEW.items()
            for model in ["SecurityEvent" if table == "security_event" else "AccessLogEntry"]
        ),
        AlterFieldState(
            model_name="SecurityEvent", name="at", field=fields.DatetimeField()
        ),
        AlterFieldState(
            model_name="SecurityEvent", name="kind", field=fields.CharField(max_length=32)
        ),
        AlterFieldState(model_name="AccessLogEntry", name="at", field=fields.DatetimeField()),
        AlterFieldState(
            model_name="AuditRequest", name="actor", field=fields.CharField(max_length=64)
        ),
        AlterFieldState(
            model_name="AuditRequest", name="purpose", field=fields.CharField(max_length=8)
        ),
    ]
