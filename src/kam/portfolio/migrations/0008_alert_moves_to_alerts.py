"""Alert now lives in kam.alerts (its 0001 took over and renamed the tables): drop the state."""

from django.db import migrations


class Migration(migrations.Migration):

    dependencies = [
        ('portfolio', '0007_company_settings_to_org'),
        ('alerts', '0001_initial'),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.RemoveField(
                    model_name='historicalalert',
                    name='account',
                ),
                migrations.RemoveField(
                    model_name='historicalalert',
                    name='acknowledged_by',
                ),
                migrations.RemoveField(
                    model_name='historicalalert',
                    name='history_user',
                ),
                migrations.DeleteModel(
                    name='Alert',
                ),
                migrations.DeleteModel(
                    name='HistoricalAlert',
                ),
            ],
        ),
    ]
