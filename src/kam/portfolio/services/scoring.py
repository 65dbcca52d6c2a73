"""Scoring the portfolio: snapshots, the monthly history and background runs (§2–§6)."""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt
from django.db import transaction
from django.db.models import Min
from django.utils import timezone
from django.utils.translation import gettext as _

from kam.accounts.models import Account
from kam.core.bulk import bulk_insert
from kam.core.dates import today
from kam.core.errors import InvalidInput
from kam.core.months import EARLIEST_DAY, LATEST_DAY, last_month_end, month_add
from kam.ledger.models import MonthlyAggregate
from kam.org.models import User
from kam.org.permissions import require_governing
from kam.portfolio import alerts
from kam.portfolio.models import (
    AlertSeverity,
    ScoreRun,
    ScoreRunStatus,
    Snapshot,
    SnapshotSeries,
)
from kam.portfolio.scoring import (
    ClassCache,
    Result,
    SeriesBuilder,
    compute,
    entity_view,
    group_view,
    load_ledger,
    month_end,
    month_index,
    rows_of,
    rules_from,
)
from kam.portfolio.selectors import (
    portfolio_settings,
    stored_classes_before,
)

Progress = Callable[[int, int], None]


def history_dates(as_of: dt.date) -> list[dt.date]:
    """Month ends from the ledger's first month to the last month as of the date, then the
    date itself when it is not a month end (§2 --history)."""
    first = MonthlyAggregate.objects.aggregate(first=Min("month"))["first"]
    last = last_month_end(as_of)
    dates: list[dt.date] = []
    if first is not None:
        dates = [month_end(i) for i in range(month_index(first), month_index(last) + 1)]
    if as_of not in dates:
        dates.append(as_of)
    return dates


@dataclass(frozen=True)
class ScoreOutcome:
    dates: list[dt.date]
    accounts: int
    groups: int


# Dates kam scores: calendar months must exist a century either side (month arithmetic).


def _check_as_of(as_of: dt.date) -> None:
    if not EARLIEST_DAY <= as_of <= LATEST_DAY:
        raise InvalidInput(
            _("Score as of a date between %(first)s and %(last)s.")
            % {"first": EARLIEST_DAY.isoformat(), "last": LATEST_DAY.isoformat()},
            field="as_of",
        )


def score_portfolio(
    *,
    dates: list[dt.date],
    progress: Progress | None = None,
    raise_alerts: bool = True,
    monthly_series: bool = False,
) -> ScoreOutcome:
    """Compute and store the snapshots of every account and group on each date (§2–§6).

    Each date is replaced whole in its own transaction; alerts follow the newest date. With
    `monthly_series` (a back-fill), every date but the last is a month end kept in the monthly
    history (`SnapshotSeries`, replaced whole) and only the last is stored as full snapshots.
    """
    if not dates:
        raise InvalidInput(_("Give at least one date to score."), field="as_of")
    dates = sorted(set(dates))
    _check_as_of(dates[0])
    _check_as_of(dates[-1])
    rules = rules_from(portfolio_settings())
    ledger = load_ledger(dates[0], dates[-1], rules)
    views = (entity_view(ledger), group_view(ledger))
    classes = ClassCache()
    computed_at = timezone.now()
    migrations = _MigrationWatch(dates[0], ledger.account_ids)
    series = [SeriesBuilder(view, len(dates) - 1) for view in views] if monthly_series else []
    for done, as_of in enumerate(dates, start=1):
        results = [compute(ledger, view, as_of, rules, classes) for view in views]
        if series and done < len(dates):
            for builder, result in zip(series, results, strict=True):
                builder.add(result)
        else:
            with transaction.atomic():
                Snapshot.objects.filter(as_of=as_of).delete()
                for result in results:
                    names, rows = rows_of(result, computed_at)
                    bulk_insert(Snapshot, names, rows)
        migrations.see(results[0])
        if progress is not None:
            progress(done, len(dates))
    if series:
        with transaction.atomic():
            SnapshotSeries.objects.all().delete()
            for builder in series:
                names, rows = builder.rows(dates[0], computed_at)
                bulk_insert(SnapshotSeries, names, rows)
    newest_stored = not Snapshot.objects.filter(as_of__gt=dates[-1]).exists()
    if raise_alerts and newest_stored:
        _portfolio_alerts(results[0], migrations, since=month_add(dates[-1], -12))
    return ScoreOutcome(dates, len(views[0].account_ids), len(views[1].account_ids))


def score_history(*, as_of: dt.date, progress: Progress | None = None) -> ScoreOutcome:
    """Back-fill the monthly history over the whole ledger and score the date (§2
    --history): month ends go to the monthly history, the date to full snapshots."""
    _check_as_of(as_of)
    return score_portfolio(dates=history_dates(as_of), progress=progress, monthly_series=True)


class _MigrationWatch:
    """Class drops (A/B → C/D, §3 migration) between consecutive entity snapshots of a run,
    starting from the snapshot stored before its first date."""

    def __init__(self, first: dt.date, account_ids: npt.NDArray[np.int64]) -> None:
        stored = stored_classes_before(first)
        self.previous = np.array([stored.get(pk, "") for pk in account_ids.tolist()], dtype="<U1")
        n = account_ids.shape[0]
        self.dropped_on = np.zeros(n, dtype=np.int64)  # date ordinal of the last drop; 0: none
        self.dropped_from = np.full(n, "", dtype="<U1")
        self.dropped_to = np.full(n, "", dtype="<U1")

    def see(self, result: Result) -> None:
        now = np.asarray(result.columns["account_class"])
        drop = np.isin(self.previous, ("A", "B")) & np.isin(now, ("C", "D"))
        self.dropped_on[drop] = result.as_of.toordinal()
        self.dropped_from[drop] = self.previous[drop]
        self.dropped_to[drop] = now[drop]
        self.dropped_on[np.isin(now, ("A", "B"))] = 0  # back up: the drop is over
        self.previous = now

    def drops_since(self, start: dt.date) -> npt.NDArray[np.bool_]:
        return self.dropped_on > start.toordinal()

    def dropped_date(self, row: int) -> str:
        return dt.date.fromordinal(int(self.dropped_on[row])).isoformat()


