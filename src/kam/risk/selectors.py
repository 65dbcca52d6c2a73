"""Reads of risk (DOMAIN §10, §13): the latest score per account as of a date, the at-risk
list and the CLV ranking of the visible accounts, the latest model run of each kind, the
Markov class-mix forecast and an account's risk history.

Scores and history are read through `accounts_visible_to`; model runs are fitted on the
whole portfolio and hold no account's figures, so everyone who may sign in reads them, and
the Markov forecast starts from the reader's own accounts.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

import numpy as np
from django.db.models import (
    ExpressionWrapper,
    F,
    FloatField,
    OrderBy,
    OuterRef,
    QuerySet,
    Subquery,
)

from kam.accounts.models import Account
from kam.accounts.selectors import accounts_visible_to, sees_every_account
from kam.analytics.markov import CLASS_STATES, forecast
from kam.org.models import User
from kam.risk.models import (
    ModelKind,
    ModelRun,
    PlanStatus,
    RiskLevel,
    RiskMonth,
    RiskScore,
    WinBackPlan,
)

AT_RISK_LEVELS = (RiskLevel.HIGH, RiskLevel.MEDIUM)
HISTORY_MONTHS = 24
FORECAST_MONTHS = 12


def _desc(name: str) -> OrderBy:
    return F(name).desc(nulls_last=True)


def _asc(name: str) -> OrderBy:
    return F(name).asc(nulls_last=True)


# Each sort of the at-risk list, ties by account code. "expected_loss" is the churn
# probability × the 12-month contribution at stake; a low p(alive) is the riskier, so its
# first click (the key without "-") sorts it lowest first.
RISK_SORTS: dict[str, tuple[OrderBy | str, ...]] = {
    "-expected_loss": (_desc("expected_loss_cents"), "account__code"),
    "expected_loss": (_asc("expected_loss_cents"), "account__code"),
    "-churn_probability": (_desc("churn_probability"), "account__code"),
    "churn_probability": (_asc("churn_probability"), "account__code"),
    "p_alive": (_asc("p_alive"), "account__code"),
    "-p_alive": (_desc("p_alive"), "account__code"),
    "-clv": (_desc("clv_cents"), "account__code"),
    "clv": (_asc("clv_cents"), "account__code"),
    "-contribution": (_desc("contribution_cents"), "account__code"),
    "contribution": (_asc("contribution_cents"), "account__code"),
    "code": ("account__code",),
    "-code": ("-account__code",),
}
DEFAULT_RISK_SORT = "-expected_loss"
CLV_SORTS: dict[str, tuple[OrderBy | str, ...]] = {
    "-clv": (_desc("clv_cents"), "account__code"),
    "clv": (_asc("clv_cents"), "account__code"),
    "-expected_spend": (_desc("expected_spend_cents"), "account__code"),
    "expected_spend": (_asc("expected_spend_cents"), "account__code"),
    "-p_alive": (_desc("p_alive"), "account__code"),
    "p_alive": (_asc("p_alive"), "account__code"),
    "code": ("account__code",),
    "-code": ("-account__code",),
}
DEFAULT_CLV_SORT = "-clv"


def risk_scores_visible_to(actor: User) -> QuerySet[RiskScore]:
    """Risk scores of the accounts the actor sees (§13)."""
    if sees_every_account(actor):
        return RiskScore.objects.all()
    return RiskScore.objects.filter(account__in=accounts_visible_to(actor))


def risk_dates() -> list[dt.date]:
    """The dates a scoring run stored risk on, newest first."""
    return list(
        RiskScore.objects.order_by("-as_of").values_list("as_of", flat=True).distinct()[:120]
    )


def latest_risk_scores(*, actor: User, as_of: dt.date | None = None) -> QuerySet[RiskScore]:
    """Each visible account's latest score on or before `as_of` (today's latest without it),
    with the account and its owner, the expected loss and its open win-back plan's id."""
    newest = RiskScore.objects.filter(account=OuterRef("account")).order_by("-as_of")
    if as_of is not None:
        newest = newest.filter(as_of__lte=as_of)
    open_plan = WinBackPlan.objects.filter(
        account=OuterRef("account"), status=PlanStatus.OPEN
    ).values("pk")[:1]
    return (
        risk_scores_visible_to(actor)
        .filter(as_of=Subquery(newest.values("as_of")[:1]))
        .select_related("account", "account__owner")
        .annotate(
            expected_loss_cents=ExpressionWrapper(
                F("churn_probability") * F("contribution_cents"), output_field=FloatField()
            ),
            open_plan_id=Subquery(open_plan),
        )
    )


