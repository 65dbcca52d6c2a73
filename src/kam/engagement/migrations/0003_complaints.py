"""Complaints, their log and the SLA settings (DOMAIN §9); the SLA sweep's schedule."""

import datetime
import django.db.models.deletion
import kam.engagement.complaints.models
import simple_history.models
from django.conf import settings
from django.db import migrations, models

from django.utils import timezone

SWEEP = "complaint SLA sweep"
EVERY = datetime.timedelta(minutes=15)


def seed(apps, schema_editor):
    # kam.ops.scheduler.seed.job_seed, written out: engagement does not import ops (layers).
    apps.get_model("ops", "ScheduledJob").objects.get_or_create(
        name=SWEEP,
        defaults={
            "task": "kam.engagement.tasks.complaint_sla_sweep_task",
            "interval": EVERY,
            "daily_at": None,
            "arguments": {},
            "next_run_at": timezone.now() + EVERY,
        },
    )


def unseed(apps, schema_editor):
    apps.get_model("ops", "ScheduledJob").objects.filter(name=SWEEP).delete()


class Migration(migrations.Migration):

    dependencies = [
        ('accounts', '0003_input_validators'),
        ('engagement', '0002_activities'),
        ('ops', '0004_stopped_workers_sweep'),
        ('org', '0007_notifications'),
        ('relationships', '0003_contact_channels_links_scores'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.CreateModel(
            name='ComplaintSettings',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('clock', models.CharField(choices=[('calendar', 'Calendar time'), ('business', 'Business hours')], default='calendar', max_length=10, verbose_name='SLA clock')),
                ('work_days', models.CharField(default='12345', help_text='ISO weekday digits: Monday 1 to Sunday 7.', max_length=7, validators=[kam.engagement.complaints.models.validate_work_days], verbose_name='working days')),
                ('work_opens', models.TimeField(default=datetime.time(9, 0), verbose_name='working day opens')),
                ('work_closes', models.TimeField(default=datetime.time(18, 0), verbose_name='working day closes')),
                ('acknowledge_critical', models.CharField(default='4h', help_text='Hours or days, such as 4h or 2d.', max_length=10, validators=[kam.engagement.complaints.models.validate_target], verbose_name='critical: acknowledge within')),
                ('resolve_critical', models.CharField(default='2d', help_text='Hours or days, such as 4h or 2d.', max_length=10, validators=[kam.engagement.complaints.models.validate_target], verbose_name='critical: resolve within')),
                ('acknowledge_high', models.CharField(default='1d', help_text='Hours or days, such as 4h or 2d.', max_length=10, validators=[kam.engagement.complaints.models.validate_target], verbose_name='high: acknowledge within')),
                ('resolve_high', models.CharField(default='5d', help_text='Hours or days, such as 4h or 2d.', max_length=10, validators=[kam.engagement.complaints.models.validate_target], verbose_name='high: resolve within')),
                ('acknowledge_medium', models.CharField(default='2d', help_text='Hours or days, such as 4h or 2d.', max_length=10, validators=[kam.engagement.complaints.models.validate_target], verbose_name='medium: acknowledge within')),
                ('resolve_medium', models.CharField(default='10d', help_text='Hours or days, such as 4h or 2d.', max_length=10, validators=[kam.engagement.complaints.models.validate_target], verbose_name='medium: resolve within')),
                ('acknowledge_low', models.CharField(default='5d', help_text='Hours or days, such as 4h or 2d.', max_length=10, validators=[kam.engagement.complaints.models.validate_target], verbose_name='low: acknowledge within')),
                ('resolve_low', models.CharField(default='20d', help_text='Hours or days, such as 4h or 2d.', max_length=10, validators=[kam.engagement.complaints.models.validate_target], verbose_name='low: resolve within')),
                ('updated_at', models.DateTimeField(auto_now=True, verbose_name='updated')),
            ],
            options={
                'verbose_name': 'complaint settings',
                'verbose_name_plural': 'complaint settings',
            },
        ),
        migrations.CreateModel(
            name='Complaint',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('reporter_name', models.CharField(blank=True, max_length=200, verbose_name="reporter's name")),
                ('received_at', models.DateTimeField(verbose_name='received')),
                ('channel', models.CharField(choices=[('on_site', 'On site'), ('phone', 'Phone'), ('email', 'Email'), ('web', 'Web'), ('call_centre', 'Call centre'), ('wechat', 'WeChat')], max_length=16, verbose_name='channel')),
                ('category', models.CharField(choices=[('product_quality', 'Product quality'), ('delivery', 'Delivery'), ('service', 'Service'), ('price_billing', 'Price and billing'), ('relationship', 'Relationship'), ('other', 'Other')], max_length=20, verbose_name='category')),
                ('severity', models.CharField(choices=[('critical', 'Critical'), ('high', 'High'), ('medium', 'Medium'), ('low', 'Low')], max_length=10, verbose_name='severity')),
                ('subject', models.CharField(max_length=200, verbose_name='subject')),
                ('description', models.TextField(blank=True, max_length=5000, verbose_name='description')),
                ('status', models.CharField(choices=[('open', 'Open'), ('acknowledged', 'Acknowledged'), ('in_progress', 'In progress'), ('resolved', 'Resolved'), ('closed', 'Closed')], default='open', max_length=14, verbose_name='status')),
                ('acknowledge_due_at', models.DateTimeField(verbose_name='acknowledge by')),
                ('resolve_due_at', models.DateTimeField(verbose_name='resolve by')),
                ('acknowledged_at', models.DateTimeField(blank=True, null=True, verbose_name='acknowledged')),
                ('started_at', models.DateTimeField(blank=True, null=True, verbose_name='work started')),
                ('resolved_at', models.DateTimeField(blank=True, null=True, verbose_name='resolved')),
                ('closed_at', models.DateTimeField(blank=True, null=True, verbose_name='closed')),
                ('escalated_at', models.DateTimeField(blank=True, null=True, verbose_name='escalated')),
                ('escalation_reason', models.TextField(blank=True, max_length=2000, verbose_name='reason for escalation')),
                ('root_cause', models.TextField(blank=True, max_length=5000, verbose_name='root cause')),
                ('resolution', models.TextField(blank=True, max_length=5000, verbose_name='resolution')),
                ('created_at', models.DateTimeField(auto_now_add=True, verbose_name='recorded')),
                ('account', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='complaints', to='accounts.account', verbose_name='account')),
                ('contact', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='complaints', to='relationships.contact', verbose_name='reported by')),
                ('created_by', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to=settings.AUTH_USER_MODEL, verbose_name='recorded by')),
                ('department', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='complaints', to='org.department', verbose_name='internal department')),
                ('escalated_by', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to=settings.AUTH_USER_MODEL, verbose_name='escalated by')),
                ('escalated_to', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='escalated_complaints', to='org.team', verbose_name='escalated to')),
                ('owner', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='complaints_owned', to=settings.AUTH_USER_MODEL, verbose_name='owner')),
            ],
            options={
                'verbose_name': 'complaint',
                'verbose_name_plural': 'complaints',
                'ordering': ['-received_at', '-id'],
            },
        ),
        migrations.CreateModel(
            name='ComplaintEvent',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('action', models.CharField(choices=[('created', 'Recorded'), ('acknowledged', 'Acknowledged'), ('started', 'Work started'), ('resolved', 'Resolved'), ('closed', 'Closed'), ('reopened', 'Reopened'), ('assigned', 'Assigned'), ('escalated', 'Escalated'), ('edited', 'Edited')], max_length=14, verbose_name='action')),
                ('from_status', models.CharField(blank=True, choices=[('open', 'Open'), ('acknowledged', 'Acknowledged'), ('in_progress', 'In progress'), ('resolved', 'Resolved'), ('closed', 'Closed')], max_length=14, verbose_name='from')),
                ('to_status', models.CharField(blank=True, choices=[('open', 'Open'), ('acknowledged', 'Acknowledged'), ('in_progress', 'In progress'), ('resolved', 'Resolved'), ('closed', 'Closed')], max_length=14, verbose_name='to')),
                ('at', models.DateTimeField(verbose_name='when')),
                ('comment', models.TextField(blank=True, max_length=5000, verbose_name='comment')),
                ('actor', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to=settings.AUTH_USER_MODEL, verbose_name='by')),
                ('complaint', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='events', to='engagement.complaint', verbose_name='complaint')),
            ],
            options={
                'verbose_name': 'complaint event',
                'verbose_name_plural': 'complaint events',
                'ordering': ['at', 'id'],
            },
        ),
        migrations.CreateModel(
            name='HistoricalComplaint',
            fields=[
                ('id', models.BigIntegerField(auto_created=True, blank=True, db_index=True, verbose_name='ID')),
                ('reporter_name', models.CharField(blank=True, max_length=200, verbose_name="reporter's name")),
                ('received_at', models.DateTimeField(verbose_name='received')),
                ('channel', models.CharField(choices=[('on_site', 'On site'), ('phone', 'Phone'), ('email', 'Email'), ('web', 'Web'), ('call_centre', 'Call centre'), ('wechat', 'WeChat')], max_length=16, verbose_name='channel')),
                ('category', models.CharField(choices=[('product_quality', 'Product quality'), ('delivery', 'Delivery'), ('service', 'Service'), ('price_billing', 'Price and billing'), ('relationship', 'Relationship'), ('other', 'Other')], max_length=20, verbose_name='category')),
                ('severity', models.CharField(choices=[('critical', 'Critical'), ('high', 'High'), ('medium', 'Medium'), ('low', 'Low')], max_length=10, verbose_name='severity')),
                ('subject', models.CharField(max_length=200, verbose_name='subject')),
                ('description', models.TextField(blank=True, max_length=5000, verbose_name='description')),
                ('status', models.CharField(choices=[('open', 'Open'), ('acknowledged', 'Acknowledged'), ('in_progress', 'In progress'), ('resolved', 'Resolved'), ('closed', 'Closed')], default='open', max_length=14, verbose_name='status')),
                ('acknowledge_due_at', models.DateTimeField(verbose_name='acknowledge by')),
                ('resolve_due_at', models.DateTimeField(verbose_name='resolve by')),
                ('acknowledged_at', models.DateTimeField(blank=True, null=True, verbose_name='acknowledged')),
                ('started_at', models.DateTimeField(blank=True, null=True, verbose_name='work started')),
                ('resolved_at', models.DateTimeField(blank=True, null=True, verbose_name='resolved')),
                ('closed_at', models.DateTimeField(blank=True, null=True, verbose_name='closed')),
                ('escalated_at', models.DateTimeField(blank=True, null=True, verbose_name='escalated')),
                ('escalation_reason', models.TextField(blank=True, max_length=2000, verbose_name='reason for escalation')),
                ('root_cause', models.TextField(blank=True, max_length=5000, verbose_name='root cause')),
                ('resolution', models.TextField(blank=True, max_length=5000, verbose_name='resolution')),
                ('created_at', models.DateTimeField(blank=True, editable=False, verbose_name='recorded')),
                ('history_id', models.AutoField(primary_key=True, serialize=False)),
                ('history_date', models.DateTimeField(db_index=True)),
                ('history_change_reason', models.CharField(max_length=100, null=True)),
                ('history_type', models.CharField(choices=[('+', 'Created'), ('~', 'Changed'), ('-', 'Deleted')], max_length=1)),
                ('account', models.ForeignKey(blank=True, db_constraint=False, null=True, on_delete=django.db.models.deletion.DO_NOTHING, related_name='+', to='accounts.account', verbose_name='account')),
                ('contact', models.ForeignKey(blank=True, db_constraint=False, null=True, on_delete=django.db.models.deletion.DO_NOTHING, related_name='+', to='relationships.contact', verbose_name='reported by')),
                ('created_by', models.ForeignKey(blank=True, db_constraint=False, null=True, on_delete=django.db.models.deletion.DO_NOTHING, related_name='+', to=settings.AUTH_USER_MODEL, verbose_name='recorded by')),
                ('department', models.ForeignKey(blank=True, db_constraint=False, null=True, on_delete=django.db.models.deletion.DO_NOTHING, related_name='+', to='org.department', verbose_name='internal department')),
                ('escalated_by', models.ForeignKey(blank=True, db_constraint=False, null=True, on_delete=django.db.models.deletion.DO_NOTHING, related_name='+', to=settings.AUTH_USER_MODEL, verbose_name='escalated by')),
                ('escalated_to', models.ForeignKey(blank=True, db_constraint=False, null=True, on_delete=django.db.models.deletion.DO_NOTHING, related_name='+', to='org.team', verbose_name='escalated to')),
                ('history_user', models.ForeignKey(null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to=settings.AUTH_USER_MODEL)),
                ('owner', models.ForeignKey(blank=True, db_constraint=False, null=True, on_delete=django.db.models.deletion.DO_NOTHING, related_name='+', to=settings.AUTH_USER_MODEL, verbose_name='owner')),
            ],
            options={
                'verbose_name': 'historical complaint',
                'verbose_name_plural': 'historical complaints',
                'ordering': ('-history_date', '-history_id'),
                'get_latest_by': ('history_date', 'history_id'),
            },
            bases=(simple_history.models.HistoricalChanges, models.Model),
        ),
        migrations.CreateModel(
            name='HistoricalComplaintEvent',
            fields=[
                ('id', models.BigIntegerField(auto_created=True, blank=True, db_index=True, verbose_name='ID')),
                ('action', models.CharField(choices=[('created', 'Recorded'), ('acknowledged', 'Acknowledged'), ('started', 'Work started'), ('resolved', 'Resolved'), ('closed', 'Closed'), ('reopened', 'Reopened'), ('assigned', 'Assigned'), ('escalated', 'Escalated'), ('edited', 'Edited')], max_length=14, verbose_name='action')),
                ('from_status', models.CharField(blank=True, choices=[('open', 'Open'), ('acknowledged', 'Acknowledged'), ('in_progress', 'In progress'), ('resolved', 'Resolved'), ('closed', 'Closed')], max_length=14, verbose_name='from')),
                ('to_status', models.CharField(blank=True, choices=[('open', 'Open'), ('acknowledged', 'Acknowledged'), ('in_progress', 'In progress'), ('resolved', 'Resolved'), ('closed', 'Closed')], max_length=14, verbose_name='to')),
                ('at', models.DateTimeField(verbose_name='when')),
                ('comment', models.TextField(blank=True, max_length=5000, verbose_name='comment')),
                ('history_id', models.AutoField(primary_key=True, serialize=False)),
                ('history_date', models.DateTimeField(db_index=True)),
                ('history_change_reason', models.CharField(max_length=100, null=True)),
                ('history_type', models.CharField(choices=[('+', 'Created'), ('~', 'Changed'), ('-', 'Deleted')], max_length=1)),
                ('actor', models.ForeignKey(blank=True, db_constraint=False, null=True, on_delete=django.db.models.deletion.DO_NOTHING, related_name='+', to=settings.AUTH_USER_MODEL, verbose_name='by')),
                ('complaint', models.ForeignKey(blank=True, db_constraint=False, null=True, on_delete=django.db.models.deletion.DO_NOTHING, related_name='+', to='engagement.complaint', verbose_name='complaint')),
                ('history_user', models.ForeignKey(null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to=settings.AUTH_USER_MODEL)),
            ],
            options={
                'verbose_name': 'historical complaint event',
                'verbose_name_plural': 'historical complaint events',
                'ordering': ('-history_date', '-history_id'),
                'get_latest_by': ('history_date', 'history_id'),
            },
            bases=(simple_history.models.HistoricalChanges, models.Model),
        ),
        migrations.CreateModel(
            name='HistoricalComplaintSettings',
            fields=[
                ('id', models.BigIntegerField(auto_created=True, blank=True, db_index=True, verbose_name='ID')),
                ('clock', models.CharField(choices=[('calendar', 'Calendar time'), ('business', 'Business hours')], default='calendar', max_length=10, verbose_name='SLA clock')),
                ('work_days', models.CharField(default='12345', help_text='ISO weekday digits: Monday 1 to Sunday 7.', max_length=7, validators=[kam.engagement.complaints.models.validate_work_days], verbose_name='working days')),
                ('work_opens', models.TimeField(default=datetime.time(9, 0), verbose_name='working day opens')),
                ('work_closes', models.TimeField(default=datetime.time(18, 0), verbose_name='working day closes')),
                ('acknowledge_critical', models.CharField(default='4h', help_text='Hours or days, such as 4h or 2d.', max_length=10, validators=[kam.engagement.complaints.models.validate_target], verbose_name='critical: acknowledge within')),
                ('resolve_critical', models.CharField(default='2d', help_text='Hours or days, such as 4h or 2d.', max_length=10, validators=[kam.engagement.complaints.models.validate_target], verbose_name='critical: resolve within')),
                ('acknowledge_high', models.CharField(default='1d', help_text='Hours or days, such as 4h or 2d.', max_length=10, validators=[kam.engagement.complaints.models.validate_target], verbose_name='high: acknowledge within')),
                ('resolve_high', models.CharField(default='5d', help_text='Hours or days, such as 4h or 2d.', max_length=10, validators=[kam.engagement.complaints.models.validate_target], verbose_name='high: resolve within')),
                ('acknowledge_medium', models.CharField(default='2d', help_text='Hours or days, such as 4h or 2d.', max_length=10, validators=[kam.engagement.complaints.models.validate_target], verbose_name='medium: acknowledge within')),
                ('resolve_medium', models.CharField(default='10d', help_text='Hours or days, such as 4h or 2d.', max_length=10, validators=[kam.engagement.complaints.models.validate_target], verbose_name='medium: resolve within')),
                ('acknowledge_low', models.CharField(default='5d', help_text='Hours or days, such as 4h or 2d.', max_length=10, validators=[kam.engagement.complaints.models.validate_target], verbose_name='low: acknowledge within')),
                ('resolve_low', models.CharField(default='20d', help_text='Hours or days, such as 4h or 2d.', max_length=10, validators=[kam.engagement.complaints.models.validate_target], verbose_name='low: resolve within')),
                ('history_id', models.AutoField(primary_key=True, serialize=False)),
                ('history_date', models.DateTimeField(db_index=True)),
                ('history_change_reason', models.CharField(max_length=100, null=True)),
                ('history_type', models.CharField(choices=[('+', 'Created'), ('~', 'Changed'), ('-', 'Deleted')], max_length=1)),
                ('history_user', models.ForeignKey(null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to=settings.AUTH_USER_MODEL)),
            ],
            options={
                'verbose_name': 'historical complaint settings',
                'verbose_name_plural': 'historical complaint settings',
                'ordering': ('-history_date', '-history_id'),
                'get_latest_by': ('history_date', 'history_id'),
            },
            bases=(simple_history.models.HistoricalChanges, models.Model),
        ),
        migrations.AddIndex(
            model_name='complaint',
            index=models.Index(fields=['status', 'acknowledge_due_at'], name='complaint_ack_clock'),
        ),
        migrations.AddIndex(
            model_name='complaint',
            index=models.Index(fields=['status', 'resolve_due_at'], name='complaint_resolve_clock'),
        ),
        migrations.RunPython(seed, unseed),
    ]
