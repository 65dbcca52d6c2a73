"""Portfolio pages: the matrix, the Pareto curve, class migration, proposals, alerts,
settings, playbooks, and the account page's strategy panel."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpResponse, HttpResponseRedirect
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from kam.accounts.models import Account
from kam.accounts.selectors import account_facets, account_get
from kam.core.errors import DomainError
from kam.core.http import AuthedRequest, safe_next
from kam.org.models import User
from kam.org.permissions import can
from kam.org.selectors import base_currency, company_settings
from kam.portfolio.forms import (
    CostForm,
    MatrixFilterForm,
    MigrationForm,
    OverrideForm,
    PlaybookForm,
    ProposalForm,
    SettingsForm,
)
from kam.portfolio.models import AccountClass, Lifecycle, Scope
from kam.portfolio.selectors import (
    PortfolioFilters,
    account_costs_to_serve,
    account_strategy,
    alert_get,
    alert_list,
    class_migration,
    cost_to_serve_get,
    key_proposal_decisions,
    key_proposals_pending,
    migration_dates,
    playbook_get,
    playbooks,
    portfolio,
    portfolio_settings,
    settings_history,
)
from kam.portfolio.services.alerts import alert_acknowledge
from kam.portfolio.services.costs import cost_to_serve_add, cost_to_serve_delete
from kam.portfolio.services.playbooks import playbook_update
from kam.portfolio.services.scoring import score_run_create
from kam.portfolio.services.settings import settings_update
from kam.portfolio.services.strategy import (
    key_proposal_decide,
    strategy_override_set,
    strategy_override_withdraw,
)

RULE_REASONS = {
    "R1": gettext_lazy("A prospect with high or medium potential: turn it into a customer."),
    "R2": gettext_lazy(
        "Class A or B now or in the last 12 months, and now declining, lost or at high churn "
        "risk: win it back."
    ),
    "R3": gettext_lazy(
        "Class C: there is headroom, so invest to lift it (acquisition while it is still new)."
    ),
    "R4": gettext_lazy("Class A or B: keep it and shut out competitors."),
    "R5": gettext_lazy(
        "Class D, or no other rule applies: keep in touch, wait for an opening, and review "
        "whether it is still a key account."
    ),
}
FACTOR_LABELS = (
    ("contribution", gettext_lazy("Contribution")),
    ("potential", gettext_lazy("Potential")),
    ("growth", gettext_lazy("Growth")),
    ("margin", gettext_lazy("Margin %")),
    ("strategic_importance", gettext_lazy("Strategic importance")),
    ("technical_fit", gettext_lazy("Technical fit")),
    ("credit_reputation", gettext_lazy("Credit and reputation")),
)
LIFECYCLE_COLOURS = {
    "acquisition": "#7c8da6",
    "growth": "#2e9e5b",
    "maturity": "#1f4e8c",
    "decline": "#d9822b",
    "lost": "#c23b3b",
}


def _money(cents: int) -> float:
    return cents / 100


def _owners(actor: User) -> list[tuple[int, str]]:
    users = User.objects.filter(owned_accounts__isnull=False, is_active=True).distinct()
    if not actor.sees_all_accounts:
        users = users.filter(pk=actor.pk)
    return [(u.pk, u.display_name) for u in users.order_by("username")]


def _filters(request: AuthedRequest) -> tuple[MatrixFilterForm, PortfolioFilters]:
    form = MatrixFilterForm(
        request.GET or None,
        owners=_owners(request.user),
        facets=account_facets(actor=request.user),
    )
    data: dict[str, Any] = form.cleaned_data if form.is_valid() else {}
    return form, PortfolioFilters(
        as_of=data.get("as_of"),
        scope=data.get("scope") or Scope.ENTITY,
        owner=data.get("owner"),
        industry=data.get("industry") or None,
        region=data.get("region") or None,
    )


@login_required
def matrix_view(request: AuthedRequest) -> HttpResponse:
    """The potential–contribution matrix (§3) of the visible accounts."""
    form, filters = _filters(request)
    as_of, queryset = portfolio(actor=request.user, filters=filters)
    rows = list(queryset)
    settings = portfolio_settings()
    points: dict[str, list[dict[str, Any]]] = {stage: [] for stage in Lifecycle.values}
    totals = {klass: [0, 0] for klass in AccountClass.values}  # accounts, contribution cents
    # One reverse() for all rows: the account id is swapped into the pattern.
    account_url = reverse("account_detail", args=[0]).replace("/0/", "/{}/")
    hidden = 0
    for row in rows:
        totals[row.account_class][0] += 1
        totals[row.account_class][1] += row.contribution_cents
        if row.contribution_cents <= 0 or row.potential_cents <= 0:
            hidden += 1
            continue
        points[row.lifecycle].append(
            {
                "value": [_money(row.potential_cents), _money(row.contribution_cents)],
                "margin": _money(row.margin_cents),
                "code": row.account.code,
                "name": row.account.name,
                "cls": row.account_class,
                "sow": row.share_of_wallet,
                "url": account_url.format(row.account_id),
            }
        )
    chart = {
        "currency": base_currency(),
        "series": [
            {"name": str(Lifecycle(stage).label), "colour": LIFECYCLE_COLOURS[stage], "points": pts}
            for stage, pts in points.items()
        ],
        "contributionHigh": float(settings.contribution_high),
        "contributionMedium": float(settings.contribution_medium),
        "potentialHigh": float(settings.potential_high),
        "potentialMedium": float(settings.potential_medium),
        "relativeShare": float(settings.relative_share_threshold),
        "labels": {
            "potential": _("Potential per year"),
            "contribution": _("Contribution, last 12 months"),
            "relative": _("Share of wallet %(share)s")
            % {"share": f"{settings.relative_share_threshold:.0%}"},
            "margin": _("Margin"),
            "share": _("Share of wallet"),
            "class": _("Class"),
        },
    }
    return render(
        request,
        "portfolio/matrix.html",
        {
            "section": "portfolio",
            "form": form,
            "as_of": as_of,
            "scope": filters.scope,
            "chart": chart,
            "hidden": hidden,
            "classes": [
                (klass, AccountClass(klass).label, count, cents)
                for klass, (count, cents) in totals.items()
            ],
            "rows": rows[:500],
            "row_count": len(rows),
            "settings": settings,
        },
    )


@login_required
def pareto_view(request: AuthedRequest) -> HttpResponse:
    """The Pareto curve (§2): accounts by contribution with the cumulative share."""
    form, filters = _filters(request)
    as_of, rows = portfolio(actor=request.user, filters=filters)
    ranked = list(
        rows.filter(pareto_rank__isnull=False)
        .order_by("pareto_rank")
        .values_list(
            "account__code",
            "account__name",
            "contribution_cents",
            "cumulative_share",
            "pareto_candidate",
            "is_key",
        )
    )
    shown = ranked[:300]
    settings = portfolio_settings()
    chart = {
        "currency": base_currency(),
        "codes": [r[0] for r in shown],
        "names": [r[1] for r in shown],
        "contribution": [_money(r[2]) for r in shown],
        "cumulative": [round((r[3] or 0) * 100, 2) for r in shown],
        "candidate": [r[4] for r in shown],
        "target": float(settings.pareto_revenue_share) * 100,
        "labels": {
            "contribution": _("Contribution, last 12 months"),
            "cumulative": _("Cumulative share"),
            "candidate": _("Pareto candidate"),
            "other": _("Other accounts"),
            "target": _("Target share"),
        },
    }
    candidates = [r for r in ranked if r[4]]
    total = sum(r[2] for r in ranked)
    return render(
        request,
        "portfolio/pareto.html",
        {
            "section": "portfolio",
            "form": form,
            "as_of": as_of,
            "chart": chart,
            "ranked": len(ranked),
            "shown": len(shown),
            "candidates": candidates,
            "candidate_share": (sum(r[2] for r in candidates) / total) if total else None,
            "settings": settings,
        },
    )


@login_required
def migration_view(request: AuthedRequest) -> HttpResponse:
    """Class migration between two stored dates (§3): a Sankey and its matrix."""
    dates = migration_dates()
    form = MigrationForm(request.GET or None)
    data = form.cleaned_data if form.is_valid() else {}
    migration = None
    chart: dict[str, Any] = {}
    if len(dates) >= 2:
        end = data.get("end") or dates[0]
        start = data.get("start") or next((d for d in dates if d <= _year_before(end)), dates[-1])
        migration = class_migration(
            actor=request.user, start=start, end=end, scope=data.get("scope") or Scope.ENTITY
        )
        names = {"lost": _("lost"), "new": _("new")}
        left = {s: f"{names.get(s, s)} · {start.isoformat()}" for s in [*migration.states, "new"]}
        right = {s: f"{names.get(s, s)} · {end.isoformat()}" for s in migration.states}
        links = [
            {"source": left[a], "target": right[b], "value": n}
            for (a, b), n in sorted(migration.counts.items())
            if n
        ]
        used = {link["source"] for link in links} | {link["target"] for link in links}
        nodes = [
            {"name": name, "state": state}
            for side in (left, right)
            for state, name in side.items()
            if name in used
        ]
        chart = {"nodes": nodes, "links": links, "label": _("accounts")}
    return render(
        request,
        "portfolio/migration.html",
        {
            "section": "portfolio",
            "form": form,
            "dates": dates,
            "migration": migration,
            "chart": chart,
        },
    )


def _year_before(day: dt.date) -> dt.date:
    try:
        return day.replace(year=day.year - 1)
    except ValueError:  # 29 February
        return day.replace(year=day.year - 1, day=28)


@login_required
def proposals_view(request: AuthedRequest) -> HttpResponse:
    """Key-account proposals awaiting the director's decision (§2), and past decisions."""
    return render(
        request,
        "portfolio/proposals.html",
        {
            "section": "portfolio",
            "pending": key_proposals_pending(actor=request.user)[:200],
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
def alerts_view(request: AuthedRequest) -> HttpResponse:
    show = request.GET.get("show", "open")
    rows = alert_list(actor=request.user, open_only=show != "all")
    if show == "unacknowledged":
        rows = rows.filter(acknowledged_at__isnull=True)
    return render(
        request,
        "portfolio/alerts.html",
        {"section": "alerts", "alerts": rows[:300], "count": rows.count(), "show": show},
    )


@login_required
@require_POST
def alert_acknowledge_view(request: AuthedRequest, alert_id: int) -> HttpResponse:
    alert = alert_get(actor=request.user, alert_id=alert_id)
    try:
        alert_acknowledge(actor=request.user, alert=alert)
    except DomainError as error:
        messages.error(request, error.message)
    return HttpResponseRedirect(safe_next(request, reverse("portfolio_alerts")))


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


# --- The account page's strategy panel -----------------------------------------------------


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
    factors = []
    if snapshot is not None:
        weights = portfolio_settings()
        for name, label in FACTOR_LABELS:
            factors.append(
                (label, snapshot.score_factors.get(name), getattr(weights, f"weight_{name}"))
            )
    group = account.snapshots.filter(scope=Scope.GROUP).order_by("-as_of").first()
    return render(
        request,
        "portfolio/account_strategy.html",
        {
            "account": account,
            "strategy": strategy,
            "snapshot": snapshot,
            "group": group if account.subsidiaries.exists() else None,
            "reason": RULE_REASONS.get(strategy.rule or "", ""),
            "factors": factors,
            "costs": account_costs_to_serve(account=account)[:12],
            "override_form": override_form,
            "cost_form": cost_form,
            "currency": base_currency(),
            "trend_t": _t_text(snapshot.trend_t if snapshot else None),
        },
        status=status,
    )


def _t_text(value: float | None) -> str:
    """The t-statistic as read: an exact line (stored as ±1e300) is ±∞."""
    if value is None:
        return "—"
    if abs(value) >= 1e299:
        return "+∞" if value > 0 else "−∞"
    return f"{value:+.2f}"


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
