"""Key-account proposals and score runs (DOMAIN §2)."""

from __future__ import annotations

import datetime as dt

from django.db.models import Q, QuerySet
from django.shortcuts import get_object_or_404

from kam.accounts.selectors import accounts_visible_to
from kam.core.workers import JobWait, job_wait
from kam.org.models import User
from kam.portfolio.models import (
    KeyProposalDecision,
    Scope,
    ScoreRun,
    ScoreRunStatus,
    Snapshot,
)
from kam.portfolio.selectors.dates import latest_snapshot_date


def key_proposals_pending(*, actor: User) -> QuerySet[Snapshot]:
    """Latest-snapshot accounts proposed as key (or due a key-status review) and not yet
    decided since that snapshot (§2, §6 R5)."""
    as_of = latest_snapshot_date()
    if as_of is None:
        return Snapshot.objects.none()
    # A decision holds for a year; after that the proposal comes back for a fresh look.
    decided_since = KeyProposalDecision.objects.filter(
        as_of__gt=as_of - dt.timedelta(days=365)
    ).values("account_id")
    rows = Snapshot.objects.filter(
        as_of=as_of, scope=Scope.ENTITY, account__in=accounts_visible_to(actor)
    ).exclude(account_id__in=decided_since)
    proposed = Q(key_proposal=True, account__is_key=False)
    review = Q(key_proposal=False, account__is_key=True, review_key_status=True)
    return (
        rows.filter(proposed | review)
        .select_related("account", "account__owner")
        .order_by("-score", "account__code")
    )


def key_proposal_decisions(*, actor: User) -> QuerySet[KeyProposalDecision]:
    return KeyProposalDecision.objects.filter(
        account__in=accounts_visible_to(actor)
    ).select_related("account", "decided_by")


def score_runs_visible_to(actor: User) -> QuerySet[ScoreRun]:
    """Scoring runs are the director's and administrator's business; an executive reads them
    as they read everything (§13)."""
    if not actor.is_authenticated or not actor.sees_all_accounts:
        return ScoreRun.objects.none()
    return ScoreRun.objects.select_related("created_by").order_by("-created_at")


def score_run_get(*, actor: User, run_id: object) -> ScoreRun:
    return get_object_or_404(score_runs_visible_to(actor), pk=run_id)


def score_run_wait(run: ScoreRun) -> JobWait:
    """A queued run's wait: whether a worker is live to take it, and for how long."""
    return job_wait(
        queued=run.status == ScoreRunStatus.QUEUED, since=run.queued_at or run.created_at
    )
