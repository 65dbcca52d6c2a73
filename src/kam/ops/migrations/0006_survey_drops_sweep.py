"""Seed the nightly survey drop sweep (DOMAIN §9), at 02:30 company time."""

import datetime as dt

from django.db import migrations

from kam.ops.scheduler.seed import job_seed

NAME = "survey drops sweep"


def seed(apps, schema_editor):
    job_seed(
        apps,
        name=NAME,
        task="kam.engagement.tasks.survey_drops_sweep_task",
        daily_at=dt.time(2, 30),
    )


def unseed(apps, schema_editor):
    apps.get_model("ops", "ScheduledJob").objects.filter(name=NAME).delete()


class Migration(migrations.Migration):
    dependencies = [("ops", "0005_relationship_sweep")]

    operations = [migrations.RunPython(seed, unseed)]
