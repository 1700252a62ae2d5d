from tortoise import migrations
from tortoise.migrations import operations as ops
import functools
from json import dumps, loads
from models.billing import LineKind
from models.contact import Author, InquiryKind, InquiryStatus
from models.contracts import Plan
from models.marketing import Channel
from tortoise.fields.base import OnDelete
from tortoise import fields
from tortoise.indexes import Index

class Migration(migrations.Migration):
    dependencies = [('models', '0001_initial')]

    initial = False

    operations = [
        ops.CreateModel(
            name='Campaign',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('name', fields.CharField(max_length=120)),
                ('channel', fields.CharEnumField(description='NEWSLETTER: NEWSLETTER\nDIRECT_MAIL: DIRECT_MAIL\nFAX: FAX', enum_type=Channel, max_length=16)),
                ('created_at', fields.DatetimeField(auto_now=False, auto_now_add=True)),
                ('built_at', fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
                ('built_by', fields.CharField(default='', max_length=64)),
            ],
            options={'table': 'campaign', 'app': 'models', 'pk_attr': 'id', 'table_description': 'An announcement by one channel. Its send list is built under purpose H.'},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='CampaignRecipient',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('campaign', fields.ForeignKeyField('models.Campaign', source_field='campaign_id', db_constraint=True, to_field='id', related_name='recipients', on_delete=OnDelete.RESTRICT)),
                ('customer', fields.ForeignKeyField('models.Customer', source_field='customer_id', db_constraint=True, to_field='id', related_name='campaign_entries', on_delete=OnDelete.RESTRICT)),
            ],
            options={'table': 'campaign_recipient', 'app': 'models', 'unique_together': (('campaign', 'customer'),), 'pk_attr': 'id', 'table_description': "One customer on a campaign's send list. Holds no contact value: those are read from"},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='Contract',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('customer', fields.ForeignKeyField('models.Customer', source_field='customer_id', db_constraint=True, to_field='id', related_name='contracts', on_delete=OnDelete.RESTRICT)),
                ('agent', fields.ForeignKeyField('models.Agent', source_field='agent_id', null=True, db_constraint=True, to_field='id', related_name='contracts', on_delete=OnDelete.RESTRICT)),
                ('plan', fields.CharEnumField(description='LIGHT: LIGHT\nSTANDARD: STANDARD\nPREMIUM: PREMIUM', enum_type=Plan, max_length=16)),
                ('monthly_fee', fields.IntField()),
                ('started_on', fields.DateField()),
                ('cancelled_on', fields.DateField(null=True)),
                ('created_at', fields.DatetimeField(auto_now=False, auto_now_add=True)),
            ],
            options={'table': 'contract', 'app': 'models', 'pk_attr': 'id', 'table_description': "A customer's contract for the CRM service (P5.A), and the agent who brought them."},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='Inquiry',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('customer', fields.ForeignKeyField('models.Customer', source_field='customer_id', db_constraint=True, to_field='id', related_name='inquiries', on_delete=OnDelete.RESTRICT)),
                ('kind', fields.CharEnumField(description='APPLICATION: APPLICATION\nADMINISTRATION: ADMINISTRATION', enum_type=InquiryKind, max_length=16)),
                ('subject', fields.CharField(max_length=200)),
                ('status', fields.CharEnumField(default=InquiryStatus.OPEN, description='OPEN: OPEN\nANSWERED: ANSWERED\nCLOSED: CLOSED', enum_type=InquiryStatus, max_length=16)),
                ('opened_at', fields.DatetimeField(auto_now=False, auto_now_add=False)),
            ],
            options={'table': 'inquiry', 'app': 'models', 'indexes': [Index(fields=['status', 'kind'])], 'pk_attr': 'id', 'table_description': 'A thread of questions and answers, whose messages are its history.'},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='InquiryMessage',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('inquiry', fields.ForeignKeyField('models.Inquiry', source_field='inquiry_id', db_constraint=True, to_field='id', related_name='messages', on_delete=OnDelete.RESTRICT)),
                ('author', fields.CharEnumField(description='CUSTOMER: CUSTOMER\nSTAFF: STAFF', enum_type=Author, max_length=16)),
                ('author_login', fields.CharField(default='', max_length=64)),
                ('body', fields.TextField(unique=False)),
                ('at', fields.DatetimeField(auto_now=False, auto_now_add=False)),
            ],
            options={'table': 'inquiry_message', 'app': 'models', 'pk_attr': 'id', 'table_description': 'One message of an inquiry, appended and never edited.'},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='Invoice',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('contract', fields.ForeignKeyField('models.Contract', source_field='contract_id', db_constraint=True, to_field='id', related_name='invoices', on_delete=OnDelete.RESTRICT)),
                ('customer', fields.ForeignKeyField('models.Customer', source_field='customer_id', db_constraint=True, to_field='id', related_name='invoices', on_delete=OnDelete.RESTRICT)),
                ('period', fields.DateField(description='First day of the billed month.')),
                ('issued_on', fields.DateField()),
                ('due_on', fields.DateField(db_index=True)),
                ('total', fields.IntField()),
                ('billing_name', fields.CharField(max_length=120)),
                ('billing_postal_code', fields.CharField(default='', max_length=10)),
                ('billing_address', fields.CharField(default='', max_length=255)),
                ('corrects', fields.ForeignKeyField('models.Invoice', source_field='corrects_id', null=True, db_constraint=True, to_field='id', related_name='corrections', on_delete=OnDelete.RESTRICT)),
                ('created_at', fields.DatetimeField(auto_now=False, auto_now_add=True)),
            ],
            options={'table': 'invoice', 'app': 'models', 'pk_attr': 'id', 'table_description': 'One month of one contract, addressed as it was when issued (P5.E).'},
            bases=['Immutable'],
        ),
        ops.CreateModel(
            name='MarginStatement',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('agent', fields.ForeignKeyField('models.Agent', source_field='agent_id', db_constraint=True, to_field='id', related_name='margin_statements', on_delete=OnDelete.RESTRICT)),
                ('period', fields.DateField(description='First day of the month.')),
                ('issued_on', fields.DateField()),
                ('total', fields.IntField()),
                ('corrects', fields.ForeignKeyField('models.MarginStatement', source_field='corrects_id', null=True, db_constraint=True, to_field='id', related_name='corrections', on_delete=OnDelete.RESTRICT)),
            ],
            options={'table': 'margin_statement', 'app': 'models', 'pk_attr': 'id', 'table_description': "One agent's margin for one month."},
            bases=['Immutable'],
        ),
        ops.CreateModel(
            name='MarginLine',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('statement', fields.ForeignKeyField('models.MarginStatement', source_field='statement_id', db_constraint=True, to_field='id', related_name='lines', on_delete=OnDelete.RESTRICT)),
                ('contract', fields.ForeignKeyField('models.Contract', source_field='contract_id', db_constraint=True, to_field='id', related_name='margin_lines', on_delete=OnDelete.RESTRICT)),
                ('amount', fields.IntField()),
            ],
            options={'table': 'margin_line', 'app': 'models', 'pk_attr': 'id', 'table_description': "The margin earned on one contract in the statement's month."},
            bases=['Immutable'],
        ),
        ops.CreateModel(
            name='Notice',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('title', fields.CharField(max_length=200)),
                ('body', fields.TextField(unique=False)),
                ('published_at', fields.DatetimeField(auto_now=False, auto_now_add=False)),
            ],
            options={'table': 'notice', 'app': 'models', 'pk_attr': 'id', 'table_description': 'A system-administration notice to every customer (P5.D), holding no personal data.'},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='OptionService',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('code', fields.CharField(unique=True, max_length=20)),
                ('name', fields.CharField(max_length=120)),
                ('monthly_fee', fields.IntField()),
                ('provider', fields.CharField(default='', max_length=120)),
            ],
            options={'table': 'option_service', 'app': 'models', 'pk_attr': 'id', 'table_description': 'The option catalogue (P5.B). Some are run by outside providers under an NDA (P4.2).'},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='InvoiceLine',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('invoice', fields.ForeignKeyField('models.Invoice', source_field='invoice_id', db_constraint=True, to_field='id', related_name='lines', on_delete=OnDelete.RESTRICT)),
                ('kind', fields.CharEnumField(description='PLAN: PLAN\nOPTION: OPTION', enum_type=LineKind, max_length=8)),
                ('option', fields.ForeignKeyField('models.OptionService', source_field='option_id', null=True, db_constraint=True, to_field='id', related_name='invoice_lines', on_delete=OnDelete.RESTRICT)),
                ('description', fields.CharField(max_length=120)),
                ('amount', fields.IntField()),
            ],
            options={'table': 'invoice_line', 'app': 'models', 'pk_attr': 'id', 'table_description': 'The plan or one option service on an invoice.'},
            bases=['Immutable'],
        ),
        ops.CreateModel(
            name='OptionSubscription',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('contract', fields.ForeignKeyField('models.Contract', source_field='contract_id', db_constraint=True, to_field='id', related_name='options', on_delete=OnDelete.RESTRICT)),
                ('option', fields.ForeignKeyField('models.OptionService', source_field='option_id', db_constraint=True, to_field='id', related_name='subscriptions', on_delete=OnDelete.RESTRICT)),
                ('started_on', fields.DateField()),
                ('cancelled_on', fields.DateField(null=True)),
            ],
            options={'table': 'option_subscription', 'app': 'models', 'unique_together': (('contract', 'option', 'started_on'),), 'pk_attr': 'id', 'table_description': 'One option service subscribed on one contract (P5.B).'},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='Payment',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('invoice', fields.ForeignKeyField('models.Invoice', source_field='invoice_id', db_constraint=True, to_field='id', related_name='payments', on_delete=OnDelete.RESTRICT)),
                ('amount', fields.IntField()),
                ('received_on', fields.DateField()),
                ('method', fields.CharField(default='DIRECT_DEBIT', max_length=20)),
                ('recorded_by', fields.CharField(default='', max_length=64)),
            ],
            options={'table': 'payment', 'app': 'models', 'pk_attr': 'id', 'table_description': 'Money received against an invoice (may be partial).'},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='Payout',
            fields=[
                ('bank_name', fields.CharField(default='', max_length=60)),
                ('bank_branch', fields.CharField(default='', max_length=60)),
                ('account_type', fields.CharField(default='普通', max_length=10)),
                ('account_number', fields.CharField(default='', max_length=20)),
                ('account_holder', fields.CharField(default='', max_length=120)),
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('statement', fields.ForeignKeyField('models.MarginStatement', source_field='statement_id', db_constraint=True, to_field='id', related_name='payouts', on_delete=OnDelete.RESTRICT)),
                ('agent', fields.ForeignKeyField('models.Agent', source_field='agent_id', db_constraint=True, to_field='id', related_name='payouts', on_delete=OnDelete.RESTRICT)),
                ('amount', fields.IntField()),
                ('paid_on', fields.DateField()),
            ],
            options={'table': 'payout', 'app': 'models', 'pk_attr': 'id', 'table_description': "A transfer of a statement's margin to the agent's bank account, as it was then."},
            bases=['BankAccountColumns', 'Immutable'],
        ),
        ops.CreateModel(
            name='ResearchKey',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('secret', fields.CharField(max_length=64)),
                ('created_at', fields.DatetimeField(auto_now=False, auto_now_add=True)),
            ],
            options={'table': 'research_key', 'app': 'models', 'pk_attr': 'id'},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='Survey',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('title', fields.CharField(max_length=200)),
                ('questions', fields.JSONField(encoder=functools.partial(dumps, separators=(',', ':')), decoder=loads)),
                ('opens_on', fields.DateField()),
                ('closes_on', fields.DateField()),
            ],
            options={'table': 'survey', 'app': 'models', 'pk_attr': 'id', 'table_description': 'A questionnaire (P5.G): questions answered on a 1-5 scale.'},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='SurveyResponse',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('survey', fields.ForeignKeyField('models.Survey', source_field='survey_id', db_constraint=True, to_field='id', related_name='responses', on_delete=OnDelete.RESTRICT)),
                ('customer', fields.ForeignKeyField('models.Customer', source_field='customer_id', db_constraint=True, to_field='id', related_name='survey_responses', on_delete=OnDelete.RESTRICT)),
                ('answers', fields.JSONField(encoder=functools.partial(dumps, separators=(',', ':')), decoder=loads)),
                ('answered_at', fields.DatetimeField(auto_now=False, auto_now_add=False)),
            ],
            options={'table': 'survey_response', 'app': 'models', 'unique_together': (('survey', 'customer'),), 'pk_attr': 'id'},
            bases=['Model'],
        ),
    ]
