"""Seed the nightly re-score: a scoring run as of today, each night at 02:00 company time."""

import datetime as dt

from django.db import migrations

from kam.ops.scheduler.seed import job_seed


def seed(apps, schema_editor):
    job_seed(
        apps,
        name="nightly re-score",
        task="kam.ops.tasks.nightly_rescore_task",
        daily_at=dt.time(2, 0),
    )


def unseed(apps, schema_editor):
    apps.get_model("ops", "ScheduledJob").objects.filter(name="nightly re-score").delete()


class Migration(migrations.Migration):
    dependencies = [("ops", "0001_schedule")]

    operations = [migrations.RunPython(seed, unseed)]
