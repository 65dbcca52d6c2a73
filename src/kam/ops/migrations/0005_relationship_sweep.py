"""Seed the nightly sweep of the relationship series (§7): each night at 02:30 company time,
after the re-score, every account with contacts is scored and a point appended where time
alone moved a value (the contact window, a sponsor's leaving growing old)."""

import datetime as dt

from django.db import migrations

from kam.ops.scheduler.seed import job_seed

NAME = "relationship sweep"


def seed(apps, schema_editor):
    job_seed(
        apps,
        name=NAME,
        task="kam.relationships.tasks.relationship_sweep_task",
        daily_at=dt.time(2, 30),
    )


def unseed(apps, schema_editor):
    apps.get_model("ops", "ScheduledJob").objects.filter(name=NAME).delete()


class Migration(migrations.Migration):
    dependencies = [("ops", "0004_stopped_workers_sweep")]

    operations = [migrations.RunPython(seed, unseed)]
