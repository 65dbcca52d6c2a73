"""Writes of the portfolio: scoring, settings, overrides, decisions, cost to serve, alerts."""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

import numpy as np
import numpy.typing as npt
from django.db import transaction
from django.db.models import Min
from django.utils import timezone
from django.utils.translation import gettext as _

from kam.accounts.models import Account
from kam.accounts.services import account_set_key_status
from kam.core.bulk import bulk_insert
from kam.core.dates import today
from kam.core.errors import Conflict, InvalidInput, full_clean_or_raise
from kam.core.months import EARLIEST_DAY, LATEST_DAY, last_month_end, month_add
from kam.ledger.models import LedgerLine, MonthlyAggregate
from kam.org.models import User
from kam.org.permissions import require_governing, require_write
from kam.portfolio import alerts
from kam.portfolio.models import (
    Alert,
    AlertSeverity,
    CostKind,
    CostToServe,
    KeyProposal,
    Playbook,
    PortfolioSettings,
    ProposalDecision,
    Scope,
    ScoreRun,
    ScoreRunStatus,
    Snapshot,
    SnapshotSeries,
    Strategy,
    StrategyOverride,
    Tactic,
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
    account_strategy_override,
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


# --- Background scoring -------------------------------------------------------------------


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


# --- Settings -----------------------------------------------------------------------------

SETTINGS_FIELDS = tuple(
    f.name
    for f in PortfolioSettings._meta.get_fields()
    if f.concrete and f.name not in {"id", "updated_at"}
)


@transaction.atomic
def settings_update(*, actor: User, **changes: Any) -> PortfolioSettings:
    """Edit thresholds and weights (director, admin); validated, in history, then re-score."""
    require_governing(actor, _("edit the portfolio settings"))
    unknown = sorted(set(changes) - set(SETTINGS_FIELDS))
    if unknown:
        raise InvalidInput(_("Unknown setting."), field=unknown[0])
    settings = PortfolioSettings.objects.select_for_update().get(pk=portfolio_settings().pk)
    old_currency = settings.currency
    for name, value in changes.items():
        setattr(settings, name, value)
    settings.currency = str(settings.currency).strip().upper()
    full_clean_or_raise(settings)
    _check_settings(settings)
    if settings.currency != old_currency and LedgerLine.objects.exists():
        raise Conflict(
            _("The ledger is stored in %(currency)s; the base currency cannot change under it.")
            % {"currency": old_currency},
            field="currency",
        )
    settings._history_user = actor  # type: ignore[attr-defined]
    settings.save()
    score_run_create(actor=actor, reason="settings")
    settings.refresh_from_db()
    return settings


def _check_settings(s: PortfolioSettings) -> None:
    pairs = [
        ("contribution_medium", s.contribution_medium, s.contribution_high),
        ("potential_medium", s.potential_medium, s.potential_high),
        ("band_a_low", s.band_a_low, s.band_a_high),
        ("band_b_low", s.band_b_low, s.band_b_high),
        ("band_c_low", s.band_c_low, s.band_c_high),
        ("band_d_low", s.band_d_low, s.band_d_high),
    ]
    for name, low, high in pairs:
        if Decimal(low) > Decimal(high):
            raise InvalidInput(_("The lower threshold must not exceed the upper one."), field=name)
    weights = [getattr(s, name) for name in SETTINGS_FIELDS if name.startswith("weight_")]
    if sum(Decimal(w) for w in weights) <= 0:
        raise InvalidInput(
            _("At least one score weight must be above zero."), field="weight_contribution"
        )
    if len(s.currency) != 3 or not s.currency.isalpha():
        raise InvalidInput(_("A currency is a three-letter ISO 4217 code."), field="currency")


# --- Strategy overrides and key-account proposals ------------------------------------------


def _latest_entity_snapshot(account: Account) -> Snapshot | None:
    return account.snapshots.filter(scope=Scope.ENTITY).order_by("-as_of").first()


@transaction.atomic
def strategy_override_set(
    *, actor: User, account: Account, strategy: str, reason: str
) -> StrategyOverride:
    """A manager chooses a strategy over the recommendation, with a reason (§6)."""
    require_write(actor)
    if strategy not in Strategy.values:
        raise InvalidInput(_("Unknown strategy."), field="strategy")
    reason = reason.strip()
    if not reason:
        raise InvalidInput(_("Give a reason for overriding the recommendation."), field="reason")
    current = account_strategy_override(account=account)
    if current is not None:
        current.withdrawn_at = timezone.now()
        current._history_user = actor  # type: ignore[attr-defined]
        current.save(update_fields=["withdrawn_at"])
    snapshot = _latest_entity_snapshot(account)
    override = StrategyOverride(
        account=account,
        strategy=strategy,
        reason=reason,
        recommended=snapshot.strategy if snapshot else "",
        recommended_rule=snapshot.strategy_rule if snapshot else "",
        decided_by=actor,
    )
    override._history_user = actor  # type: ignore[attr-defined]
    full_clean_or_raise(override)
    override.save()
    return override


@transaction.atomic
def strategy_override_withdraw(*, actor: User, account: Account) -> None:
    """Return to the recommended strategy."""
    require_write(actor)
    current = account_strategy_override(account=account)
    if current is None:
        raise Conflict(
            _("This account follows the recommended strategy already."), field="strategy"
        )
    current.withdrawn_at = timezone.now()
    current._history_user = actor  # type: ignore[attr-defined]
    current.save(update_fields=["withdrawn_at"])


@transaction.atomic
def key_proposal_decide(
    *, actor: User, account: Account, decision: str, reason: str
) -> KeyProposal:
    """The director confirms or declines a key-account proposal, with the reason (§2).

    Confirming makes the account key (or, for a review proposal, keeps it); declining a
    review of a key account withdraws its key status.
    """
    require_governing(actor, _("decide on key-account proposals"))
    if decision not in ProposalDecision.values:
        raise InvalidInput(_("Decide with confirmed or declined."), field="decision")
    reason = reason.strip()
    if not reason:
        raise InvalidInput(_("Give a reason for the decision."), field="reason")
    snapshot = _latest_entity_snapshot(account)
    if snapshot is None:
        raise Conflict(_("This account has not been scored yet."), field="account")
    record = KeyProposal(
        account=account,
        as_of=snapshot.as_of,
        score=snapshot.score,
        pareto_candidate=snapshot.pareto_candidate,
        decision=decision,
        reason=reason,
        decided_by=actor,
    )
    record._history_user = actor  # type: ignore[attr-defined]
    full_clean_or_raise(record)
    record.save()
    make_key = decision == ProposalDecision.CONFIRMED
    if snapshot.key_proposal and make_key != account.is_key:
        account_set_key_status(actor=actor, account=account, is_key=True, reason=reason)
    elif not snapshot.key_proposal and account.is_key and not make_key:
        account_set_key_status(actor=actor, account=account, is_key=False, reason=reason)
    return record


# --- Playbooks --------------------------------------------------------------------------


@transaction.atomic
def playbook_update(
    *, actor: User, playbook: Playbook, summary: str | None = None, tactics: list[str] | None = None
) -> Playbook:
    """Rewrite a playbook's summary and tactics (director, admin)."""
    require_governing(actor, _("edit playbooks"))
    if summary is not None:
        playbook.summary = summary.strip()
        if not playbook.summary:
            raise InvalidInput(_("A playbook needs a summary."), field="summary")
        playbook._history_user = actor  # type: ignore[attr-defined]
        full_clean_or_raise(playbook)
        playbook.save()
    if tactics is not None:
        texts = [text.strip() for text in tactics if text.strip()]
        if not texts:
            raise InvalidInput(_("A playbook needs at least one tactic."), field="tactics")
        existing = list(playbook.tactics.order_by("position", "id"))
        for position, text in enumerate(texts):
            tactic = existing[position] if position < len(existing) else Tactic(playbook=playbook)
            if tactic.pk and (tactic.text, tactic.position) == (text, position):
                continue
            tactic.text, tactic.position = text, position
            tactic._history_user = actor  # type: ignore[attr-defined]
            full_clean_or_raise(tactic)
            tactic.save()
        for tactic in existing[len(texts) :]:
            tactic._history_user = actor  # type: ignore[attr-defined]
            tactic.delete()
    return playbook


# --- Cost to serve ------------------------------------------------------------------------


def _cost_amount(
    kind: str, hours: Decimal | None, rate: Decimal | None, amount: Decimal | None
) -> Decimal:
    if kind == CostKind.PEOPLE and hours is not None and rate is not None:
        return (Decimal(hours) * Decimal(rate)).quantize(Decimal("0.01"))
    if amount is None:
        field = "hours" if kind == CostKind.PEOPLE else "amount"
        raise InvalidInput(_("Give an amount, or hours and a rate for people's time."), field=field)
    return Decimal(amount)


@transaction.atomic
def cost_to_serve_add(
    *,
    actor: User,
    account: Account,
    month: dt.date,
    kind: str,
    amount: Decimal | None = None,
    hours: Decimal | None = None,
    rate: Decimal | None = None,
    description: str = "",
) -> CostToServe:
    """Record resources spent on an account in a month (§4)."""
    require_write(actor)
    if kind not in CostKind.values:
        raise InvalidInput(_("Unknown kind of cost."), field="kind")
    record = CostToServe(
        account=account,
        month=month.replace(day=1),
        kind=kind,
        hours=hours,
        rate=rate,
        amount=_cost_amount(kind, hours, rate, amount),
        description=description.strip(),
        created_by=actor,
    )
    record._history_user = actor  # type: ignore[attr-defined]
    full_clean_or_raise(record)
    record.save()
    return record


@transaction.atomic
def cost_to_serve_update(*, actor: User, record: CostToServe, **changes: Any) -> CostToServe:
    require_write(actor)
    allowed = {"month", "kind", "amount", "hours", "rate", "description"}
    unknown = sorted(set(changes) - allowed)
    if unknown:
        raise InvalidInput(_("Unknown field."), field=unknown[0])
    for name, value in changes.items():
        setattr(record, name, value)
    if record.kind not in CostKind.values:
        raise InvalidInput(_("Unknown kind of cost."), field="kind")
    record.month = record.month.replace(day=1)
    amount = record.amount if "amount" in changes or record.kind != CostKind.PEOPLE else None
    record.amount = _cost_amount(record.kind, record.hours, record.rate, amount)
    record._history_user = actor  # type: ignore[attr-defined]
    full_clean_or_raise(record)
    record.save()
    return record


@transaction.atomic
def cost_to_serve_delete(*, actor: User, record: CostToServe) -> None:
    require_write(actor)
    record._history_user = actor  # type: ignore[attr-defined]
    record.delete()


# --- Alerts -------------------------------------------------------------------------------


@transaction.atomic
def alert_acknowledge(*, actor: User, alert: Alert) -> Alert:
    """Someone has seen the alert and taken it on; it stays until its condition clears."""
    require_write(actor)
    if alert.acknowledged_at is not None:
        raise Conflict(_("This alert has been acknowledged already."), field="alert")
    alert.acknowledged_at = timezone.now()
    alert.acknowledged_by = actor
    if alert.kind == alerts.KIND_CLASS_DROP:
        alert.is_open, alert.resolved_at = False, alert.acknowledged_at
    alert._history_user = actor  # type: ignore[attr-defined]
    alert.save(update_fields=["acknowledged_at", "acknowledged_by", "is_open", "resolved_at"])
    return alert
