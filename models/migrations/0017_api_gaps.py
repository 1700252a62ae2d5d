from tortoise import migrations
from tortoise.migrations import operations as ops
from tortoise.indexes import Index

class Migration(migrations.Migration):
    dependencies = [('models', '0015_provision_retention')]

    initial = False

    operations = [
        ops.AddIndex(
            model_name='Account',
            index=Index(fields=['role', 'id']),
        ),
        ops.AddIndex(
            model_name='Account',
            index=Index(fields=['disabled', 'id']),
        ),
        ops.AddIndex(
            model_name='Inquiry',
            index=Index(fields=['customer_id', 'id']),
        ),
        ops.AddIndex(
            model_name='Inquiry',
            index=Index(fields=['kind', 'id']),
        ),
    ]
