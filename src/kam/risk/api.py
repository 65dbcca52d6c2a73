"""API: risk (DOMAIN §10) — the at-risk list, an account's risk, the CLV ranking, the Markov
class migration and the models' quality."""

from typing import Any

from django.db.models import QuerySet
from ninja import Query, Router
from ninja.pagination import paginate

from kam.accounts.selectors import account_get
from kam.core.schemas import ERROR_CODES, ErrorOut, Page, PathId
from kam.risk.models import ModelKind, ModelRun, RiskScore
from kam.risk.schemas import (
    AccountRiskOut,
    AtRiskOut,
    AtRiskQuery,
    ClvQuery,
    MigrationOut,
    ModelRunOut,
    RiskScoreOut,
)
from kam.risk.selectors import (
    RiskFilters,
    account_open_plan,
    account_risk,
    account_risk_history,
    at_risk_list,
    churn_model_used,
    clv_ranking,
    latest_model_runs,
    markov_forecast,
)

router = Router(tags=["risk"])
accounts_router = Router(tags=["risk"])


@router.get("/accounts", response={200: list[AtRiskOut], ERROR_CODES: ErrorOut})
@paginate(Page)
def list_risk_accounts(request: Any, filters: Query[AtRiskQuery]) -> QuerySet[RiskScore]:
    """The visible accounts at high or medium risk (or at `level`), each at its latest score
    on or before `as_of`, by expected loss (churn probability × contribution) unless sorted
    otherwise; `key_first` puts key accounts first."""
    return at_risk_list(actor=request.user, filters=RiskFilters(**filters.dict()))


@router.get("/clv", response={200: list[RiskScoreOut], ERROR_CODES: ErrorOut})
@paginate(Page)
def list_risk_clv(request: Any, query: Query[ClvQuery]) -> QuerySet[RiskScore]:
    """The visible accounts by customer lifetime value, the largest first (§10)."""
    return clv_ranking(actor=request.user, **query.dict())


@router.get("/migration", response={200: MigrationOut, ERROR_CODES: ErrorOut})
def get_risk_migration(request: Any) -> dict[str, Any]:
    """The latest Markov chain of classes and the 12-month forecast of the mix of the
    reader's accounts (the whole portfolio for a reader who sees all); null before a fit."""
    markov = markov_forecast(actor=request.user)
    if markov is None:
        return {"markov": None}
    run = markov.run
    return {
        "markov": {
            "run_id": run.pk,
            "fitted_at": run.fitted_at,
            "data_from": run.data_from,
            "data_until": run.data_until,
            "states": markov.states,
            "transition": markov.transition,
            "counts": markov.counts,
            "start": markov.start,
            "start_mix": markov.start_mix,
            "months": markov.months,
            "mix": markov.mix,
            "expected_months_to_lost": markov.expected_months_to_lost,
            "whole_portfolio": markov.whole,
        }
    }


@router.get("/models", response={200: list[ModelRunOut], ERROR_CODES: ErrorOut})
def list_model_runs(request: Any) -> list[ModelRun]:
    """The latest run of each model (BG/NBD, with covariates, Gamma-Gamma, churn, Markov):
    data window, parameters, quality figures and whether it is used (§10)."""
    runs = latest_model_runs()
    return [runs[kind] for kind in ModelKind.values if kind in runs]


@accounts_router.get("/{account_id}/risk", response={200: AccountRiskOut, ERROR_CODES: ErrorOut})
def get_account_risk(request: Any, account_id: PathId) -> dict[str, Any]:
    """The account's latest risk score with its factors, its monthly risk history and its
    open win-back plan (§10)."""
    account = account_get(actor=request.user, account_id=account_id)
    plan = account_open_plan(account=account)
    score = account_risk(account=account)
    if score is not None:
        score.account = account
    return {
        "account_id": account.pk,
        "score": score,
        "history": account_risk_history(account=account),
        "win_back_plan_id": plan.pk if plan else None,
        "churn_model_used": churn_model_used(),
    }
