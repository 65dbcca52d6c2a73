"""Scoring the portfolio: snapshots, the monthly history and background runs (§2–§6)."""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from kam.analytics import portfolio as engine
from kam.analytics.causes import ClassInputs
from kam.analytics.portfolio import ClassCache, MigrationWatch, PortfolioInputs
from kam.analytics.rules import Rules
from kam.core.dates import today
from kam.core.errors import Conflict, InvalidInput
from kam.core.jobs import enqueue_on_commit
from kam.core.months import (
    EARLIEST_DAY,
    LATEST_DAY,
    last_month_end,
    month_add,
    month_end,
    month_index,
)
from kam.core.workers import current_worker_id, live_worker_ids
from kam.ledger.selectors import account_month_arrays, ledger_first_month
from kam.org.models import User
from kam.org.permissions import require_governing
from kam.portfolio.models import (
    SCORE_RUN_STATUS,
    ScoreRun,
    ScoreRunStatus,
    Snapshot,
)
from kam.portfolio.rules import rules_from
from kam.portfolio.selectors import (
    cost_to_serve_arrays,
    portfolio_settings,
    potential_estimate_arrays,
    scoring_accounts,
)
from kam.portfolio.selectors.drops import stored_class_inputs_before
from kam.portfolio.services.alerting import portfolio_alerts
from kam.portfolio.steps import ScoredDate, churn_risk_high
from kam.portfolio.store import store_monthly_history, store_snapshots

Progress = Callable[[int, int], None]

ERROR_NOT_FAILED_RUN = gettext_lazy("Only a failed scoring run can be retried.")
ERROR_WORKER_STOPPED = gettext_lazy(
    "The background worker stopped while this run was scoring. Retry it."
)


def history_dates(as_of: dt.date) -> list[dt.date]:
    """Month ends from the ledger's first month to the last month as of the date, then the
    date itself when it is not a month end (§2 --history)."""
    first = ledger_first_month()
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


def load_inputs(first_as_of: dt.date, last_as_of: dt.date, rules: Rules) -> PortfolioInputs:
    """The load step of a run: accounts, aggregates, estimates and cost to serve read into
    arrays once, wide enough for every date from `first_as_of` to `last_as_of`."""
    accounts = scoring_accounts()
    history = max(rules.lifecycle_window_months, 24, rules.lost_after_months) + 12
    first_needed = month_index(last_month_end(first_as_of)) - history
    # The ledger's whole span counts (a lifecycle starts at the first revenue month); cost to
    # serve only within the window, so a stray old cost record cannot widen every array.
    months = account_month_arrays(
        account_ids=accounts.ids, since=month_end(first_needed), until=last_month_end(last_as_of)
    )
    estimates = potential_estimate_arrays(account_ids=accounts.ids)
    return PortfolioInputs(
        account_ids=np.array(accounts.ids, dtype=np.int64),
        codes=accounts.codes,
        parent=accounts.parent,
        base=months.base,
        revenue=months.revenue,
        cost=months.cost,
        costed_revenue=months.costed_revenue,
        cost_to_serve=cost_to_serve_arrays(
            account_ids=accounts.ids, base=months.base, width=months.width
        ),
        strategic_importance=accounts.strategic_importance,
        technical_fit=accounts.technical_fit,
        credit_reputation=accounts.credit_reputation,
        is_key=accounts.is_key,
        estimate_row=estimates.row,
        estimate_date=estimates.estimated_on,
        estimate_cents=estimates.cents,
    )