@dataclass(frozen=True)
class RiskFilters:
    """The at-risk list's filters: `level` one risk level (high and medium without it),
    `account_class` A–D, `owner_id` the manager, `key_first` key accounts before the others."""

    as_of: dt.date | None = None
    level: str | None = None
    account_class: str | None = None
    owner_id: int | None = None
    is_key: bool | None = None
    key_first: bool = False
    sort: str = DEFAULT_RISK_SORT


def at_risk_list(*, actor: User, filters: RiskFilters) -> QuerySet[RiskScore]:
    """The visible accounts at high or medium risk (§10) as of the filters' date, sorted
    (by expected loss, largest first, unless asked otherwise)."""
    rows = latest_risk_scores(actor=actor, as_of=filters.as_of)
    if filters.level:
        rows = rows.filter(risk_level=filters.level)
    else:
        rows = rows.filter(risk_level__in=AT_RISK_LEVELS)
    if filters.account_class:
        rows = rows.filter(account_class=filters.account_class)
    if filters.owner_id is not None:
        rows = rows.filter(account__owner_id=filters.owner_id)
    if filters.is_key is not None:
        rows = rows.filter(is_key=filters.is_key)
    order = RISK_SORTS.get(filters.sort, RISK_SORTS[DEFAULT_RISK_SORT])
    if filters.key_first:
        order = ("-is_key", *order)
    return rows.order_by(*order)


def clv_ranking(
    *,
    actor: User,
    as_of: dt.date | None = None,
    account_class: str | None = None,
    sort: str = DEFAULT_CLV_SORT,
) -> QuerySet[RiskScore]:
    """The visible accounts by customer lifetime value (§10: BG/NBD × Gamma-Gamma,
    discounted), the largest first; accounts without a CLV last."""
    rows = latest_risk_scores(actor=actor, as_of=as_of)
    if account_class:
        rows = rows.filter(account_class=account_class)
    return rows.order_by(*CLV_SORTS.get(sort, CLV_SORTS[DEFAULT_CLV_SORT]))


def account_risk(*, account: Account, as_of: dt.date | None = None) -> RiskScore | None:
    """The account's latest score on or before `as_of` (the account is already gated)."""
    scores = account.risk_scores.order_by("-as_of")
    if as_of is not None:
        scores = scores.filter(as_of__lte=as_of)
    return scores.first()


def account_risk_history(*, account: Account, months: int = HISTORY_MONTHS) -> list[RiskMonth]:
    """The account's last `months` month ends of risk (the monthly history, §10), oldest first."""
    rows = list(account.risk_months.order_by("-month_end")[:months])
    rows.reverse()
    return rows


def account_open_plan(*, account: Account) -> WinBackPlan | None:
    """The account's open win-back plan, if one was started (§10)."""
    return account.win_back_plans.filter(status=PlanStatus.OPEN).order_by("-started_on").first()


def latest_model_runs() -> dict[str, ModelRun]:
    """The newest run of each model kind (§10), by kind; kinds never fitted are absent."""
    latest: dict[str, ModelRun] = {}
    for kind in ModelKind.values:
        run = ModelRun.objects.filter(kind=kind).order_by("-fitted_at", "-id").first()
        if run is not None:
            latest[kind] = run
    return latest


def churn_model_run() -> ModelRun | None:
    """The latest churn model run (§10), None before the first fit."""
    return ModelRun.objects.filter(kind=ModelKind.CHURN).order_by("-fitted_at", "-id").first()


