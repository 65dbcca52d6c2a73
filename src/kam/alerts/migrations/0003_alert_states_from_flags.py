"""The workflow's states for the alerts kept before it (a separate migration: on PostgreSQL
rows updated in a transaction block a later ALTER TABLE of the same table)."""

from django.db import migrations, models


def states_from_flags(apps, schema_editor):
    """Alerts kept before the workflow: closed ones are resolved (acknowledging used to close
    a class drop: it was resolved by hand then), open acknowledged ones acknowledged."""
    alert = apps.get_model("alerts", "Alert")
    db = schema_editor.connection.alias
    closed = alert.objects.using(db).filter(is_open=False)
    closed.filter(acknowledged_at__isnull=False).update(
        state="resolved", resolution="by_hand", resolved_by=models.F("acknowledged_by")
    )
    closed.filter(acknowledged_at__isnull=True).update(
        state="resolved", resolution="condition_cleared"
    )
    alert.objects.using(db).filter(is_open=True, acknowledged_at__isnull=False).update(
        state="acknowledged"
    )


class Migration(migrations.Migration):

    dependencies = [
        ("alerts", "0002_workflow_cause_comments_follow_ups"),
    ]

    operations = [
        migrations.RunPython(states_from_flags, migrations.RunPython.noop),
    ]
