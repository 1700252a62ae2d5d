from tortoise import migrations
from tortoise.migrations import operations as ops
from tortoise.fields.base import OnDelete
from tortoise import fields
from tortoise.indexes import Index
from tortoise.migrations.constraints import UniqueConstraint

# The outbox carries files and topics (rights answers, transfer and incident notices); a
# rights request points at the message of its answer and stops its clock when it is sent.
# Added columns and indexes only: no SQLite table rebuild.
class Migration(migrations.Migration):
    dependencies = [('models', '0013_third_parties')]

    initial = False

    operations = [
        ops.AddField(
            model_name='Notification',
            name='topic',
            field=fields.CharField(null=True, max_length=40),
        ),
        ops.AddIndex(
            model_name='Notification',
            index=Index(fields=['topic', 'state', 'sent_at']),
        ),
        ops.AddIndex(
            model_name='Notification',
            index=Index(fields=['state', 'channel', 'next_attempt_at']),
        ),
        ops.AddConstraint(
            model_name='Notification',
            constraint=UniqueConstraint(fields=('topic', 'recipient_type', 'recipient_id'), name=None),
        ),
        ops.AddField(
            model_name='RightsRequest',
            name='answer_notification',
            field=fields.ForeignKeyField('models.Notification', source_field='answer_notification_id', null=True, db_constraint=True, to_field='id', related_name='rights_answers', on_delete=OnDelete.RESTRICT),
        ),
        ops.AddField(
            model_name='RightsRequest',
            name='answer_sent_at',
            field=fields.DatetimeField(null=True, auto_now=False, auto_now_add=False),
        ),
    ]
