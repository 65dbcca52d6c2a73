"""The monthly series of a back-fill keeps one name everywhere: the monthly history."""

import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("accounts", "0001_initial"),
        ("portfolio", "0004_snapshot_series"),
    ]

    operations = [
        migrations.RenameModel(old_name="SnapshotSeries", new_name="MonthlyHistory"),
        migrations.AlterField(
            model_name="monthlyhistory",
            name="account",
            field=models.ForeignKey(
                db_index=False,
                on_delete=django.db.models.deletion.CASCADE,
                related_name="monthly_history",
                to="accounts.account",
                verbose_name="account",
            ),
        ),
    ]
