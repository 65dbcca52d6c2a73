from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ("alerts", "0003_alert_states_from_flags"),
    ]

    operations = [
        migrations.AddConstraint(
            model_name='alert',
            constraint=models.CheckConstraint(condition=models.Q(models.Q(('state', 'resolved'), ('is_open', False)), models.Q(models.Q(('state', 'resolved'), _negated=True), ('is_open', True)), _connector='OR'), name='alert_open_means_not_resolved'),
        ),
    ]
