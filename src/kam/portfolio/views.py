"""Portfolio pages: the matrix, the Pareto curve, class migration, proposals,
settings, playbooks, and the account page's strategy panel."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from kam.accounts.models import Account
from kam.accounts.selectors import account_facets, account_get, account_owners
from kam.core.errors import DomainError
from kam.core.paging import page_context, page_request
from kam.org.http import AuthedRequest
from kam.org.permissions import can
from kam.org.selectors import base_currency, company_settings
from kam.portfolio.account_presenter import account_story
from kam.portfolio.forms import (
    CostForm,
    MatrixFilterForm,
    MigrationForm,
    OverrideForm,
    PlaybookForm,
    ProposalForm,
    SettingsForm,
)
from kam.portfolio.models import Scope
from kam.portfolio.presenters import (
    PARETO_SHOWN,
    matrix_presentation,
    migration_chart,
    pareto_presentation,
    rule_reason,
    score_factors,
    t_text,
)
from kam.portfolio.selectors import (
    PortfolioFilters,
    account_costs_to_serve,
    account_monthly_history,
    account_rescore_failed,
    account_rescore_pending,
    account_strategy,
    class_migration,
    cost_to_serve_get,
    key_proposal_decisions,
    key_proposals_grouped,
    matrix_data,
    migration_dates,
    migration_default_start,
    pareto_ranking,
    playbook_get,
    playbooks,
    portfolio_page,
    portfolio_settings,
    settings_history,
    stored_dates,
)
from kam.portfolio.services.costs import cost_to_serve_add, cost_to_serve_delete
from kam.portfolio.services.playbooks import playbook_update
from kam.portfolio.services.scoring import score_run_create
from kam.portfolio.services.settings import settings_update
from kam.portfolio.services.strategy import (
    key_proposal_decide,
    strategy_override_set,
    strategy_override_withdraw,
)


def _filters(request: AuthedRequest) -> tuple[MatrixFilterForm, PortfolioFilters]:
    form = MatrixFilterForm(
        request.GET or None,
        owners=[(user.pk, user.display_name) for user in account_owners(actor=request.user)],
        facets=account_facets(actor=request.user),
    )
    data: dict[str, Any] = form.cleaned_data if form.is_valid() else {}
    return form, PortfolioFilters(
        as_of=data.get("as_of"),
        scope=data.get("scope") or Scope.ENTITY,
        owner_id=data.get("owner"),
        industry=data.get("industry") or None,
        region=data.get("region") or None,
    )


@login_required
def matrix_view(request: AuthedRequest) -> HttpResponse:
    """The potential–contribution matrix (§3) of the visible accounts, and a bounded page of
    them as a table."""
    form, filters = _filters(request)
    dates = stored_dates(scope=filters.scope)
    data = matrix_data(actor=request.user, filters=filters, dates=dates)
    settings = portfolio_settings()
    matrix = matrix_presentation(data, settings, base_currency())
    page = portfolio_page(
        actor=request.user, filters=filters, dates=dates, **page_request(request.GET)
    )
    return render(
        request,
        "portfolio/matrix.html",
        {
            "section": "portfolio",
            "form": form,
            "as_of": data.as_of,
            "scope": filters.scope,
            "chart": matrix.chart,
            "matrix": matrix,
            "hidden": matrix.hidden,
            "classes": matrix.classes,
            **page_context(page, request.GET),
            "rows": page.object_list,
            "full": data.full,
            "dates": dates,
            "row_count": page.paginator.count,
            "settings": settings,
        },
    )


@login_required
def pareto_view(request: AuthedRequest) -> HttpResponse:
    """The Pareto curve (§2): accounts by contribution with the cumulative share."""
    form, filters = _filters(request)
    dates = stored_dates(scope=filters.scope)
    ranking = pareto_ranking(actor=request.user, filters=filters, top=PARETO_SHOWN, dates=dates)
    settings = portfolio_settings()
    pareto = pareto_presentation(ranking, settings, base_currency())
    return render(
        request,
        "portfolio/pareto.html",
        {
            "section": "portfolio",
            "form": form,
            "as_of": ranking.as_of,
            "chart": pareto.chart,
            "ranked": ranking.ranked,
            "shown": pareto.shown,
            "candidates": pareto.candidates,
            "candidate_share": pareto.candidate_share,
            "full": ranking.full,
            "dates": dates,
            "settings": settings,
        },
    )


@login_required
def migration_view(request: AuthedRequest) -> HttpResponse:
    """Class migration between two stored dates (§3): a Sankey, the accounts of each flow
    (one flow's in full when `from` and `to` pick it), and the migration matrix."""
    dates = migration_dates()
    form = MigrationForm(request.GET or None)
    data = form.cleaned_data if form.is_valid() else {}
    migration = None
    chart: dict[str, Any] = {}
    flow = None
    query = ""
    if len(dates) >= 2:
        end = data.get("end") or dates[0]
        start = data.get("start") or migration_default_start(dates, end)
        scope = data.get("scope") or Scope.ENTITY
        migration = class_migration(actor=request.user, start=start, end=end, scope=scope)
        query = urlencode({"start": start.isoformat(), "end": end.isoformat(), "scope": scope})
        chart = migration_chart(migration, f"?{query}&from={{from}}&to={{to}}#flow")
        chosen = (data.get("flow_from"), data.get("flow_to"))
        if chosen in migration.members:
            accounts = Paginator(migration.members[chosen], 50).get_page(request.GET.get("page"))
            names = {"lost": _("lost"), "new": _("new")}
            flow = (*chosen, accounts, *(names.get(s, s) for s in chosen))
    return render(
        request,
        "portfolio/migration.html",
        {
            "section": "portfolio",
            "form": form,
            "dates": dates,
            "migration": migration,
            "chart": chart,
            "flow": flow,
            "query": query,
        },
    )


@login_required
def proposals_view(request: AuthedRequest) -> HttpResponse:
    """Key-account proposals awaiting the director's decision (§2), and past decisions."""
    return render(
        request,
        "portfolio/proposals.html",
        {
            "section": "portfolio",
            "pending": key_proposals_grouped(actor=request.user),
            "decisions": key_proposal_decisions(actor=request.user)[:50],
            "settings": portfolio_settings(),
        },
    )


@login_required
@require_POST
def proposal_decide_view(request: AuthedRequest, account_id: int) -> HttpResponse:
    account = account_get(actor=request.user, account_id=account_id)
    form = ProposalForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Give a reason for the decision."))
        return redirect("portfolio_proposals")
    try:
        key_proposal_decide(actor=request.user, account=account, **form.cleaned_data)
    except DomainError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, _("Decision on %(code)s recorded.") % {"code": account.code})
    return redirect("portfolio_proposals")


