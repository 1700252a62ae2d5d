from tortoise import migrations

# research_change's compaction (resolvers/research/version.py: compact) keeps the latest rows
# and deletes those numbered below a cut; its own row records the cut (and no customer), so
# that a reader holding a version at or above the cut goes on patching its census with the
# customers named since (nothing it needs was deleted) and only a reader holding an older
# version counts everyone again. NULL in every other row. Before this, the compaction cut the
# table to one row and every worker counted everyone again after each purge run.


async def add_cut(apps, schema_editor):
    await schema_editor.client.execute_script('ALTER TABLE research_change ADD COLUMN cut BIGINT')


async def drop_cut(apps, schema_editor):
    """Back to 0027: a compaction's row, its customer NULL, is read as "anyone's" again."""
    await schema_editor.client.execute_script('ALTER TABLE research_change DROP COLUMN cut')


class Migration(migrations.Migration):
    dependencies = [('models', '0027_research_changed_customers')]

    initial = False

    operations = [migrations.operations.RunPython(add_cut, drop_cut)]
