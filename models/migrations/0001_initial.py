from tortoise import migrations
from tortoise.migrations import operations as ops
import functools
from json import dumps, loads
from models.account import Role
from tortoise.fields.base import OnDelete
from tortoise import fields
from tortoise.indexes import Index


class Migration(migrations.Migration):
    initial = True

    operations = [
        ops.CreateModel(
            name="Agent",
            fields=[
                ("bank_name", fields.CharField(default="", max_length=60)),
                ("bank_branch", fields.CharField(default="", max_length=60)),
                ("account_type", fields.CharField(default="普通", max_length=10)),
                ("account_number", fields.CharField(default="", max_length=20)),
                ("account_holder", fields.CharField(default="", max_length=120)),
                (
                    "id",
                    fields.IntField(generated=True, primary_key=True, unique=True, db_index=True),
                ),
                ("code", fields.CharField(unique=True, max_length=20)),
                ("name", fields.CharField(max_length=120)),
                ("phone", fields.CharField(default="", max_length=20)),
                ("email", fields.CharField(default="", max_length=254)),
                ("created_at", fields.DatetimeField(auto_now=False, auto_now_add=True)),
            ],
            options={
                "table": "agent",
                "app": "models",
                "pk_attr": "id",
                "table_description": "A sales agent: brings customers in and is paid margins (P5.E).",
            },
            bases=["BankAccountColumns", "Model"],
        ),
        ops.CreateModel(
            name="AuditRequest",
            fields=[
                (
                    "id",
                    fields.BigIntField(
                        generated=True, primary_key=True, unique=True, db_index=True
                    ),
                ),
                ("request_id", fields.CharField(unique=True, max_length=36)),
                ("at", fields.DatetimeField(db_index=True, auto_now=False, auto_now_add=False)),
                ("actor", fields.CharField(db_index=True, max_length=64)),
                ("role", fields.CharField(max_length=16)),
                ("purpose", fields.CharField(db_index=True, max_length=8)),
                ("operation_name", fields.CharField(null=True, max_length=128)),
                ("client_address", fields.CharField(null=True, max_length=64)),
                ("policy_version", fields.CharField(max_length=32)),
                ("entry_count", fields.IntField()),
            ],
            options={"table": "audit_request", "app": "models", "pk_attr": "id"},
            bases=["Model"],
        ),
        ops.CreateModel(
            name="AuditEntry",
            fields=[
                (
                    "id",
                    fields.BigIntField(
                        generated=True, primary_key=True, unique=True, db_index=True
                    ),
                ),
                (
                    "request",
                    fields.ForeignKeyField(
                        "models.AuditRequest",
                        source_field="request_id",
                        db_constraint=True,
                        to_field="id",
                        related_name="entries",
                        on_delete=OnDelete.RESTRICT,
                    ),
                ),
                ("subject_type", fields.CharField(max_length=32)),
                ("subject_id", fields.IntField()),
                ("type_name", fields.CharField(max_length=64)),
                ("fields_decisions", fields.TextField(unique=False)),
            ],
            options={
                "table": "audit_entry",
                "app": "models",
                "indexes": [Index(fields=["subject_type", "subject_id"])],
                "pk_attr": "id",
            },
            bases=["Model"],
        ),
        ops.CreateModel(
            name="Customer",
            fields=[
                ("bank_name", fields.CharField(default="", max_length=60)),
                ("bank_branch", fields.CharField(default="", max_length=60)),
                ("account_type", fields.CharField(default="普通", max_length=10)),
                ("account_number", fields.CharField(default="", max_length=20)),
                ("account_holder", fields.CharField(default="", max_length=120)),
                (
                    "id",
                    fields.IntField(generated=True, primary_key=True, unique=True, db_index=True),
                ),
                ("name", fields.CharField(max_length=120)),
                ("name_kana", fields.CharField(default="", max_length=120)),
                ("birth_date", fields.DateField(null=True)),
                ("postal_code", fields.CharField(default="", max_length=10)),
                ("address", fields.CharField(default="", max_length=255)),
                ("phone", fields.CharField(default="", max_length=20)),
                ("fax", fields.CharField(default="", max_length=20)),
                ("email", fields.CharField(default="", max_length=254)),
                (
                    "agent",
                    fields.ForeignKeyField(
                        "models.Agent",
                        source_field="agent_id",
                        null=True,
                        db_constraint=True,
                        to_field="id",
                        related_name="customers",
                        on_delete=OnDelete.RESTRICT,
                    ),
                ),
                ("survey_opt_out", fields.BooleanField(default=False)),
                ("marketing_opt_out", fields.BooleanField(default=False)),
                ("version", fields.IntField(default=1)),
                ("created_at", fields.DatetimeField(auto_now=False, auto_now_add=True)),
                ("updated_at", fields.DatetimeField(auto_now=True, auto_now_add=False)),
            ],
            options={
                "table": "customer",
                "app": "models",
                "pk_attr": "id",
                "table_description": "A customer of the CRM service, with every P1 item.",
            },
            bases=["BankAccountColumns", "Model"],
        ),
        ops.CreateModel(
            name="Account",
            fields=[
                (
                    "id",
                    fields.IntField(generated=True, primary_key=True, unique=True, db_index=True),
                ),
                ("login", fields.CharField(unique=True, max_length=64)),
                (
                    "role",
                    fields.CharEnumField(
                        description="CUSTOMER: CUSTOMER\nAGENT: AGENT\nSUPPORT: SUPPORT\nBILLING: BILLING\nMARKETING: MARKETING\nANALYST: ANALYST\nADMIN: ADMIN\nAUDITOR: AUDITOR",
                        enum_type=Role,
                        max_length=16,
                    ),
                ),
                ("token_hash", fields.CharField(null=True, unique=True, max_length=64)),
                (
                    "customer",
                    fields.ForeignKeyField(
                        "models.Customer",
                        source_field="customer_id",
                        null=True,
                        db_constraint=True,
                        to_field="id",
                        related_name="accounts",
                        on_delete=OnDelete.RESTRICT,
                    ),
                ),
                (
                    "agent",
                    fields.ForeignKeyField(
                        "models.Agent",
                        source_field="agent_id",
                        null=True,
                        db_constraint=True,
                        to_field="id",
                        related_name="accounts",
                        on_delete=OnDelete.RESTRICT,
                    ),
                ),
                ("disabled", fields.BooleanField(default=False)),
                ("created_at", fields.DatetimeField(auto_now=False, auto_now_add=True)),
            ],
            options={"table": "account", "app": "models", "pk_attr": "id"},
            bases=["Model"],
        ),
        ops.CreateModel(
            name="CustomerVersion",
            fields=[
                (
                    "id",
                    fields.BigIntField(
                        generated=True, primary_key=True, unique=True, db_index=True
                    ),
                ),
                (
                    "customer",
                    fields.ForeignKeyField(
                        "models.Customer",
                        source_field="customer_id",
                        db_constraint=True,
                        to_field="id",
                        related_name="versions",
                        on_delete=OnDelete.RESTRICT,
                    ),
                ),
                ("version", fields.IntField()),
                (
                    "values",
                    fields.JSONField(
                        encoder=functools.partial(dumps, separators=(",", ":")), decoder=loads
                    ),
                ),
                ("changed_by", fields.CharField(max_length=64)),
                ("changed_at", fields.DatetimeField(auto_now=False, auto_now_add=True)),
            ],
            options={
                "table": "customer_version",
                "app": "models",
                "unique_together": (("customer", "version"),),
                "pk_attr": "id",
                "table_description": "A past state of a customer record (P3.4: past values are kept, never overwritten away).",
            },
            bases=["Model"],
        ),
    ]
