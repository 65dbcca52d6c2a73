"""The dated series of each account's relationship scores (DOMAIN §7 "kept as a dated
series"): a change to the map and the nightly sweep append a point when a value moved.

A change records once per transaction and account, after commit (`scores_record_on_commit`,
the receiver of `contacts_changed`); the sweep records every account with contacts, since
time alone moves who is in the window and whose leaving is recent. Each recording also syncs
the relationship alerts of the accounts it read (kam.relationships.services.alerting).
"""

from __future__ import annotations

import datetime as dt
import threading
from collections.abc import Iterable
from typing import Any

from django.db import transaction
from django.db.models import OuterRef, Subquery
from django.utils.timezone import now as timezone_now

from kam.relationships.models import Contact, RelationshipScore, ScoreReason
from kam.relationships.scoring import AccountFigures, relationship_figures
from kam.relationships.services.alerting import relationship_alerts_sync

# The figures a point compares with the account's latest one; any of them moving appends.
COMPARED = ("overall_closeness", "coverage", "gaps", "department_scores")


def _point(figures: AccountFigures, *, reason: str, recorded_at: dt.datetime) -> RelationshipScore:
    return RelationshipScore(
        account_id=figures.account_id,
        recorded_at=recorded_at,
        as_of=figures.as_of,
        overall_closeness=figures.overall_closeness,
        coverage=figures.coverage,
        gap_count=figures.gap_count,
        gaps=[{"kind": kind, "people": list(people)} for kind, people in figures.gaps],
        department_scores=[
            {"department": d.department, "score": d.score, "people": d.people}
            for d in figures.departments
        ],
        people=figures.people,
        reason=reason,
    )


def _moved(point: RelationshipScore, latest: RelationshipScore | None) -> bool:
    if latest is None:
        return True
    return any(getattr(point, name) != getattr(latest, name) for name in COMPARED)


def latest_scores(account_ids: Iterable[int]) -> dict[int, RelationshipScore]:
    """Each account's newest point of the series, in one query."""
    newest = RelationshipScore.objects.filter(account_id=OuterRef("account_id")).order_by(
        "-recorded_at", "-id"
    )
    rows = RelationshipScore.objects.filter(
        account_id__in=list(account_ids), pk=Subquery(newest.values("pk")[:1])
    )
    return {row.account_id: row for row in rows}


@transaction.atomic
def record_scores(
    account_ids: Iterable[int], *, reason: str, as_of: dt.date | None = None
) -> list[RelationshipScore]:
    """Score the accounts (§7) and append a point for each whose overall closeness,
    coverage, gaps (kinds and people) or department scores moved since its latest point; then
    sync the relationship alerts of these accounts. Returns the points appended. Raises
    ValueError for a reason that is not a ScoreReason."""
    if reason not in ScoreReason.values:
        raise ValueError(f"unknown reason {reason!r}")
    ids = sorted(set(account_ids))
    if not ids:
        return []
    figures = relationship_figures(ids, as_of=as_of)
    latest = latest_scores(ids)
    recorded_at = timezone_now()
    points = [_point(figures[pk], reason=reason, recorded_at=recorded_at) for pk in ids]
    appended = [point for point in points if _moved(point, latest.get(point.account_id))]
    RelationshipScore.objects.bulk_create(appended, batch_size=1000)
    relationship_alerts_sync(figures)
    return appended


def scores_sweep(*, as_of: dt.date | None = None) -> int:
    """The nightly sweep (§7): record every account with contacts, reason "sweep", since
    time passing moves the window and a sponsor's leaving out of "recent". Returns the
    number of points appended."""
    ids = (
        Contact.objects.filter(merged_into__isnull=True)
        .order_by()
        .values_list("account_id", flat=True)
        .distinct()
    )
    return len(record_scores(list(ids), reason=ScoreReason.SWEEP, as_of=as_of))


class _Batch:
    """The accounts one transaction changed, recorded once when it commits."""

    def __init__(self, account_id: int) -> None:
        self.accounts = {account_id}
        self.done = False
        self.callback = self.record  # one bound method, so the waiting list can be searched

    def record(self) -> None:
        self.done = True
        record_scores(self.accounts, reason=ScoreReason.CHANGE)


_pending = threading.local()


def scores_record_on_commit(sender: object, account: Any, **kwargs: Any) -> None:
    """Receiver of `contacts_changed`: record the account's scores with reason "change"
    once its transaction commits, once per transaction and account however many changes it
    made (an import of a thousand contacts records each account once)."""
    batch: _Batch | None = getattr(_pending, "batch", None)
    connection = transaction.get_connection()
    # A batch is live while its callback waits in this transaction (not yet run, and not
    # dropped with a rolled-back savepoint): then the account joins it.
    if (
        batch is not None
        and not batch.done
        and any(entry[1] is batch.callback for entry in connection.run_on_commit)
    ):
        batch.accounts.add(account.pk)
        return
    batch = _pending.batch = _Batch(account.pk)
    # Robust: the change is committed already; a failed recording is logged, not shown as a
    # failed save, and the nightly sweep records the account.
    transaction.on_commit(batch.callback, robust=True)
