from tortoise import migrations
from tortoise.migrations import operations as ops
from models.account import Activation
from models.binding import BindingMethod, Channel
from models.outbox import DeliveryState
from tortoise.fields.base import OnDelete
from tortoise import fields
from tortoise.indexes import Index
from tortoise.migrations.constraints import UniqueConstraint


# Issue 8 §7: login IDs in login_throttle were kept in clear ('login:<id>'); they are now a
# keyed hash made with the deployment secret, which a migration does not have. Old rows are
# cleared instead of converted: a count is forgotten after 15 quiet minutes anyway.
CLEAR_LOGIN_IDS = "DELETE FROM \"login_throttle\" WHERE \"key\" LIKE 'login:%'"

# Issue 8 §1: logins bound to a person before identity proofing existed are recorded as such,
# so auditors can tell them from logins the person activated.
RECORD_UNPROOFED = [
    "INSERT INTO \"account_binding\" (\"account_id\", \"role\", \"subject_type\", "
    "\"subject_id\", \"method\", \"requested_by\", \"requested_at\") "
    f"SELECT \"id\", \"role\", '{kind}', \"{kind}_id\", 'UNPROOFED', '-', \"created_at\" "
    f"FROM \"account\" WHERE \"{kind}_id\" IS NOT NULL"
    for kind in ('customer', 'agent')
]


class Migration(migrations.Migration):
    dependencies = [('models', '0005_api_token_expiry')]

    initial = False

    operations = [
        ops.RunSQL(CLEAR_LOGIN_IDS, reverse_sql=""),
        ops.CreateModel(
            name='AccountBinding',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('account', fields.OneToOneField('models.Account', source_field='account_id', db_constraint=True, to_field='id', related_name='binding', on_delete=OnDelete.RESTRICT)),
                ('role', fields.CharField(max_length=16)),
                ('subject_type', fields.CharField(max_length=16)),
                ('subject_id', fields.IntField()),
                ('method', fields.CharEnumField(description='ACTIVATION_CODE: ACTIVATION_CODE\nOPERATOR_SEED: OPERATOR_SEED\nUNPROOFED: UNPROOFED', enum_type=BindingMethod, max_length=20)),
                ('requested_by', fields.CharField(max_length=64)),
                ('requested_at', fields.DatetimeField(auto_now=False, auto_now_add=False)),
                ('approved_by', fields.CharField(null=True, max_length=64)),
                ('approved_at', fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
                ('channel', fields.CharEnumField(null=True, description='EMAIL: EMAIL\nPOST: POST', enum_type=Channel, max_length=8)),
                ('code_hash', fields.CharField(null=True, max_length=64)),
                ('code_expires_at', fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
                ('notification_id', fields.BigIntField(null=True)),
                ('activated_at', fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
            ],
            options={'table': 'account_binding', 'app': 'models', 'pk_attr': 'id'},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='Notification',
            fields=[
                ('id', fields.BigIntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('kind', fields.CharField(max_length=32)),
                ('channel', fields.CharEnumField(description='EMAIL: EMAIL\nPOST: POST', enum_type=Channel, max_length=8)),
                ('recipient_type', fields.CharField(max_length=16)),
                ('recipient_id', fields.IntField()),
                ('sealed', fields.TextField(unique=False)),
                ('state', fields.CharEnumField(default=DeliveryState.QUEUED, description='QUEUED: QUEUED\nSENDING: SENDING\nSENT: SENT\nFAILED: FAILED', enum_type=DeliveryState, max_length=8)),
                ('attempts', fields.IntField(default=0)),
                ('last_error', fields.CharField(null=True, max_length=64)),
                ('created_at', fields.DatetimeField(auto_now=False, auto_now_add=False)),
                ('next_attempt_at', fields.DatetimeField(db_index=True, auto_now=False, auto_now_add=False)),
                ('claimed_at', fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
                ('sent_at', fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
            ],
            options={'table': 'notification', 'app': 'models', 'indexes': [Index(fields=['state', 'next_attempt_at'])], 'pk_attr': 'id'},
            bases=['Model'],
        ),
        ops.AlterModelOptions(
            name='Account',
            options={'table': 'account', 'app': 'models', 'unique_together': (('customer',), ('agent',)), 'pk_attr': 'id', 'table_description': 'P7.1: one user ID per customer (and per agent) - unique columns, not only a check.'},
        ),
        ops.AddField(
            model_name='Account',
            name='activation',
            field=fields.CharEnumField(default=Activation.ACTIVE, description='ACTIVE: ACTIVE\nAWAITING_APPROVAL: AWAITING_APPROVAL\nAWAITING_PERSON: AWAITING_PERSON', enum_type=Activation, max_length=20),
        ),
        ops.AddField(
            model_name='Account',
            name='created_by',
            field=fields.CharField(null=True, max_length=64),
        ),
        ops.AddConstraint(
            model_name='Account',
            constraint=UniqueConstraint(fields=('customer',), name=None),
        ),
        ops.AddConstraint(
            model_name='Account',
            constraint=UniqueConstraint(fields=('agent',), name=None),
        ),
        ops.AddField(
            model_name='SecurityEvent',
            name='approved_by',
            field=fields.CharField(null=True, max_length=64),
        ),
        ops.AddField(
            model_name='SecurityEvent',
            name='requested_by',
            field=fields.CharField(null=True, max_length=64),
        ),
        ops.AddField(
            model_name='SecurityEvent',
            name='role',
            field=fields.CharField(null=True, max_length=16),
        ),
        ops.AddField(
            model_name='SecurityEvent',
            name='bound_subject',
            field=fields.CharField(null=True, max_length=32),
        ),
        ops.RunSQL(RECORD_UNPROOFED, reverse_sql=""),
    ]
