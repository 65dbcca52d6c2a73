"""Key-account proposals and score runs (DOMAIN §2)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db.models import (
    Case,
    CharField,
    Count,
    F,
    IntegerField,
    Q,
    QuerySet,
    Value,
    When,
)
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

# How pending proposals are grouped and ordered (docs/rules.md "Key-account proposals on the
# dashboard"): what to decide first, key accounts due a review next, and apart the proposals
# of class D or without contribution, which want a look before a decision.
PROPOSAL = "proposal"
KEY_REVIEW = "key_review"
APART = "apart"
PROPOSAL_GROUPS = (PROPOSAL, KEY_REVIEW, APART)
# Class A (big and growing room) first, then C (room to grow), then B (big, little room).
CLASS_ORDER = ("A", "C", "B", "D")


def key_proposals_pending(*, actor: User) -> QuerySet[Snapshot]:
    """Latest-snapshot accounts proposed as key (or due a key-status review) and not yet
    decided since that snapshot (§2, §6 R5), each annotated with its `proposal_group` and
    ordered by what matters: group, class A, C, B, D, score (highest first), code. The rule
    that proposes an account (§2) is scoring's; this only orders what it proposed."""
    as_of = latest_snapshot_date()
    rows = Snapshot.objects.none()
    if as_of is not None:
        # A decision holds for a year; after that the proposal comes back for a fresh look.
        decided_since = KeyProposalDecision.objects.filter(
            as_of__gt=as_of - dt.timedelta(days=365)
        ).values("account_id")
        rows = Snapshot.objects.filter(
            as_of=as_of, scope=Scope.ENTITY, account__in=accounts_visible_to(actor)
        ).exclude(account_id__in=decided_since)
    proposed = Q(key_proposal=True, account__is_key=False)
    review = Q(key_proposal=False, account__is_key=True, review_key_status=True)
    apart = Q(account_class="D") | Q(contribution_cents__lte=0)
    group = Case(
        When(review, then=Value(KEY_REVIEW)),
        When(apart, then=Value(APART)),
        default=Value(PROPOSAL),
        output_field=CharField(),
    )
    group_rank = Case(
        *(When(proposal_group=name, then=Value(i)) for i, name in enumerate(PROPOSAL_GROUPS)),
        output_field=IntegerField(),
    )
    class_rank = Case(
        *(When(account_class=klass, then=Value(i)) for i, klass in enumerate(CLASS_ORDER)),
        default=Value(len(CLASS_ORDER)),
        output_field=IntegerField(),
    )
    return (
        rows.filter(proposed | review)
        .annotate(proposal_group=group)
        .annotate(group_rank=group_rank, class_rank=class_rank)
        .select_related("account", "account__owner")
        .order_by("group_rank", "class_rank", F("score").desc(nulls_last=True), "account__code")
    )


@dataclass(frozen=True)
class PendingProposals:
    """The pending proposals split as the director reads them, with the count of each group."""

    as_of: dt.date | None  # the scoring they come from
    decide: list[Snapshot]  # proposals and key-status reviews, in order
    apart: list[Snapshot]  # class D or no contribution: to review apart
    counts: dict[str, int]

    @property
    def total(self) -> int:
        return sum(self.counts.values())


def key_proposals_grouped(*, actor: User, limit: int = 200) -> PendingProposals:
    """key_proposals_pending split into what to decide and what is shown apart (§2)."""
    pending = key_proposals_pending(actor=actor)
    # The annotation is not a model field, which the type checker cannot see through.
    group = "proposal_group"
    counts = dict.fromkeys(PROPOSAL_GROUPS, 0)
    grouped = pending.order_by().values(group).annotate(n=Count("pk"))
    for name, count in grouped.values_list(group, "n"):
        counts[name] = count
    apart = Q(**{group: APART})
    return PendingProposals(
        as_of=latest_snapshot_date(),
        decide=list(pending.exclude(apart)[:limit]),
        apart=list(pending.filter(apart)[:limit]),
        counts=counts,
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