def churn_model_used() -> bool | None:
    """Whether the latest churn model drives alerts (it beats the recency baseline, §10);
    None when no churn model was fitted yet."""
    run = churn_model_run()
    return None if run is None else run.used


@dataclass(frozen=True)
class MarkovForecast:
    """The class-mix forecast of the reader's accounts (§10, §11): the fitted chain, the
    start mix and the mix after each of the next months; `whole` when the reader sees every
    account (then the start is the fitted portfolio's own)."""

    run: ModelRun
    states: list[str]
    transition: list[list[float]]
    counts: list[list[int]]
    start: dt.date | None
    start_mix: dict[str, float]
    months: list[str]
    mix: dict[str, list[float]]
    expected_months_to_lost: dict[str, float | None]
    whole: bool
    accounts: int = 0


def _month_ends(start: dt.date, count: int) -> list[str]:
    ends = []
    year, month = start.year, start.month
    for _step in range(count):
        month += 1
        if month > 12:
            year, month = year + 1, 1
        following = dt.date(year + (month == 12), month % 12 + 1, 1)
        ends.append((following - dt.timedelta(days=1)).isoformat())
    return ends


def markov_forecast(*, actor: User, months: int = FORECAST_MONTHS) -> MarkovForecast | None:
    """The latest Markov run's chain and the next `months` months of the class mix (§10),
    started from the classes of the reader's visible accounts at their latest score (the
    fitted portfolio's own start for a reader who sees all). None before any fit."""
    run = ModelRun.objects.filter(kind=ModelKind.MARKOV).order_by("-fitted_at", "-id").first()
    if run is None:
        return None
    parameters: dict[str, Any] = run.parameters or {}
    quality: dict[str, Any] = run.quality or {}
    states = list(parameters.get("states") or CLASS_STATES)
    transition = np.asarray(parameters.get("transition") or np.eye(len(states)), dtype=float)
    counts = parameters.get("counts") or [[0] * len(states) for _ in states]
    start_text = quality.get("start")
    start = dt.date.fromisoformat(start_text) if start_text else run.as_of
    whole = sees_every_account(actor) and bool(quality.get("start_mix"))
    if whole:
        start_mix = {s: float(quality["start_mix"].get(s, 0)) for s in states}
    else:
        classes = latest_risk_scores(actor=actor).values_list("account_class", flat=True)
        start_mix = dict.fromkeys(states, 0.0)
        for klass in classes:
            if klass in start_mix:
                start_mix[klass] += 1
    stored = quality.get("forecast") or {}
    if whole and stored.get("mix") and len(stored.get("months", [])) >= 1:
        month_list = list(stored["months"])[:months]
        mix = {s: [float(v) for v in stored["mix"].get(s, [])][:months] for s in states}
    else:
        vector = np.array([start_mix[s] for s in states])
        steps = forecast(transition, vector, months) if vector.sum() > 0 else None
        month_list = _month_ends(start, months)
        mix = {
            s: ([round(float(v), 3) for v in steps[:, i]] if steps is not None else [])
            for i, s in enumerate(states)
        }
    lost = quality.get("expected_months_to_lost") or {}
    return MarkovForecast(
        run=run,
        states=states,
        transition=[[float(p) for p in row] for row in transition.tolist()],
        counts=[[int(n) for n in row] for row in counts],
        start=start,
        start_mix=start_mix,
        months=month_list,
        mix=mix,
        expected_months_to_lost={s: lost.get(s) for s in states if s != "lost"},
        whole=whole,
        accounts=int(sum(start_mix.values())),
    )


def risk_level_counts(*, actor: User, as_of: dt.date | None = None) -> dict[str, int]:
    """How many visible accounts stand at each risk level at their latest score."""
    counts = dict.fromkeys(RiskLevel.values, 0)
    for level in latest_risk_scores(actor=actor, as_of=as_of).values_list("risk_level", flat=True):
        counts[level] = counts.get(level, 0) + 1
    return counts