def _migration_watch(first: dt.date, inputs: PortfolioInputs) -> MigrationWatch:
    """Class drops of a run are counted from the classes stored before its first date, with
    the inputs of that state: a full snapshot's own figures, or for a month end of the
    monthly history (which keeps classes only) the inputs as they read now (§10 causes)."""
    stored = stored_class_inputs_before(first)
    ids = inputs.account_ids.tolist()
    previous = np.array([stored.classes.get(pk, "") for pk in ids], dtype="<U1")
    if stored.on is None:
        return MigrationWatch(previous)
    if stored.from_snapshot:
        figures = [stored.figures.get(pk, (0, None)) for pk in ids]
        state = ClassInputs(
            np.array([c for c, _e in figures], dtype=np.int64),
            np.array([e or 0 for _c, e in figures], dtype=np.int64),
            np.array([e is not None for _c, e in figures], dtype=bool),
        )
    else:
        amount, age, _position = inputs.estimates_as_of(stored.on)
        state = ClassInputs(
            inputs.revenue_sums(inputs.last_column(stored.on), 12), amount, ~np.isnan(age)
        )
    return MigrationWatch(previous, state, stored.on)


def score_portfolio(
    *,
    dates: list[dt.date],
    progress: Progress | None = None,
    raise_alerts: bool = True,
    monthly_history: bool = False,
) -> ScoreOutcome:
    """Compute and store the snapshots of every account and group on each date (§2–§6).

    The pipeline: load (`load_inputs`, once) → compute (`kam.analytics.portfolio.compute`,
    each scope on each date) → store (`store_snapshots`, `store_monthly_history`).
    Each date is replaced whole in its own transaction; alerts follow the newest date. With
    `monthly_history` (a back-fill), every date but the last is a month end kept in the
    monthly history (replaced whole) and only the last is stored as full snapshots.
    """
    if not dates:
        raise InvalidInput(_("Give at least one date to score."), field="as_of")
    dates = sorted(set(dates))
    _check_as_of(dates[0])
    _check_as_of(dates[-1])
    rules = rules_from(portfolio_settings())
    inputs = load_inputs(dates[0], dates[-1], rules)
    scopes = (engine.entity_scope(inputs), engine.group_scope(inputs))
    classes = ClassCache()
    computed_at = timezone.now()
    migrations = _migration_watch(dates[0], inputs)
    histories = (
        [engine.MonthlyHistoryBuilder(scope, len(dates) - 1) for scope in scopes]
        if monthly_history
        else []
    )
    for done, as_of in enumerate(dates, start=1):
        results = [engine.compute(inputs, scope, as_of, rules, classes) for scope in scopes]
        if histories and done < len(dates):
            for builder, result in zip(histories, results, strict=True):
                builder.add(result)
        else:
            if histories:
                # Stored before the churn-risk steps run: they read the monthly classes
                # (the Markov chain), which a back-fill must already hold.
                store_monthly_history(
                    [builder.arrays() for builder in histories], dates[0], computed_at
                )
            results[0] = _with_churn_risk(inputs, scopes[0], results[0], rules, classes, histories)
            store_snapshots(as_of, results, computed_at)
        migrations.see(results[0])
        if progress is not None:
            progress(done, len(dates))
    newest_stored = not Snapshot.objects.filter(as_of__gt=dates[-1]).exists()
    if raise_alerts and newest_stored:
        portfolio_alerts(results[0], migrations, month_add(dates[-1], -12), rules)
    return ScoreOutcome(dates, len(scopes[0].account_ids), len(scopes[1].account_ids))


def _with_churn_risk(
    inputs: PortfolioInputs,
    scope: engine.ScopeArrays,
    result: engine.Result,
    rules: Rules,
    classes: ClassCache,
    histories: list[engine.MonthlyHistoryBuilder],
) -> engine.Result:
    """The entity result with §6 R2's "churn risk high" clause settled by the registered
    churn-risk steps (kam.portfolio.steps): figures first, then risk, then strategy."""
    scored = ScoredDate(
        result.as_of,
        scope.account_ids,
        result.columns,
        bool(histories),
        revenue=scope.revenue,
        revenue_base=inputs.base,
    )
    high = churn_risk_high(scored)
    if high is None or not high.any():
        return result
    return engine.compute(inputs, scope, result.as_of, rules, classes, churn_risk_high=high)


