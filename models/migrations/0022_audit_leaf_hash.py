from tortoise import migrations
from tortoise.migrations import operations as ops
from tortoise import fields

# Each audit record's Merkle leaf hash, computed when it is written (directives/audit.py), so
# that the sequencer numbers records without reading their entries back (issue 11's cost).
# Nullable: rows written before this migration are hashed from their rows by the sequencer.


class Migration(migrations.Migration):
    dependencies = [('models', '0019_search_keys')]

    initial = False

    operations = [
        ops.AddField(
            model_name='AuditRequest',
            name='leaf_hash',
            field=fields.CharField(null=True, max_length=64),
        ),
    ]
