"""Seed the sweep after stopped workers: every five minutes, fail the jobs of workers that stopped
beating and prune uploads past their keeping time (kam.ops.workers)."""

import datetime as dt

from django.db import migrations

from kam.ops.scheduler.seed import job_seed

NAME = "stopped-workers sweep"


def seed(apps, schema_editor):
    job_seed(
        apps,
        name=NAME,
        task="kam.ops.tasks.stopped_workers_sweep_task",
        interval=dt.timedelta(minutes=5),
    )


def unseed(apps, schema_editor):
    apps.get_model("ops", "ScheduledJob").objects.filter(name=NAME).delete()


class Migration(migrations.Migration):
    dependencies = [("ops", "0003_scheduled_run_once")]

    operations = [migrations.RunPython(seed, unseed)]