def score_history(*, as_of: dt.date, progress: Progress | None = None) -> ScoreOutcome:
    """Back-fill the monthly history over the whole ledger and score the date (§2
    --history): month ends go to the monthly history, the date to full snapshots."""
    _check_as_of(as_of)
    return score_portfolio(dates=history_dates(as_of), progress=progress, monthly_history=True)


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
        as_of=as_of,
        history=history,
        reason=reason[:200],
        created_by=actor,
        queued_at=timezone.now(),
    )
    _enqueue(run)
    return run


def _enqueue(run: ScoreRun) -> None:
    from kam.portfolio.tasks import score_run_task

    enqueue_on_commit(
        score_run_task,
        run_id=str(run.pk),
        failed=lambda message: score_run_fail(run_id=run.pk, message=message),
    )


@transaction.atomic
def score_run_retry(*, actor: User, run: ScoreRun) -> ScoreRun:
    """Queue a failed scoring run again (its worker stopped, or it broke). Raises Conflict
    unless the run failed, PermissionDenied unless the actor may start runs."""
    require_governing(actor, _("start a scoring run"))
    run = ScoreRun.objects.select_for_update().get(pk=run.pk)
    if run.status != ScoreRunStatus.FAILED:
        raise Conflict(str(ERROR_NOT_FAILED_RUN), field="status")
    SCORE_RUN_STATUS.move_instance(
        run,
        ScoreRunStatus.QUEUED,
        queued_at=timezone.now(),
        finished_at=None,
        message="",
        dates_done=0,
        worker_id="",
    )
    _enqueue(run)
    return run


def score_runs_fail_stopped(*, idle: frozenset[str] = frozenset()) -> int:
    """Fail the running score runs whose worker stopped beating (kam.core.workers), or whose
    worker says it is `idle` (its job's process died under it), with a message saying so;
    they can be retried. Returns how many."""
    stopped = ScoreRun.objects.filter(status=ScoreRunStatus.RUNNING).exclude(worker_id="")
    stopped = stopped.exclude(worker_id__in=live_worker_ids() - idle)
    return SCORE_RUN_STATUS.move(
        stopped,
        ScoreRunStatus.FAILED,
        finished_at=timezone.now(),
        message=str(ERROR_WORKER_STOPPED),
    )


def score_run_execute(*, run_id: uuid.UUID | str) -> ScoreRun:
    """Run a queued scoring job, recording progress on its row."""
    run = ScoreRun.objects.get(pk=run_id)
    if run.status in {ScoreRunStatus.DONE, ScoreRunStatus.FAILED}:
        return run
    dates = history_dates(run.as_of) if run.history else [run.as_of]
    SCORE_RUN_STATUS.move(
        ScoreRun.objects.filter(pk=run.pk),
        ScoreRunStatus.RUNNING,
        dates_total=len(dates),
        worker_id=current_worker_id(),
    )

    def progress(done: int, total: int) -> None:
        ScoreRun.objects.filter(pk=run.pk).update(dates_done=done, dates_total=total)

    if run.history:
        outcome = score_history(as_of=run.as_of, progress=progress)
    else:
        outcome = score_portfolio(dates=dates, progress=progress)
    SCORE_RUN_STATUS.move(
        ScoreRun.objects.filter(pk=run.pk),
        ScoreRunStatus.DONE,
        accounts=outcome.accounts,
        finished_at=timezone.now(),
        message="",
    )
    run.refresh_from_db()
    from kam.portfolio.services.rescore import rescores_finish

    rescores_finish(run=run)
    return run


def score_run_fail(*, run_id: uuid.UUID | str, message: str) -> None:
    SCORE_RUN_STATUS.move(
        ScoreRun.objects.filter(pk=run_id),
        ScoreRunStatus.FAILED,
        finished_at=timezone.now(),
        message=message[:500],
    )
