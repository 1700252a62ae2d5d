import importlib
from tortoise import migrations
from tortoise.migrations import operations as ops
import functools
from json import dumps, loads
from models.billing import LineKind
from models.people import Actor
from models.rights import ConsentAction, ConsentChannel, IdDocument, RequestKind
from tortoise.fields.base import OnDelete
from tortoise import fields
from tortoise.indexes import Index

# AlterField rebuilds the table on SQLite, and its immutability triggers (0004) go with it:
# put them back. On PostgreSQL they survive; dropping and creating again is harmless.
_billing = importlib.import_module('models.migrations.0004_billing_integrity')


async def restore_invoice_line_triggers(apps, schema_editor):
    client = schema_editor.client
    dialect = client.capabilities.dialect
    table = 'invoice_line'
    if dialect == 'postgres':
        names = (f'{table}_immutable', f'{table}_immutable_truncate')
        drops = [f'DROP TRIGGER IF EXISTS "{name}" ON "{table}"' for name in names]
    else:
        drops = [f'DROP TRIGGER IF EXISTS "{table}_immutable_{e}"' for e in ('update', 'delete')]
    for sql in [*drops, *_billing._statements(dialect, table)]:
        await client.execute_script(sql)


async def nothing(apps, schema_editor):
    return None


class Migration(migrations.Migration):
    dependencies = [('models', '0011_research_budget')]

    initial = False

    operations = [
        ops.CreateModel(
            name='ConsentInForce',
            fields=[
                ('id', fields.BigIntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('customer', fields.ForeignKeyField('models.Customer', source_field='customer_id', db_constraint=True, to_field='id', related_name='named_consents', on_delete=OnDelete.RESTRICT)),
                ('use', fields.CharField(max_length=40)),
                ('since', fields.DatetimeField(auto_now=False, auto_now_add=False)),
                ('policy_version', fields.CharField(max_length=32)),
            ],
            options={'table': 'consent_in_force', 'app': 'models', 'unique_together': (('customer', 'use'),), 'pk_attr': 'id', 'table_description': "The current state of a named use's consent, kept in the same transaction as the record"},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='ConsentRecord',
            fields=[
                ('id', fields.BigIntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('customer', fields.ForeignKeyField('models.Customer', source_field='customer_id', db_constraint=True, to_field='id', related_name='consent_records', on_delete=OnDelete.RESTRICT)),
                ('use', fields.CharField(max_length=40)),
                ('action', fields.CharEnumField(description='GRANTED: GRANTED\nWITHDRAWN: WITHDRAWN', enum_type=ConsentAction, max_length=10)),
                ('at', fields.DatetimeField(auto_now=False, auto_now_add=False)),
                ('channel', fields.CharEnumField(description='WEB: WEB\nPAPER: PAPER\nPHONE: PHONE\nEMAIL: EMAIL\nIN_PERSON: IN_PERSON', enum_type=ConsentChannel, max_length=10)),
                ('policy_version', fields.CharField(max_length=32)),
                ('notice_text', fields.TextField(unique=False)),
                ('recorded_by', fields.CharField(max_length=64)),
                ('recorded_role', fields.CharField(max_length=16)),
            ],
            options={'table': 'consent_record', 'app': 'models', 'indexes': [Index(fields=['customer_id', 'use'])], 'pk_attr': 'id', 'table_description': 'One decision of one person about one use: appended, never changed (P5).'},
            bases=['Immutable'],
        ),
        ops.CreateModel(
            name='LegalHold',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('customer', fields.ForeignKeyField('models.Customer', source_field='customer_id', db_constraint=True, to_field='id', related_name='legal_holds', on_delete=OnDelete.RESTRICT)),
                ('reason', fields.CharField(max_length=200)),
                ('placed_by', fields.CharField(max_length=64)),
                ('placed_at', fields.DatetimeField(auto_now=False, auto_now_add=False)),
                ('released_at', fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
            ],
            options={'table': 'legal_hold', 'app': 'models', 'pk_attr': 'id', 'table_description': "Stops the purge of one customer's data for a named reason until released (P7.4)."},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='NamedUse',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('code', fields.CharField(unique=True, max_length=40)),
                ('base', fields.CharField(max_length=1)),
                ('description', fields.CharField(max_length=400)),
                ('notice_text', fields.TextField(unique=False)),
                ('defined_by', fields.CharField(max_length=64)),
                ('defined_at', fields.DatetimeField(auto_now=False, auto_now_add=False)),
                ('policy_version', fields.CharField(max_length=32)),
            ],
            options={'table': 'named_use', 'app': 'models', 'pk_attr': 'id', 'table_description': 'A use outside P5 A-H, defined by the operator: nobody is reached for it without a'},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='PurgeRecord',
            fields=[
                ('id', fields.BigIntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('run_id', fields.CharField(db_index=True, max_length=36)),
                ('at', fields.DatetimeField(auto_now=False, auto_now_add=False)),
                ('rule', fields.CharField(max_length=40)),
                ('subject_type', fields.CharField(max_length=32)),
                ('subject_id', fields.IntField()),
                ('action', fields.CharField(max_length=12)),
            ],
            options={'table': 'purge_record', 'app': 'models', 'pk_attr': 'id', 'table_description': 'What one purge run removed or anonymised, by rule: ids and counts, never values.'},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='RightsRequest',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('kind', fields.CharEnumField(description='DISCLOSURE: DISCLOSURE\nSTOP: STOP\nDELETE: DELETE', enum_type=RequestKind, max_length=12)),
                ('customer', fields.ForeignKeyField('models.Customer', source_field='customer_id', null=True, db_constraint=True, to_field='id', related_name='rights_requests', on_delete=OnDelete.RESTRICT)),
                ('reply_to', fields.CharField(default='', max_length=254)),
                ('document', fields.CharEnumField(description='DRIVERS_LICENCE: DRIVERS_LICENCE\nPASSPORT: PASSPORT\nPHOTO_MEMBERSHIP_CARD: PHOTO_MEMBERSHIP_CARD', enum_type=IdDocument, max_length=24)),
                ('checked_by', fields.CharField(max_length=64)),
                ('checked_at', fields.DatetimeField(auto_now=False, auto_now_add=False)),
                ('received_at', fields.DatetimeField(auto_now=False, auto_now_add=False)),
                ('due_at', fields.DatetimeField(auto_now=False, auto_now_add=False)),
                ('fee', fields.IntField()),
                ('invoice', fields.ForeignKeyField('models.Invoice', source_field='invoice_id', null=True, db_constraint=True, to_field='id', related_name='rights_requests', on_delete=OnDelete.RESTRICT)),
                ('policy_version', fields.CharField(max_length=32)),
                ('answered_at', fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
                ('answered_by', fields.CharField(default='', max_length=64)),
                ('answer_summary', fields.JSONField(default=dict, encoder=functools.partial(dumps, separators=(',', ':')), decoder=loads)),
            ],
            options={'table': 'rights_request', 'app': 'models', 'pk_attr': 'id', 'table_description': 'A request from a (former) customer, taken after an in-person identity check.'},
            bases=['Model'],
        ),
        ops.AddField(
            model_name='AuditRequest',
            name='named_use',
            field=fields.CharField(null=True, max_length=40),
        ),
        ops.AddField(
            model_name='Customer',
            name='anonymised_at',
            field=fields.DatetimeField(null=True, auto_now=False, auto_now_add=False),
        ),
        ops.AddField(
            model_name='CustomerVersion',
            name='actor',
            field=fields.CharEnumField(default=Actor.HOLDER, description='HOLDER: HOLDER\nCONTACT: CONTACT\nOPERATOR: OPERATOR', enum_type=Actor, max_length=10),
        ),
        ops.AddField(
            model_name='CustomerVersion',
            name='contact_id',
            field=fields.IntField(null=True),
        ),
        ops.AlterField(
            model_name='InvoiceLine',
            name='kind',
            field=fields.CharEnumField(description='PLAN: PLAN\nOPTION: OPTION\nADJUST: ADJUST\nFEE: FEE', enum_type=LineKind, max_length=8),
        ),
        ops.RunPython(restore_invoice_line_triggers, nothing),
    ]
