from tortoise import migrations
from tortoise.migrations import operations as ops

# Issue 8 §7: login IDs in login_throttle were kept in clear ('login:<id>'); they are now a
# keyed hash made with the deployment secret, which a migration does not have. Old rows are
# cleared instead of converted: a count is forgotten after 15 quiet minutes anyway.
CLEAR_LOGIN_IDS = "DELETE FROM \"login_throttle\" WHERE \"key\" LIKE 'login:%'"


class Migration(migrations.Migration):
    dependencies = [('models', '0005_api_token_expiry')]

    initial = False

    operations = [
        ops.RunSQL(CLEAR_LOGIN_IDS, reverse_sql=""),
    ]
