from tortoise import migrations
from tortoise.migrations import operations as ops
from models.third_parties import DeliveryKind, DisclosureStatus, Ground, IncidentKind, NdaStatus, ProviderKind, RefusalReason, TransferExtent, TransferStatus
from orjson import loads
from tortoise.fields.base import OnDelete
from tortoise.fields.data import JSON_DUMPS
from tortoise import fields
from tortoise.indexes import Index

class Migration(migrations.Migration):
    dependencies = [('models', '0012_rights')]

    initial = False

    operations = [
        ops.CreateModel(
            name='BusinessTransfer',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('transferee', fields.CharField(max_length=120)),
                ('extent', fields.CharEnumField(description='ALL: ALL\nPART: PART', enum_type=TransferExtent, max_length=4)),
                ('planned_on', fields.DateField()),
                ('status', fields.CharEnumField(default=TransferStatus.PLANNED, description='PLANNED: PLANNED\nEFFECTIVE: EFFECTIVE', enum_type=TransferStatus, max_length=10)),
                ('planned_by', fields.CharField(max_length=64)),
                ('last_notice_at', fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
                ('notices_sent', fields.IntField(default=0)),
                ('effective_at', fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
            ],
            options={'table': 'business_transfer', 'app': 'models', 'pk_attr': 'id', 'table_description': 'A transfer of all or part of the business (P8.3): every user is notified at least'},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='Disclosure',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('ground', fields.CharEnumField(description='NDA: NDA\nDELIVERY: DELIVERY\nLIFE_BODY_PROPERTY: LIFE_BODY_PROPERTY\nAUTHORITY: AUTHORITY\nPUBLIC_WELFARE: PUBLIC_WELFARE\nPAYMENT_INSTITUTION: PAYMENT_INSTITUTION\nBUSINESS_TRANSFER: BUSINESS_TRANSFER\nCONSENT: CONSENT', enum_type=Ground, max_length=24)),
                ('requesting_party', fields.CharField(max_length=120)),
                ('party_reference', fields.CharField(max_length=60)),
                ('customer_ids', fields.JSONField(encoder=JSON_DUMPS, decoder=loads)),
                ('field_names', fields.JSONField(encoder=JSON_DUMPS, decoder=loads)),
                ('consent_sought', fields.BooleanField()),
                ('requested_by', fields.CharField(max_length=64)),
                ('requested_at', fields.DatetimeField(auto_now=False, auto_now_add=False)),
                ('status', fields.CharEnumField(default='REQUESTED', description='REQUESTED: REQUESTED\nAPPROVED: APPROVED\nREFUSED: REFUSED', enum_type=DisclosureStatus, max_length=10)),
                ('decided_by', fields.CharField(null=True, max_length=64)),
                ('decided_at', fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
                ('refusal_reason', fields.CharEnumField(null=True, description='GROUND_NOT_MET: GROUND_NOT_MET\nNOT_NECESSARY: NOT_NECESSARY\nIMPROPER_PROCEDURE: IMPROPER_PROCEDURE\nCONSENT_REFUSED: CONSENT_REFUSED', enum_type=RefusalReason, max_length=20)),
            ],
            options={'table': 'disclosure', 'app': 'models', 'pk_attr': 'id', 'table_description': 'An exceptional disclosure (P8.3): requested by one member of staff, decided by'},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='Incident',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('kind', fields.CharEnumField(description='LEAK: LEAK\nLOSS: LOSS\nDAMAGE: DAMAGE', enum_type=IncidentKind, max_length=8)),
                ('found_at', fields.DatetimeField(auto_now=False, auto_now_add=False)),
                ('window_from', fields.DatetimeField(auto_now=False, auto_now_add=False)),
                ('window_until', fields.DatetimeField(auto_now=False, auto_now_add=False)),
                ('actor', fields.CharField(max_length=64)),
                ('affected_fields', fields.JSONField(encoder=JSON_DUMPS, decoder=loads)),
                ('affected_customer_ids', fields.JSONField(encoder=JSON_DUMPS, decoder=loads)),
                ('sensitive', fields.BooleanField()),
                ('financial_harm', fields.BooleanField()),
                ('wrongful_intent', fields.BooleanField()),
                ('reportable', fields.BooleanField()),
                ('preliminary_due', fields.DateField()),
                ('final_due', fields.DateField()),
                ('recorded_by', fields.CharField(max_length=64)),
                ('notices_sent', fields.IntField(default=0)),
                ('notices_sent_at', fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
            ],
            options={'table': 'incident', 'app': 'models', 'pk_attr': 'id', 'table_description': 'A leak, loss or damage of personal data (APPI art. 26): what, when found, who and'},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='Provider',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('name', fields.CharField(unique=True, max_length=120)),
                ('kind', fields.CharEnumField(description='OPTION_PROVIDER: OPTION_PROVIDER\nCARRIER: CARRIER', enum_type=ProviderKind, max_length=20)),
                ('created_at', fields.DatetimeField(auto_now=False, auto_now_add=True)),
            ],
            options={'table': 'provider', 'app': 'models', 'pk_attr': 'id', 'table_description': 'A company outside the operator that may receive personal data.'},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='DeliveryManifest',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('carrier', fields.ForeignKeyField('models.Provider', source_field='carrier_id', db_constraint=True, to_field='id', related_name='manifests', on_delete=OnDelete.RESTRICT)),
                ('delivery', fields.CharEnumField(description='USAGE_GUIDE: USAGE_GUIDE\nINVOICE: INVOICE\nRECEIPT: RECEIPT', enum_type=DeliveryKind, max_length=12)),
                ('produced_by', fields.CharField(max_length=64)),
                ('produced_at', fields.DatetimeField(auto_now=False, auto_now_add=False)),
                ('person_count', fields.IntField()),
            ],
            options={'table': 'delivery_manifest', 'app': 'models', 'pk_attr': 'id', 'table_description': 'A delivery manifest handed to one carrier (P8.2). The file itself is not kept, only'},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='Nda',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('provider', fields.ForeignKeyField('models.Provider', source_field='provider_id', db_constraint=True, to_field='id', related_name='ndas', on_delete=OnDelete.RESTRICT)),
                ('reference', fields.CharField(unique=True, max_length=60)),
                ('categories', fields.JSONField(encoder=JSON_DUMPS, decoder=loads)),
                ('valid_from', fields.DateField()),
                ('valid_until', fields.DateField()),
                ('status', fields.CharEnumField(default=NdaStatus.ACTIVE, description='ACTIVE: ACTIVE\nENDED: ENDED', enum_type=NdaStatus, max_length=8)),
                ('ended_at', fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
                ('created_at', fields.DatetimeField(auto_now=False, auto_now_add=True)),
            ],
            options={'table': 'nda', 'app': 'models', 'pk_attr': 'id', 'table_description': 'A non-disclosure agreement (P4.2): which options it covers and which categories of'},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='NdaOption',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('nda', fields.ForeignKeyField('models.Nda', source_field='nda_id', db_constraint=True, to_field='id', related_name='options', on_delete=OnDelete.CASCADE)),
                ('option', fields.ForeignKeyField('models.OptionService', source_field='option_id', db_constraint=True, to_field='id', related_name='ndas', on_delete=OnDelete.RESTRICT)),
            ],
            options={'table': 'nda_option', 'app': 'models', 'unique_together': (('nda', 'option'),), 'pk_attr': 'id', 'table_description': 'One option service an NDA covers.'},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='ProvisionRecord',
            fields=[
                ('id', fields.BigIntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('at', fields.DatetimeField(auto_now=False, auto_now_add=False)),
                ('recipient', fields.CharField(max_length=120)),
                ('provider', fields.ForeignKeyField('models.Provider', source_field='provider_id', null=True, db_constraint=True, to_field='id', related_name='provisions', on_delete=OnDelete.RESTRICT)),
                ('customer', fields.ForeignKeyField('models.Customer', source_field='customer_id', db_constraint=True, to_field='id', related_name='provisions', on_delete=OnDelete.RESTRICT)),
                ('items', fields.CharField(max_length=500)),
                ('ground', fields.CharEnumField(description='NDA: NDA\nDELIVERY: DELIVERY\nLIFE_BODY_PROPERTY: LIFE_BODY_PROPERTY\nAUTHORITY: AUTHORITY\nPUBLIC_WELFARE: PUBLIC_WELFARE\nPAYMENT_INSTITUTION: PAYMENT_INSTITUTION\nBUSINESS_TRANSFER: BUSINESS_TRANSFER\nCONSENT: CONSENT', enum_type=Ground, max_length=24)),
                ('source', fields.CharField(max_length=64)),
                ('keep_until', fields.DateField()),
            ],
            options={'table': 'provision_record', 'app': 'models', 'indexes': [Index(fields=['customer_id', 'at']), Index(fields=['at'])], 'pk_attr': 'id', 'table_description': "One provision of one person's data to one recipient (APPI art. 29): when, to whom,"},
            bases=['Model'],
        ),
        ops.AddField(
            model_name='Account',
            name='provider',
            field=fields.ForeignKeyField('models.Provider', source_field='provider_id', null=True, db_constraint=True, to_field='id', related_name='accounts', on_delete=OnDelete.RESTRICT),
        ),
    ]
