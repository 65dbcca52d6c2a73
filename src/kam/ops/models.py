"""The schedule of periodic jobs the worker runs, and each run (ARCHITECTURE: background jobs)."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import models
from django.utils.module_loading import import_string
from django.utils.translation import gettext_lazy as _
from django_tasks.base import Task
from simple_history.models import HistoricalRecords

from kam.core.transitions import StateMachine


class ScheduledJob(models.Model):
    """A task the worker enqueues on a schedule: every `interval`, or each day at `daily_at`
    in the company time zone. `next_run_at` is the next slot; a tick that finds it past
    enqueues the task once and moves it to the first slot after now (docs/rules.md)."""

    name = models.CharField(_("name"), max_length=100, unique=True)
    task = models.CharField(
        _("task"), max_length=200, help_text=_("Dotted path of a background task.")
    )
    arguments = models.JSONField(
        _("arguments"), default=dict, blank=True, help_text=_("Keyword arguments of the task.")
    )
    interval = models.DurationField(_("every"), null=True, blank=True)
    daily_at = models.TimeField(
        _("daily at"), null=True, blank=True, help_text=_("In the company time zone.")
    )
    enabled = models.BooleanField(_("enabled"), default=True)
    next_run_at = models.DateTimeField(_("next run"), null=True, blank=True, db_index=True)
    last_run_at = models.DateTimeField(_("last run"), null=True, blank=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("scheduled job")
        verbose_name_plural = _("scheduled jobs")
        ordering = ["name"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(interval__isnull=True) ^ models.Q(daily_at__isnull=True),
                name="scheduled_job_interval_or_daily_at",
            )
        ]

    def __str__(self) -> str:
        return self.name

    def clean(self) -> None:
        if (self.interval is None) == (self.daily_at is None):
            raise ValidationError(_("Give either an interval or a daily time, not both."))
        if self.interval is not None and self.interval.total_seconds() < 1:
            raise ValidationError({"interval": _("The interval must be at least a second.")})
        if not isinstance(self.arguments, dict):
            raise ValidationError({"arguments": _("Give the arguments as a JSON object.")})
        try:
            found = import_string(self.task)
        except ImportError:
            found = None
        if not isinstance(found, Task):
            raise ValidationError({"task": _("No background task has this path.")})


class JobRunStatus(models.TextChoices):
    QUEUED = "queued", _("Queued")
    RUNNING = "running", _("Running")
    SUCCEEDED = "succeeded", _("Succeeded")
    FAILED = "failed", _("Failed")


# The moves of a scheduled run's status, declared once (kam.core.transitions).
JOB_RUN_STATUS = StateMachine(
    _("scheduled run"),
    {
        JobRunStatus.QUEUED: {JobRunStatus.RUNNING, JobRunStatus.FAILED},
        JobRunStatus.RUNNING: {JobRunStatus.SUCCEEDED, JobRunStatus.FAILED},
    },
)


class ScheduledJobRun(models.Model):
    """One run of a scheduled job: enqueued by a tick, then followed through its task."""

    job = models.ForeignKey(
        ScheduledJob, on_delete=models.CASCADE, related_name="runs", verbose_name=_("job")
    )
    due_at = models.DateTimeField(_("due"))
    started_at = models.DateTimeField(_("started"))
    finished_at = models.DateTimeField(_("finished"), null=True, blank=True)
    status = models.CharField(
        _("status"), max_length=10, choices=JobRunStatus.choices, default=JobRunStatus.QUEUED
    )
    message = models.CharField(_("message"), max_length=1000, blank=True)
    task_result_id = models.CharField(_("task result"), max_length=64, blank=True, db_index=True)

    class Meta:
        verbose_name = _("scheduled job run")
        verbose_name_plural = _("scheduled job runs")
        ordering = ["-started_at", "-id"]
        constraints = [
            # Each slot of a job runs once, however many workers tick at that moment.
            models.UniqueConstraint(fields=["job", "due_at"], name="scheduled_job_run_once")
        ]

    def __str__(self) -> str:
        return f"{self.job_id} {self.started_at:%Y-%m-%d %H:%M} {self.status}"
