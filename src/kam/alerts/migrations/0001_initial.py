"""Alert moves from kam.portfolio to kam.alerts with every row and its history.

The tables are not copied: the new app takes over the state of the two existing tables
(portfolio_alert and simple_history's portfolio_historicalalert), then renames them, so ids,
sequences, history rows and foreign keys to users stay as they are on SQLite and PostgreSQL.
Content types follow, so permissions and admin log entries keep pointing at the model.
"""

import django.db.models.deletion
import simple_history.models
from django.conf import settings
from django.db import migrations, models


MODELS = ["alert", "historicalalert"]


def _move_content_types(apps, schema_editor, source, target):
    content_type = apps.get_model("contenttypes", "ContentType")
    db = schema_editor.connection.alias
    taken = set(
        content_type.objects.using(db)
        .filter(app_label=target, model__in=MODELS)
        .values_list("model", flat=True)
    )
    content_type.objects.using(db).filter(app_label=source, model__in=MODELS).exclude(
        model__in=taken
    ).update(app_label=target)


def content_types_forwards(apps, schema_editor):
    _move_content_types(apps, schema_editor, "portfolio", "alerts")


def content_types_backwards(apps, schema_editor):
    _move_content_types(apps, schema_editor, "alerts", "portfolio")


class Migration(migrations.Migration):

    initial = True

    dependencies = [
        ('accounts', '0001_initial'),
        ('contenttypes', '0002_remove_content_type_name'),
        ('portfolio', '0004_snapshot_series'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.CreateModel(
                    name='HistoricalAlert',
                    fields=[
                        ('id', models.BigIntegerField(auto_created=True, blank=True, db_index=True, verbose_name='ID')),
                        ('kind', models.CharField(max_length=40, verbose_name='kind')),
                        ('severity', models.CharField(choices=[('info', 'Information'), ('warning', 'Warning'), ('critical', 'Critical')], max_length=8, verbose_name='severity')),
                        ('message', models.CharField(max_length=500, verbose_name='message')),
                        ('data', models.JSONField(blank=True, default=dict, verbose_name='data')),
                        ('created_at', models.DateTimeField(blank=True, editable=False, verbose_name='raised')),
                        ('is_open', models.BooleanField(default=True, verbose_name='open')),
                        ('resolved_at', models.DateTimeField(blank=True, null=True, verbose_name='resolved')),
                        ('acknowledged_at', models.DateTimeField(blank=True, null=True, verbose_name='acknowledged')),
                        ('history_id', models.AutoField(primary_key=True, serialize=False)),
                        ('history_date', models.DateTimeField(db_index=True)),
                        ('history_change_reason', models.CharField(max_length=100, null=True)),
                        ('history_type', models.CharField(choices=[('+', 'Created'), ('~', 'Changed'), ('-', 'Deleted')], max_length=1)),
                        ('account', models.ForeignKey(blank=True, db_constraint=False, null=True, on_delete=django.db.models.deletion.DO_NOTHING, related_name='+', to='accounts.account', verbose_name='account')),
                        ('acknowledged_by', models.ForeignKey(blank=True, db_constraint=False, null=True, on_delete=django.db.models.deletion.DO_NOTHING, related_name='+', to=settings.AUTH_USER_MODEL, verbose_name='acknowledged by')),
                        ('history_user', models.ForeignKey(null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to=settings.AUTH_USER_MODEL)),
                    ],
                    options={
                        'verbose_name': 'historical alert',
                        'verbose_name_plural': 'historical alerts',
                        'ordering': ('-history_date', '-history_id'),
                        'get_latest_by': ('history_date', 'history_id'),
                        'db_table': 'portfolio_historicalalert',
                    },
                    bases=(simple_history.models.HistoricalChanges, models.Model),
                ),
                migrations.CreateModel(
                    name='Alert',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('kind', models.CharField(max_length=40, verbose_name='kind')),
                        ('severity', models.CharField(choices=[('info', 'Information'), ('warning', 'Warning'), ('critical', 'Critical')], max_length=8, verbose_name='severity')),
                        ('message', models.CharField(max_length=500, verbose_name='message')),
                        ('data', models.JSONField(blank=True, default=dict, verbose_name='data')),
                        ('created_at', models.DateTimeField(auto_now_add=True, verbose_name='raised')),
                        ('is_open', models.BooleanField(default=True, verbose_name='open')),
                        ('resolved_at', models.DateTimeField(blank=True, null=True, verbose_name='resolved')),
                        ('acknowledged_at', models.DateTimeField(blank=True, null=True, verbose_name='acknowledged')),
                        ('account', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='alerts', to='accounts.account', verbose_name='account')),
                        ('acknowledged_by', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to=settings.AUTH_USER_MODEL, verbose_name='acknowledged by')),
                    ],
                    options={
                        'verbose_name': 'alert',
                        'verbose_name_plural': 'alerts',
                        'ordering': ['-created_at', '-id'],
                        'constraints': [models.UniqueConstraint(condition=models.Q(('is_open', True)), fields=('account', 'kind'), name='alert_one_open_per_account_kind')],
                        'db_table': 'portfolio_alert',
                    },
                ),
            ],
        ),
        # Now the tables take the new app's names (a rename, not a copy).
        migrations.AlterModelTable(name='alert', table=None),
        migrations.AlterModelTable(name='historicalalert', table=None),
        migrations.RunPython(content_types_forwards, content_types_backwards),
    ]
