from tortoise import migrations
from tortoise.migrations import operations as ops
import functools
from json import dumps, loads
from models.account import Reminder
from models.security import Stage
from tortoise.fields.base import OnDelete
from tortoise import fields

class Migration(migrations.Migration):
    dependencies = [('models', '0002_business')]

    initial = False

    operations = [
        ops.CreateModel(
            name='AccessLogEntry',
            fields=[
                ('id', fields.BigIntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('at', fields.DatetimeField(db_index=True, auto_now=False, auto_now_add=False)),
                ('host_name', fields.CharField(null=True, max_length=255)),
                ('client_address', fields.CharField(null=True, max_length=64)),
                ('browser', fields.CharField(max_length=64)),
                ('os', fields.CharField(max_length=64)),
                ('method', fields.CharField(max_length=8)),
                ('path', fields.CharField(max_length=64)),
                ('status', fields.IntField()),
                ('duration_ms', fields.FloatField()),
            ],
            options={'table': 'access_log', 'app': 'models', 'pk_attr': 'id', 'table_description': 'P6.1: host, address, browser, OS, time, method, path, status, duration. Nothing more.'},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='ApiToken',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('name', fields.CharField(max_length=64)),
                ('token_hash', fields.CharField(unique=True, max_length=64)),
                ('account', fields.ForeignKeyField('models.Account', source_field='account_id', db_constraint=True, to_field='id', related_name='api_tokens', on_delete=OnDelete.CASCADE)),
                ('role', fields.CharField(max_length=16)),
                ('created_at', fields.DatetimeField(auto_now=False, auto_now_add=True)),
                ('last_used_at', fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
                ('revoked_at', fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
            ],
            options={'table': 'api_token', 'app': 'models', 'unique_together': (('account', 'name'),), 'pk_attr': 'id', 'table_description': 'A named, revocable token for an integration, scoped to one role.'},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='Contact',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('customer', fields.ForeignKeyField('models.Customer', source_field='customer_id', db_constraint=True, to_field='id', related_name='contacts', on_delete=OnDelete.RESTRICT)),
                ('name', fields.CharField(max_length=120)),
                ('department', fields.CharField(default='', max_length=120)),
                ('phone', fields.CharField(default='', max_length=20)),
                ('email', fields.CharField(default='', max_length=254)),
                ('version', fields.IntField(default=1)),
                ('history', fields.JSONField(default=list, encoder=functools.partial(dumps, separators=(',', ':')), decoder=loads)),
                ('created_at', fields.DatetimeField(auto_now=False, auto_now_add=True)),
            ],
            options={'table': 'contact', 'app': 'models', 'pk_attr': 'id', 'table_description': "A customer company's staff member without a user ID (P7.2): kept by the ID holder."},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='LoginThrottle',
            fields=[
                ('key', fields.CharField(primary_key=True, unique=True, db_index=True, max_length=160)),
                ('failures', fields.IntField(default=0)),
                ('blocked_until', fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
                ('updated_at', fields.DatetimeField(auto_now=False, auto_now_add=False)),
            ],
            options={'table': 'login_throttle', 'app': 'models', 'pk_attr': 'key', 'table_description': "Failures per key ('login:<id>', 'addr:<ip>', 'totp:<account>'): delays, then a lock."},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='RecoveryCode',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('account', fields.ForeignKeyField('models.Account', source_field='account_id', db_constraint=True, to_field='id', related_name='recovery_codes', on_delete=OnDelete.CASCADE)),
                ('code_hash', fields.CharField(unique=True, max_length=64)),
                ('used_at', fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
            ],
            options={'table': 'recovery_code', 'app': 'models', 'pk_attr': 'id'},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='SecurityEvent',
            fields=[
                ('id', fields.BigIntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('at', fields.DatetimeField(db_index=True, auto_now=False, auto_now_add=False)),
                ('kind', fields.CharField(db_index=True, max_length=32)),
                ('actor', fields.CharField(max_length=64)),
                ('account_id', fields.IntField(null=True)),
                ('client_address', fields.CharField(null=True, max_length=64)),
                ('detail', fields.CharField(default='', max_length=64)),
            ],
            options={'table': 'security_event', 'app': 'models', 'pk_attr': 'id', 'table_description': 'ASVS V16: who, what, when (UTC), from where. Never a credential or a personal value.'},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='Session',
            fields=[
                ('id', fields.BigIntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('token_hash', fields.CharField(unique=True, max_length=64)),
                ('csrf_hash', fields.CharField(max_length=64)),
                ('account', fields.ForeignKeyField('models.Account', source_field='account_id', db_constraint=True, to_field='id', related_name='sessions', on_delete=OnDelete.CASCADE)),
                ('stage', fields.CharEnumField(description='PENDING_TOTP: PENDING_TOTP\nPASSWORD_CHANGE: PASSWORD_CHANGE\nTOTP_ENROLMENT: TOTP_ENROLMENT\nFULL: FULL', enum_type=Stage, max_length=16)),
                ('browser', fields.BooleanField(default=False)),
                ('created_at', fields.DatetimeField(auto_now=False, auto_now_add=False)),
                ('last_seen_at', fields.DatetimeField(auto_now=False, auto_now_add=False)),
                ('expires_at', fields.DatetimeField(auto_now=False, auto_now_add=False)),
                ('revoked_at', fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
            ],
            options={'table': 'session', 'app': 'models', 'pk_attr': 'id'},
            bases=['Model'],
        ),
        ops.AddField(
            model_name='Account',
            name='must_change_password',
            field=fields.BooleanField(default=False),
        ),
        ops.AddField(
            model_name='Account',
            name='password_changed_at',
            field=fields.DatetimeField(null=True, auto_now=False, auto_now_add=False),
        ),
        ops.AddField(
            model_name='Account',
            name='password_hash',
            field=fields.CharField(null=True, max_length=255),
        ),
        ops.AddField(
            model_name='Account',
            name='password_reminder',
            field=fields.CharEnumField(default=Reminder.NONE, description='NONE: NONE\nWEEKLY: WEEKLY\nMONTHLY: MONTHLY', enum_type=Reminder, max_length=8),
        ),
        ops.AddField(
            model_name='Account',
            name='totp_confirmed',
            field=fields.BooleanField(default=False),
        ),
        ops.AddField(
            model_name='Account',
            name='totp_last_step',
            field=fields.BigIntField(null=True),
        ),
        ops.AddField(
            model_name='Account',
            name='totp_secret',
            field=fields.CharField(null=True, max_length=255),
        ),
        ops.RemoveField(model_name='Account', name='token_hash'),
    ]