def _portfolio_alerts(result: Result, migrations: _MigrationWatch, since: dt.date) -> None:
    """Raise and resolve the alerts of the newest snapshot (§3, §4, §13): stale or missing
    potential on a key account, investment outside its band, a key account without a manager,
    a class drop. Messages are kept in English for API readers; pages word them from the data."""
    cols = result.columns
    ids = np.asarray(cols["account_id"]).tolist()
    key = np.asarray(cols["is_key"])
    klass = np.asarray(cols["account_class"])
    band = np.asarray(cols["investment_band"])
    ratio = np.asarray(cols["investment_ratio"])
    missing = key & np.asarray(cols["potential_missing"])
    stale = key & ~missing & np.asarray(cols["potential_stale"])
    owners = dict(Account.objects.filter(pk__in=ids).values_list("pk", "owner_id"))
    no_manager = key & np.array([owners.get(pk) is None for pk in ids], dtype=bool)
    as_of = result.as_of.isoformat()

    def each(mask: npt.NDArray[np.bool_], text: str) -> dict[int, alerts.Wanted]:
        return {
            ids[row]: alerts.Wanted(text, {"as_of": as_of}) for row in np.flatnonzero(mask).tolist()
        }

    alerts.sync_alerts(
        alerts.KIND_POTENTIAL_MISSING,
        AlertSeverity.WARNING,
        each(missing, "Key account without a potential estimate."),
    )
    alerts.sync_alerts(
        alerts.KIND_POTENTIAL_STALE,
        AlertSeverity.WARNING,
        each(stale, "The potential estimate of this key account is out of date."),
    )
    alerts.sync_alerts(
        alerts.KIND_NO_MANAGER,
        AlertSeverity.CRITICAL,
        each(no_manager, "Key account without a manager."),
    )
    outside = (band == "below") | (band == "above")
    alerts.sync_alerts(
        alerts.KIND_INVESTMENT_BAND,
        AlertSeverity.WARNING,
        {
            ids[row]: alerts.Wanted(
                f"Investment ratio {ratio[row]:.1%} is {band[row]} the class {klass[row]} band.",
                {
                    "as_of": as_of,
                    "band": str(band[row]),
                    "account_class": str(klass[row]),
                    "ratio": float(ratio[row]),
                },
            )
            for row in np.flatnonzero(outside).tolist()
        },
    )
    m = migrations
    alerts.sync_alerts(
        alerts.KIND_CLASS_DROP,
        AlertSeverity.CRITICAL,
        {
            ids[row]: alerts.Wanted(
                f"Class dropped from {m.dropped_from[row]} to {m.dropped_to[row]} "
                f"as of {m.dropped_date(row)}.",
                {
                    "previous_class": str(m.dropped_from[row]),
                    "account_class": str(m.dropped_to[row]),
                    "dropped_on": m.dropped_date(row),
                },
            )
            for row in np.flatnonzero(m.drops_since(since)).tolist()
        },
        resolve_others=False,  # a drop stays open until someone acknowledges it
    )


def score_run_create(
    *, actor: User | None, as_of: dt.date | None = None, history: bool = False, reason: str = ""
) -> ScoreRun:
    """Queue a scoring job (after an import, a settings change, or on request).

    A run asked for by the system while the same run still waits in the queue is that run:
    ten imports in a row re-score once, not ten times.
    """
    if actor is not None:
        require_governing(actor, _("start a scoring run"))
    as_of = as_of or today()
    _check_as_of(as_of)
    if actor is None:
        waiting = ScoreRun.objects.filter(
            as_of=as_of, history=history, status=ScoreRunStatus.QUEUED, created_by=None
        ).first()
        if waiting is not None:
            return waiting
    run = ScoreRun.objects.create(
        as_of=as_of, history=history, reason=reason[:200], created_by=actor
    )
    from kam.portfolio.tasks import score_run_task

    transaction.on_commit(lambda: score_run_task.enqueue(run_id=str(run.pk)))
    return run


def score_run_execute(*, run_id: uuid.UUID | str) -> ScoreRun:
    """Run a queued scoring job, recording progress on its row."""
    run = ScoreRun.objects.get(pk=run_id)
    if run.status in {ScoreRunStatus.DONE, ScoreRunStatus.FAILED}:
        return run
    dates = history_dates(run.as_of) if run.history else [run.as_of]
    ScoreRun.objects.filter(pk=run.pk).update(status=ScoreRunStatus.RUNNING, dates_total=len(dates))

    def progress(done: int, total: int) -> None:
        ScoreRun.objects.filter(pk=run.pk).update(dates_done=done, dates_total=total)

    if run.history:
        outcome = score_history(as_of=run.as_of, progress=progress)
    else:
        outcome = score_portfolio(dates=dates, progress=progress)
    ScoreRun.objects.filter(pk=run.pk).update(
        status=ScoreRunStatus.DONE,
        accounts=outcome.accounts,
        finished_at=timezone.now(),
        message="",
    )
    run.refresh_from_db()
    return run


def score_run_fail(*, run_id: uuid.UUID | str, message: str) -> None:
    ScoreRun.objects.filter(pk=run_id).update(
        status=ScoreRunStatus.FAILED, finished_at=timezone.now(), message=message[:500]
    )
