"""Background tasks of the ledger (run by `kam worker`)."""

from __future__ import annotations

import logging

from django.utils.translation import gettext as _
from django_tasks import task

from kam.ledger.jobs import import_job_fail, import_job_run

logger = logging.getLogger(__name__)


@task()
def import_job_run_task(job_id: str) -> str:
    """Import an uploaded file; any unexpected error marks the job failed, visibly."""
    try:
        return str(import_job_run(job_id=job_id).status)
    except Exception as error:
        logger.exception("import job %s failed", job_id)
        import_job_fail(job_id=job_id, message=_("unexpected error: %(error)s") % {"error": error})
        raise
