from tortoise import migrations
from tortoise.migrations import operations as ops

# customerSearch compares a phone without its hyphens and an e-mail in lower case (gap 14):
# expression indexes on those keys, with id for the keyset pages. The same SQL on PostgreSQL
# and SQLite (3.9+), and the same expressions as resolvers/people/search.py's PHONE_KEY and
# EMAIL_KEY, so that the planner can match them. Raw SQL: Tortoise's Index takes columns only.
PHONE_KEY = """CREATE INDEX "customer_phone_key_id" ON "customer" (replace("phone", '-', ''), "id")"""
EMAIL_KEY = """CREATE INDEX "customer_email_key_id" ON "customer" (lower("email"), "id")"""


class Migration(migrations.Migration):
    dependencies = [('models', '0017_api_gaps')]

    initial = False

    operations = [
        ops.RunSQL(PHONE_KEY, reverse_sql='DROP INDEX "customer_phone_key_id"'),
        ops.RunSQL(EMAIL_KEY, reverse_sql='DROP INDEX "customer_email_key_id"'),
    ]
