from tortoise import migrations
from tortoise.migrations import operations as ops
from tortoise import fields
from tortoise.indexes import Index

class Migration(migrations.Migration):
    dependencies = [('models', '0008_side_doors')]

    initial = False

    operations = [
        ops.RemoveIndex(
            model_name='AuditEntry',
            name=None,
            fields=['subject_type', 'subject_id'],
        ),
        ops.AddIndex(
            model_name='AuditEntry',
            index=Index(fields=['request_id', 'id']),
        ),
        ops.AddIndex(
            model_name='AuditEntry',
            index=Index(fields=['subject_type', 'subject_id', 'request_id', 'id']),
        ),
        ops.AddIndex(
            model_name='AuditRequest',
            index=Index(fields=['actor', 'id']),
        ),
        ops.AddIndex(
            model_name='AuditRequest',
            index=Index(fields=['purpose', 'id']),
        ),
        ops.AddIndex(
            model_name='Customer',
            index=Index(fields=['phone', 'id']),
        ),
        ops.AddIndex(
            model_name='Customer',
            index=Index(fields=['email', 'id']),
        ),
        ops.AddIndex(
            model_name='Customer',
            index=Index(fields=['name', 'id']),
        ),
        ops.AddIndex(
            model_name='Customer',
            index=Index(fields=['name_kana', 'id']),
        ),
        ops.AddIndex(
            model_name='Customer',
            index=Index(fields=['birth_date', 'id']),
        ),
        ops.AddIndex(
            model_name='Customer',
            index=Index(fields=['agent_id', 'id']),
        ),
        ops.AddIndex(
            model_name='Payment',
            index=Index(fields=['invoice_id', 'id']),
        ),
        ops.AddIndex(
            model_name='Session',
            index=Index(fields=['account_id', 'id']),
        ),
        ops.AddIndex(
            model_name='SecurityEvent',
            index=Index(fields=['kind', 'id']),
        ),
        ops.AddIndex(
            model_name='SecurityEvent',
            index=Index(fields=['actor', 'id']),
        ),
        ops.AddIndex(
            model_name='Contract',
            index=Index(fields=['customer_id', 'id']),
        ),
        ops.AddIndex(
            model_name='Contract',
            index=Index(fields=['agent_id', 'id']),
        ),
        ops.AddIndex(
            model_name='Invoice',
            index=Index(fields=['customer_id', 'id']),
        ),
    ]
