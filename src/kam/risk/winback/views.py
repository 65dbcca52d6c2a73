"""The win-back pages (DOMAIN §10): the plans list, the start form, one plan with its reasons,
evidence, interventions, outcome and history, and the moves posted from it."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpResponse, HttpResponseRedirect
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from kam.accounts.selectors import account_get
from kam.alerts.models import Alert
from kam.alerts.selectors import alert_get
from kam.core.errors import DomainError
from kam.org.http import AuthedRequest
from kam.org.permissions import can
from kam.risk.models import InterventionStatus, PlanStatus, ReasonKind, WinBackPlan
from kam.risk.winback.evidence import propose_reasons
from kam.risk.winback.forms import (
    InterventionForm,
    PlanCloseForm,
    PlanStartForm,
    ReasonAddForm,
)
from kam.risk.winback.links import plan_url
from kam.risk.winback.presenters import figure_rows
from kam.risk.winback.selectors import (
    PlanFilters,
    intervention_get,
    intervention_owners,
    latest_risk_score,
    linkable_activities,
    open_plan_of,
    plan_get,
    plan_interventions,
    plan_list,
    plan_reasons,
    reason_get,
)
from kam.risk.winback.services import (
    intervention_activity_link,
    intervention_add,
    intervention_cancel,
    intervention_done,
    plan_close,
    plan_reasons_propose,
    plan_reopen,
    plan_start,
    reason_add,
    reason_confirm,
    reason_reject,
)
from kam.risk.winback.timeline import plan_history

SECTION = "risk"


def _first_error(form: forms.Form) -> str:
    for field, errors in form.errors.items():
        label = form.fields[field].label if field in form.fields else ""
        return f"{label}: {errors[0]}" if label else str(errors[0])
    return _("The data is not valid.")


@login_required
def plan_list_view(request: AuthedRequest) -> HttpResponse:
    """The visible plans, open first, with their overdue interventions (§10)."""
    status = request.GET.get("status", "")
    overdue = request.GET.get("overdue") == "1"
    rows = plan_list(
        actor=request.user,
        filters=PlanFilters(status=status if status in PlanStatus.values else "", overdue=overdue),
    )
    return render(
        request,
        "risk/winback/plan_list.html",
        {
            "section": SECTION,
            "plans": rows[:500],
            "status": status,
            "overdue": overdue,
            "statuses": PlanStatus.choices,
        },
    )


def _alert_of(request: AuthedRequest, account_id: int, raw: Any) -> Alert | None:
    text = str(raw or "")
    if not text.isdigit() or len(text) > 18:
        return None
    alert = alert_get(actor=request.user, alert_id=int(text))
    return alert if alert.account_id == account_id else None


@login_required
def plan_start_view(request: AuthedRequest, account_id: int) -> HttpResponse:
    """Start the account's plan (§10), from its alert when the link names one: what the
    records propose is shown before starting."""
    account = account_get(actor=request.user, account_id=account_id)
    existing = open_plan_of(account.pk)
    if existing is not None:
        messages.info(request, _("This account's win-back plan is open already."))
        return redirect(plan_url(existing.account_id, existing.pk))
    form = PlanStartForm(request.POST or None, initial={"alert": request.GET.get("alert")})
    alert = _alert_of(request, account.pk, request.POST.get("alert") or request.GET.get("alert"))
    if request.method == "POST" and form.is_valid():
        try:
            plan = plan_start(
                actor=request.user, account=account, alert=alert, goal=form.cleaned_data["goal"]
            )
        except DomainError as error:
            form.add_error(None, error.message)
        else:
            messages.success(
                request, _("Win-back plan started: confirm or reject the proposed reasons.")
            )
            return redirect(plan_url(plan.account_id, plan.pk))
    return render(
        request,
        "risk/winback/plan_start.html",
        {
            "section": SECTION,
            "account": account,
            "alert": alert,
            "form": form,
            "score": latest_risk_score(account.pk),
            "proposals": [
                (p, ReasonKind(p.kind).label, figure_rows(p.figures))
                for p in propose_reasons(actor=request.user, account=account)
            ],
            "may_start": can(request.user, "win_back_start", account),
        },
    )


@login_required
def plan_detail_view(request: AuthedRequest, account_id: int, plan_id: int) -> HttpResponse:
    """One plan: its risk at start, reasons with evidence and figures, interventions with
    their activities, its outcome and history (§10)."""
    plan = plan_get(actor=request.user, plan_id=plan_id, account_id=account_id)
    reasons = list(plan_reasons(plan))
    interventions = list(plan_interventions(plan))
    owners = intervention_owners(plan.account_id, plan.account.owner_id)
    intervention_form = InterventionForm(
        reasons=[(r.pk, r.get_kind_display()) for r in reasons if r.status != "rejected"],
        owners=[(u.pk, u.display_name) for u in owners],
        initial={"owner": plan.owner_id},
    )
    linked = {a.pk for i in interventions for a in i.activities.all()}
    return render(
        request,
        "risk/winback/plan_detail.html",
        {
            "section": SECTION,
            "plan": plan,
            "account": plan.account,
            "reasons": [(r, figure_rows(r.figures)) for r in reasons],
            "interventions": interventions,
            "may_act": can(request.user, "win_back_act", plan),
            "is_open": plan.status == PlanStatus.OPEN,
            "reason_form": ReasonAddForm(),
            "intervention_form": intervention_form,
            "close_form": PlanCloseForm(),
            "activities": linkable_activities(plan.account_id, linked),
            "timeline": {"entries": plan_history(plan)},
            "score": latest_risk_score(plan.account_id),
            "planned": InterventionStatus.PLANNED,
            "today": timezone.localdate(),
        },
    )


PlanMove = Callable[..., str]


def _plan_move(apply: PlanMove) -> Callable[..., HttpResponse]:
    """A POST on one plan: loaded through its gate (another user's plan is a 404), the move
    applied, its message or refusal shown, back to the plan page."""

    @login_required
    @require_POST
    def view(request: AuthedRequest, account_id: int, plan_id: int, **ids: Any) -> HttpResponse:
        plan = plan_get(actor=request.user, plan_id=plan_id, account_id=account_id)
        try:
            done = apply(request, plan, **ids)
        except DomainError as error:
            messages.error(request, error.message)
        else:
            messages.success(request, done)
        return HttpResponseRedirect(plan_url(plan.account_id, plan.pk))

    return view


def _propose(request: AuthedRequest, plan: WinBackPlan) -> str:
    touched = plan_reasons_propose(actor=request.user, plan=plan)
    return _("Reasons proposed again from the records: %(count)s added or refreshed.") % {
        "count": len(touched)
    }


def _reason_add(request: AuthedRequest, plan: WinBackPlan) -> str:
    form = ReasonAddForm(request.POST)
    if not form.is_valid():
        raise DomainError(_first_error(form))
    reason_add(actor=request.user, plan=plan, **form.cleaned_data)
    return _("Reason added.")


def _reason_decide(request: AuthedRequest, plan: WinBackPlan, reason_id: int) -> str:
    reason = reason_get(actor=request.user, reason_id=reason_id, plan_id=plan.pk)
    note = request.POST.get("note", "")
    if request.POST.get("decision") == "reject":
        reason_reject(actor=request.user, reason=reason, note=note)
        return _("Reason rejected.")
    reason_confirm(actor=request.user, reason=reason, note=note)
    return _("Reason confirmed.")


def _intervention_add(request: AuthedRequest, plan: WinBackPlan) -> str:
    owners = intervention_owners(plan.account_id, plan.account.owner_id)
    form = InterventionForm(
        request.POST,
        reasons=[(r.pk, r.kind) for r in plan_reasons(plan)],
        owners=[(u.pk, u.display_name) for u in owners],
    )
    if not form.is_valid():
        raise DomainError(_first_error(form))
    data = form.cleaned_data
    intervention_add(
        actor=request.user,
        plan=plan,
        kind=data["kind"],
        description=data["description"],
        reason_id=data["reason"],
        owner_id=data["owner"],
        due_on=data["due_on"],
    )
    return _("Intervention planned; its activity stands on the owner's agenda.")


def _intervention_move(
    request: AuthedRequest, plan: WinBackPlan, intervention_id: int, move: str
) -> str:
    intervention = intervention_get(
        actor=request.user, intervention_id=intervention_id, plan_id=plan.pk
    )
    if move == "done":
        intervention_done(actor=request.user, intervention=intervention)
        return _("Intervention done.")
    if move == "cancel":
        intervention_cancel(actor=request.user, intervention=intervention)
        return _("Intervention cancelled.")
    if move == "link":
        raw = request.POST.get("activity", "")
        activity_id = int(raw) if raw.isdigit() and len(raw) < 19 else 0
        intervention_activity_link(
            actor=request.user, intervention=intervention, activity_id=activity_id
        )
        return _("Activity linked.")
    raise DomainError(_("Unknown move."))


def _close(request: AuthedRequest, plan: WinBackPlan) -> str:
    form = PlanCloseForm(request.POST)
    if not form.is_valid():
        raise DomainError(_first_error(form))
    plan_close(actor=request.user, plan=plan, **form.cleaned_data)
    return _("Plan closed.")


def _reopen(request: AuthedRequest, plan: WinBackPlan) -> str:
    plan_reopen(actor=request.user, plan=plan)
    return _("Plan reopened.")


plan_propose_view = _plan_move(_propose)
reason_add_view = _plan_move(_reason_add)
reason_decide_view = _plan_move(_reason_decide)
intervention_add_view = _plan_move(_intervention_add)
intervention_move_view = _plan_move(_intervention_move)
plan_close_view = _plan_move(_close)
plan_reopen_view = _plan_move(_reopen)