@login_required
def settings_view(request: AuthedRequest) -> HttpResponse:
    """The director's thresholds and weights (§2–§6), with their history."""
    current, company = portfolio_settings(), company_settings()
    form = SettingsForm(instance=current, company=company)
    if request.method == "POST":
        form = SettingsForm(request.POST, instance=portfolio_settings(), company=company)
        if form.is_valid():
            try:
                changes = {name: form.cleaned_data[name] for name in form.changed_data}
                settings_update(actor=request.user, **changes)
            except DomainError as error:
                for problem in error.errors:
                    form.add_error(
                        problem.field if problem.field in form.fields else None, problem.message
                    )
                if not error.errors:
                    form.add_error(None, error.message)
            else:
                messages.success(request, _("Settings saved; the portfolio is being re-scored."))
                return redirect("portfolio_settings")
    return render(
        request,
        "portfolio/settings.html",
        {
            "section": "portfolio",
            "form": form,
            "can_edit": can(request.user, "portfolio_settings_edit"),
            "history": settings_history(),
            "groups": form.groups(),
        },
    )


@login_required
def playbooks_view(request: AuthedRequest) -> HttpResponse:
    return render(
        request,
        "portfolio/playbooks.html",
        {
            "section": "portfolio",
            "playbooks": playbooks(),
            "can_edit": can(request.user, "playbook_edit"),
        },
    )


@login_required
@require_POST
def playbook_edit_view(request: AuthedRequest, strategy: str) -> HttpResponse:
    playbook = playbook_get(strategy=strategy)
    form = PlaybookForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("A playbook needs a summary and at least one tactic."))
        return redirect("portfolio_playbooks")
    try:
        playbook_update(
            actor=request.user,
            playbook=playbook,
            summary=form.cleaned_data["summary"],
            tactics=form.tactic_lines(),
        )
    except DomainError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, _("Playbook saved."))
    return redirect("portfolio_playbooks")


