from tortoise import migrations

# P7.4: once an invoice's own tax retention is over (directives/retention.py INVOICE_NAME), a
# purged customer's invoice loses the recipient's name too. The trigger of 0015 is replaced by
# one that lets an UPDATE through when, on an invoice of an anonymised customer, every column
# is unchanged except: the billing address and postal code both set to '' (with a purge record
# under INVOICE_ADDRESS naming the invoice), and/or the name set to '' (with one under
# INVOICE_NAME). DELETE, TRUNCATE and every other UPDATE are still refused. The reverse puts
# 0015's trigger back. RunPython: trigger bodies hold ';'.
ERASABLE = ('billing_address', 'billing_postal_code', 'billing_name')
# Every other column of invoice, compared unchanged on SQLite (PostgreSQL compares the whole
# row as JSON, new columns included). tests/models/test_invoice_erasure.py fails when invoice
# gains a column not listed here.
KEPT = (
    'id', 'period', 'issued_on', 'due_on', 'total', 'credit', 'created_at', 'contract_id',
    'corrects_id', 'customer_id',
)
REFUSAL = 'invoice is immutable once issued'


def _recorded(rule: str) -> str:
    return (
        "EXISTS (SELECT 1 FROM purge_record p WHERE p.subject_type = 'Invoice' "
        f"AND p.subject_id = OLD.id AND p.rule = '{rule}')"
    )


ALLOWED = (
    "EXISTS (SELECT 1 FROM customer c WHERE c.id = OLD.customer_id "
    "AND c.anonymised_at IS NOT NULL) "
    "AND ((NEW.billing_address = OLD.billing_address "
    "AND NEW.billing_postal_code = OLD.billing_postal_code) "
    "OR (NEW.billing_address = '' AND NEW.billing_postal_code = '' "
    f"AND {_recorded('INVOICE_ADDRESS')})) "
    f"AND (NEW.billing_name = OLD.billing_name OR (NEW.billing_name = '' AND {_recorded('INVOICE_NAME')}))"
)

PG_FUNCTION = f"""CREATE OR REPLACE FUNCTION invoice_erase_address_only() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    IF {ALLOWED}
       AND (to_jsonb(NEW) - 'billing_address' - 'billing_postal_code' - 'billing_name')
           = (to_jsonb(OLD) - 'billing_address' - 'billing_postal_code' - 'billing_name') THEN
        RETURN NEW;
    END IF;
    RAISE EXCEPTION '{REFUSAL}' USING ERRCODE = 'restrict_violation';
END
$$"""

SQLITE_UNCHANGED = ' AND '.join(f'NEW."{c}" IS OLD."{c}"' for c in KEPT)


def _previous():  # 0015, whose trigger the reverse restores
    import importlib

    return importlib.import_module('models.migrations.0015_provision_retention')


async def allow_name_erasure(apps, schema_editor):
    client = schema_editor.client
    dialect = client.capabilities.dialect
    if dialect == 'postgres':
        await client.execute_script(PG_FUNCTION)  # the trigger of 0015 calls it by name
    elif dialect == 'sqlite':
        await client.execute_script('DROP TRIGGER IF EXISTS "invoice_immutable_update"')
        await client.execute_script(
            'CREATE TRIGGER "invoice_immutable_update" BEFORE UPDATE ON "invoice" '
            f'WHEN NOT ({ALLOWED} AND {SQLITE_UNCHANGED}) '
            f"BEGIN SELECT RAISE(ABORT, '{REFUSAL}'); END"
        )
    else:
        raise RuntimeError(f'No invoice trigger for {dialect}.')


async def address_only(apps, schema_editor):
    client = schema_editor.client
    if client.capabilities.dialect == 'postgres':
        await client.execute_script(_previous().PG_FUNCTION)
    else:
        await _previous().narrow_invoice_update(apps, schema_editor)


class Migration(migrations.Migration):
    dependencies = [('models', '0023_event_time_order')]

    initial = False

    operations = [migrations.operations.RunPython(allow_name_erasure, address_only)]
