"""Queueing a background job from a service, on whichever queue the settings name (the
database, or Redis with KAM_QUEUE_URL; docs/scale.md)."""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any

from django.db import transaction
from django.utils.translation import gettext as _
from django_tasks.base import Task

logger = logging.getLogger(__name__)


def enqueue_on_commit(
    task: Task[Any, Any], *, failed: Callable[[str], None], **kwargs: Any
) -> None:
    """Queue `task` with `kwargs` once the current transaction commits (the worker must find
    the rows it reads). A queue that refuses it — Redis down — calls `failed` with the reason,
    so the job shows as failed instead of waiting forever, and the request that committed it
    does not answer 500."""

    def enqueue() -> None:
        try:
            task.enqueue(**kwargs)
        except Exception as error:
            logger.exception("could not queue %s", task.module_path)
            failed(_("The job queue could not be reached: %(error)s") % {"error": error})

    transaction.on_commit(enqueue)