@login_required
@require_POST
def score_start_view(request: AuthedRequest) -> HttpResponse:
    try:
        score_run_create(
            actor=request.user, history=request.POST.get("history") == "1", reason="page"
        )
    except DomainError as error:
        messages.error(request, error.message)
    else:
        messages.success(
            request, _("Scoring queued; the worker will refresh the portfolio shortly.")
        )
    return redirect("portfolio_matrix")


@login_required
def account_strategy_view(request: AuthedRequest, account_id: int) -> HttpResponse:
    account = account_get(actor=request.user, account_id=account_id)
    return _strategy_panel(request, account, OverrideForm(), CostForm())


def _strategy_panel(
    request: AuthedRequest,
    account: Account,
    override_form: OverrideForm,
    cost_form: CostForm,
    status: int = 200,
) -> HttpResponse:
    strategy = account_strategy(account=account)
    snapshot = strategy.snapshot
    currency = base_currency()
    return render(
        request,
        "portfolio/account_strategy.html",
        {
            "account": account,
            "strategy": strategy,
            "snapshot": snapshot,
            "story": account_story(
                account_code=account.code,
                strategy=strategy,
                currency=currency,
                entity_months=account_monthly_history(account=account),
                group_months=(
                    account_monthly_history(account=strategy.group_account, scope=Scope.GROUP)
                    if strategy.group_account
                    else []
                ),
            ),
            "pending": account_rescore_pending(account=account),
            "failed": account_rescore_failed(account=account),
            "reason": rule_reason(strategy.rule),
            "factors": score_factors(snapshot, portfolio_settings()) if snapshot else [],
            "costs": account_costs_to_serve(account=account)[:12],
            "override_form": override_form,
            "cost_form": cost_form,
            "currency": currency,
            "trend_t": t_text(snapshot.trend_t if snapshot else None),
        },
        status=status,
    )


@login_required
def account_rescore_status_view(request: AuthedRequest, account_id: int) -> HttpResponse:
    """The strategy panel's "recomputing…" line, polled while a queued re-score has not
    landed; when it has, the answer tells the panel to load itself again."""
    account = account_get(actor=request.user, account_id=account_id)
    pending = account_rescore_pending(account=account)
    response = render(
        request, "portfolio/account_strategy.html#rescore", {"account": account, "pending": pending}
    )
    if pending is None:
        response["HX-Trigger"] = "kam-rescored"
    return response


@login_required
@require_POST
def strategy_override_view(request: AuthedRequest, account_id: int) -> HttpResponse:
    """Override the recommendation with a reason, or (`withdraw`) go back to it (§6)."""
    account = account_get(actor=request.user, account_id=account_id)
    withdraw = bool(request.POST.get("withdraw"))
    form = OverrideForm() if withdraw else OverrideForm(request.POST)
    status = 422
    if withdraw or form.is_valid():
        try:
            if withdraw:
                strategy_override_withdraw(actor=request.user, account=account)
            else:
                strategy_override_set(actor=request.user, account=account, **form.cleaned_data)
        except DomainError as error:
            form.add_error(None, error.message)
            status = error.status
        else:
            return _strategy_panel(request, account, OverrideForm(), CostForm())
    return _strategy_panel(request, account, form, CostForm(), status=status)


@login_required
@require_POST
def cost_add_view(request: AuthedRequest, account_id: int) -> HttpResponse:
    account = account_get(actor=request.user, account_id=account_id)
    form = CostForm(request.POST)
    status = 422
    if form.is_valid():
        try:
            cost_to_serve_add(actor=request.user, account=account, **form.cleaned_data)
        except DomainError as error:
            form.add_error(None, error.message)
            status = error.status
        else:
            return _strategy_panel(request, account, OverrideForm(), CostForm())
    return _strategy_panel(request, account, OverrideForm(), form, status=status)


@login_required
@require_POST
def cost_delete_view(request: AuthedRequest, account_id: int, cost_id: int) -> HttpResponse:
    account = account_get(actor=request.user, account_id=account_id)
    record = cost_to_serve_get(account=account, cost_id=cost_id)
    form = CostForm()
    try:
        cost_to_serve_delete(actor=request.user, record=record)
    except DomainError as error:
        form.add_error(None, error.message)
        return _strategy_panel(request, account, OverrideForm(), form, status=error.status)
    return _strategy_panel(request, account, OverrideForm(), form)
