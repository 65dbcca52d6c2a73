"""Background tasks of the portfolio (run by `kam worker`)."""

from __future__ import annotations

import logging

from django.utils.translation import gettext as _
from django_tasks import task

from kam.portfolio.services.scoring import score_run_execute, score_run_fail

logger = logging.getLogger(__name__)


@task()
def score_run_task(run_id: str) -> str:
    """Score the portfolio; any unexpected error marks the run failed, visibly."""
    try:
        return str(score_run_execute(run_id=run_id).status)
    except Exception as error:
        logger.exception("score run %s failed", run_id)
        score_run_fail(run_id=run_id, message=_("unexpected error: %(error)s") % {"error": error})
        raise
