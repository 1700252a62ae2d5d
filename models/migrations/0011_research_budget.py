from tortoise import migrations
from tortoise.migrations import operations as ops
from tortoise.fields.base import OnDelete
from tortoise import fields

class Migration(migrations.Migration):
    dependencies = [('models', '0010_audit_log')]

    initial = False

    operations = [
        ops.CreateModel(
            name='PrivacyBudget',
            fields=[
                ('account', fields.OneToOneField('models.Account', source_field='account_id', primary_key=True, db_index=True, db_constraint=True, to_field='id', related_name='privacy_budget', on_delete=OnDelete.RESTRICT)),
                ('spent_micro', fields.BigIntField(default=0)),
                ('answers', fields.IntField(default=0)),
                ('updated_at', fields.DatetimeField(auto_now=True, auto_now_add=False)),
            ],
            options={'table': 'research_budget', 'app': 'models', 'pk_attr': 'account_id', 'table_description': 'What one analyst has spent of their differential-privacy budget (P5.F), in millionths'},
            bases=['Model'],
        ),
    ]
