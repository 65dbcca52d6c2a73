"""Seed the engagement sweep: every night, overdue visits and uncontacted decision makers
become alerts and clear when the condition clears (DOMAIN §9, kam.engagement.tasks)."""

import datetime as dt

from django.db import migrations

from kam.ops.scheduler.seed import job_seed

NAME = "engagement sweep"


def seed(apps, schema_editor):
    job_seed(
        apps,
        name=NAME,
        task="kam.engagement.tasks.engagement_sweep_task",
        # After the nightly re-score (02:00), so the sweep reads tonight's classes.
        daily_at=dt.time(3, 0),
    )


def unseed(apps, schema_editor):
    apps.get_model("ops", "ScheduledJob").objects.filter(name=NAME).delete()


class Migration(migrations.Migration):
    dependencies = [("ops", "0006_survey_drops_sweep")]

    operations = [migrations.RunPython(seed, unseed)]
