from tortoise import fields, migrations
from tortoise.fields.base import OnDelete
from tortoise.indexes import Index
from tortoise.migrations import operations as ops

from models.resets import ResetMethod

# Four-eyes resets of another account's password / second factor (auth/resets.py): one row
# per reset; `open` is TRUE while it waits for approval and NULL after, so the unique
# (account_id, open) allows one open reset per account.


class Migration(migrations.Migration):
    dependencies = [('models', '0024_invoice_name')]

    initial = False

    operations = [
        ops.CreateModel(
            name='CredentialReset',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('account', fields.ForeignKeyField('models.Account', source_field='account_id', db_constraint=True, to_field='id', related_name='credential_resets', on_delete=OnDelete.RESTRICT)),
                ('method', fields.CharEnumField(description='ACTIVATION_CODE: ACTIVATION_CODE\nSPLIT_PASSWORD: SPLIT_PASSWORD', enum_type=ResetMethod, max_length=16)),
                ('second_factor', fields.BooleanField()),
                ('requested_by', fields.CharField(max_length=64)),
                ('requested_at', fields.DatetimeField(auto_now=False, auto_now_add=False)),
                ('approved_by', fields.CharField(null=True, max_length=64)),
                ('approved_at', fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
                ('sealed_part', fields.TextField(default='', unique=False)),
                ('open', fields.BooleanField(null=True, default=True)),
            ],
            options={'table': 'credential_reset', 'app': 'models', 'unique_together': (('account', 'open'),), 'indexes': [Index(fields=['open', 'id'])], 'pk_attr': 'id'},
            bases=['Model'],
        ),
    ]
