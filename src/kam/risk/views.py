"""The risk pages (DOMAIN §10): the account's risk panel, the at-risk list, the CLV ranking,
the Markov class migration and the model quality."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.decorators import login_required
from django.http import HttpResponse, QueryDict
from django.shortcuts import render

from kam.accounts.selectors import account_get, account_owners
from kam.core.paging import page_context, page_of, page_request, without_page
from kam.org.http import AuthedRequest
from kam.risk.forms import ClvFilterForm, RiskFilterForm
from kam.risk.models import ModelKind
from kam.risk.presenters import (
    bgnbd_run,
    calibration_chart,
    factor_chart,
    factor_rows,
    holdout_chart,
    horizon_weeks,
    mix_chart,
    parameter_rows,
    transition_chart,
    transition_rows,
    trend_chart,
)
from kam.risk.selectors import (
    RiskFilters,
    account_open_plan,
    account_risk,
    account_risk_history,
    at_risk_list,
    churn_model_run,
    clv_ranking,
    latest_model_runs,
    markov_forecast,
    risk_dates,
    risk_level_counts,
)
from kam.risk.winback.links import plan_url
from kam.risk.winback.presenters import reason_cards

SECTION = "risk"
# Sortable columns: the first click sorts the riskier (or larger) end first.
RISK_SORT_FIRST = {
    "expected_loss": "-expected_loss",
    "churn_probability": "-churn_probability",
    "p_alive": "p_alive",
    "clv": "-clv",
    "contribution": "-contribution",
    "code": "code",
}
CLV_SORT_FIRST = {
    "clv": "-clv",
    "expected_spend": "-expected_spend",
    "p_alive": "-p_alive",
    "code": "code",
}


def _sort_links(query: QueryDict, current: str, first: dict[str, str]) -> dict[str, Any]:
    """For each sortable column, the link that sorts by it (flipping the current order)."""
    links = {}
    for key, initial in first.items():
        flipped = {key: f"-{key}", f"-{key}": key}.get(current, initial)
        params = query.copy()
        params["sort"] = flipped
        state = "asc" if current == key else "desc" if current == f"-{key}" else ""
        links[key] = {"url": f"?{params.urlencode()}", "state": state}
    return links


@login_required
def account_risk_view(request: AuthedRequest, account_id: int) -> HttpResponse:
    """The account page's risk panel: the latest score, its factors and the trend (§10)."""
    account = account_get(actor=request.user, account_id=account_id)
    score = account_risk(account=account)
    runs = latest_model_runs()
    rows = factor_rows(score) if score else []
    history = account_risk_history(account=account)
    plan = account_open_plan(account=account)
    churn = runs.get(ModelKind.CHURN)
    return render(
        request,
        "risk/account_risk.html",
        {
            "account": account,
            "score": score,
            "factors": rows,
            "factor_chart": factor_chart(rows),
            "factor_chart_id": f"risk-factors-{account.pk}",
            "trend_chart_id": f"risk-trend-{account.pk}",
            "history": history,
            "trend_chart": trend_chart(history),
            "churn_run": churn,
            "runs": runs,
            "horizon_weeks": horizon_weeks(runs),
            "bgnbd_run": bgnbd_run(runs),
            "plan": plan,
            "plan_url": plan_url(account.pk, plan.pk if plan else None),
            "reasons": (
                reason_cards(actor=request.user, account=account, plan=plan) if score else []
            ),
        },
    )


@login_required
def risk_list_view(request: AuthedRequest) -> HttpResponse:
    """The director's at-risk list: the visible accounts at high or medium risk, by expected
    loss (churn probability × contribution at stake) unless sorted otherwise (§10)."""
    owners = [(user.pk, user.display_name) for user in account_owners(actor=request.user)]
    form = RiskFilterForm(request.GET or None, owners=owners)
    filters = RiskFilters(
        as_of=form.value("as_of"),
        level=form.value("level"),
        account_class=form.value("account_class"),
        owner_id=form.value("owner"),
        key_first=bool(form.value("key_first", False)),
        sort=form.sort_value,
    )
    page = page_of(at_risk_list(actor=request.user, filters=filters), **page_request(request.GET))
    rows = list(page.object_list)
    return render(
        request,
        "risk/risk_list.html",
        {
            "section": SECTION,
            "tab": "list",
            "form": form,
            "filters": filters,
            **page_context(page, request.GET),
            "rows": [(row, plan_url(row.account_id, row.open_plan_id)) for row in rows],
            "sort_links": _sort_links(without_page(request.GET), filters.sort, RISK_SORT_FIRST),
            "dates": risk_dates()[:1],
            "counts": risk_level_counts(actor=request.user, as_of=filters.as_of),
            "churn_run": churn_model_run(),
        },
    )


@login_required
def risk_clv_view(request: AuthedRequest) -> HttpResponse:
    """The visible accounts by customer lifetime value (§10)."""
    form = ClvFilterForm(request.GET or None)
    sort = form.sort_value
    rows = clv_ranking(actor=request.user, account_class=form.value("account_class"), sort=sort)
    page = page_of(rows, **page_request(request.GET))
    return render(
        request,
        "risk/risk_clv.html",
        {
            "section": SECTION,
            "tab": "clv",
            "form": form,
            **page_context(page, request.GET),
            "rows": page.object_list,
            "sort_links": _sort_links(without_page(request.GET), sort, CLV_SORT_FIRST),
            "dates": risk_dates()[:1],
            "runs": latest_model_runs(),
        },
    )


@login_required
def risk_migration_view(request: AuthedRequest) -> HttpResponse:
    """The Markov chain of classes (§10, §11): the 12-month class-mix forecast, the transition
    matrix and the expected months until each class is lost."""
    markov = markov_forecast(actor=request.user)
    return render(
        request,
        "risk/risk_migration.html",
        {
            "section": SECTION,
            "tab": "migration",
            "markov": markov,
            "mix_chart": mix_chart(markov) if markov else {},
            "transition_chart": transition_chart(markov) if markov else {},
            "transition_rows": transition_rows(markov) if markov else [],
        },
    )


@login_required
def risk_models_view(request: AuthedRequest) -> HttpResponse:
    """The models' quality (§10): churn AUC, Brier and calibration against the recency
    baseline; BG/NBD's hold-out; each model's last fit, data window and parameters."""
    runs = latest_model_runs()
    churn = runs.get(ModelKind.CHURN)
    bgnbd = bgnbd_run(runs)
    return render(
        request,
        "risk/risk_models.html",
        {
            "section": SECTION,
            "tab": "models",
            "runs": [
                (runs[kind], parameter_rows(runs[kind]))
                for kind in ModelKind.values
                if kind in runs
            ],
            "churn": churn,
            "churn_quality": churn.quality if churn else {},
            "calibration_chart": calibration_chart(churn.quality) if churn else {},
            "bgnbd": bgnbd,
            "bgnbd_quality": bgnbd.quality if bgnbd else {},
            "holdout_chart": holdout_chart(bgnbd.quality) if bgnbd else {},
        },
    )
