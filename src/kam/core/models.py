"""The one model kam.core holds: the heartbeat of each background worker (kam.core.workers)."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class WorkerHeartbeat(models.Model):
    """A running worker process, as it last reported itself. The row is written by the worker's
    heartbeat thread every few seconds and removed when the worker stops cleanly; a row whose
    beat is older than KAM_WORKER_STALE_SECONDS is a worker that died (docs/rules.md)."""

    worker_id = models.CharField(_("worker"), max_length=64, unique=True)
    kind = models.CharField(_("kind"), max_length=20, default="db")
    host = models.CharField(_("host"), max_length=255)
    pid = models.PositiveIntegerField(_("process id"))
    started_at = models.DateTimeField(_("started"))
    beat_at = models.DateTimeField(_("last heartbeat"), db_index=True)
    task = models.CharField(_("current task"), max_length=200, blank=True)
    task_started_at = models.DateTimeField(_("task started"), null=True, blank=True)

    class Meta:
        verbose_name = _("worker heartbeat")
        verbose_name_plural = _("worker heartbeats")
        ordering = ["-beat_at"]

    def __str__(self) -> str:
        return f"{self.host}:{self.pid} ({self.worker_id})"
