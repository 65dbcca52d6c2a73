"""API: win-back plans, their reasons and interventions (DOMAIN §10; another user's plan
answers 404, §13)."""

from typing import Any

from django.db.models import QuerySet
from ninja import Query, Router, Status
from ninja.pagination import paginate

from kam.accounts.selectors import account_get
from kam.alerts.selectors import alert_get
from kam.core.schemas import ERROR_CODES, ErrorOut, Page, PathId
from kam.risk.models import Intervention, WinBackPlan, WinBackReason
from kam.risk.winback.schemas import (
    ActivityLinkIn,
    CloseIn,
    DoneIn,
    InterventionIn,
    InterventionOut,
    InterventionPatch,
    PlanOut,
    PlanQuery,
    PlanStartIn,
    PlanSummaryOut,
    ReasonDecisionIn,
    ReasonIn,
    ReasonOut,
)
from kam.risk.winback.selectors import (
    PlanFilters,
    intervention_get,
    plan_get,
    plan_list,
    plan_summary_get,
    reason_get,
)
from kam.risk.winback.services import (
    intervention_activity_link,
    intervention_add,
    intervention_cancel,
    intervention_done,
    intervention_update,
    plan_close,
    plan_reasons_propose,
    plan_reopen,
    plan_start,
    reason_add,
    reason_confirm,
    reason_reject,
)

router = Router(tags=["win-back"])


def _plan(request: Any, win_back_id: int) -> WinBackPlan:
    return plan_get(actor=request.user, plan_id=win_back_id)


def _full(request: Any, plan: WinBackPlan) -> WinBackPlan:
    return plan_summary_get(actor=request.user, plan_id=plan.pk)


def _reason(request: Any, win_back_id: int, reason_id: int) -> WinBackReason:
    return reason_get(actor=request.user, reason_id=reason_id, plan_id=win_back_id)


def _step(request: Any, win_back_id: int, intervention_id: int) -> Intervention:
    return intervention_get(
        actor=request.user, intervention_id=intervention_id, plan_id=win_back_id
    )


@router.get("", response={200: list[PlanSummaryOut], ERROR_CODES: ErrorOut})
@paginate(Page)
def list_win_back_plans(request: Any, filters: Query[PlanQuery]) -> QuerySet[WinBackPlan]:
    """The plans of the accounts you see, open first; `overdue` keeps those with a planned
    intervention past its due date."""
    return plan_list(
        actor=request.user,
        filters=PlanFilters(
            status=filters.status or "", account_id=filters.account_id, overdue=filters.overdue
        ),
    )


@router.post("", response={201: PlanOut, ERROR_CODES: ErrorOut})
def start_win_back_plan(request: Any, body: PlanStartIn) -> Status[WinBackPlan]:
    """Start the account's plan, from its alert when `alert_id` names one (409 when the
    account has an open plan); the reasons its records support come proposed."""
    account = account_get(actor=request.user, account_id=body.account_id)
    alert = alert_get(actor=request.user, alert_id=body.alert_id) if body.alert_id else None
    plan = plan_start(actor=request.user, account=account, alert=alert, goal=body.goal)
    return Status(201, _full(request, plan))


@router.get("/{win_back_id}", response={200: PlanOut, ERROR_CODES: ErrorOut})
def get_win_back_plan(request: Any, win_back_id: PathId) -> WinBackPlan:
    return plan_summary_get(actor=request.user, plan_id=win_back_id)


@router.post("/{win_back_id}/propose", response={200: list[ReasonOut], ERROR_CODES: ErrorOut})
def propose_win_back_reasons(request: Any, win_back_id: PathId) -> list[WinBackReason]:
    """Propose the reasons again from today's records; answers those added or refreshed."""
    return plan_reasons_propose(actor=request.user, plan=_plan(request, win_back_id))


@router.post("/{win_back_id}/reasons", response={201: ReasonOut, ERROR_CODES: ErrorOut})
def add_win_back_reason(request: Any, win_back_id: PathId, body: ReasonIn) -> Status[WinBackReason]:
    """Add a reason by hand, confirmed (409 when the plan has that kind already)."""
    plan = _plan(request, win_back_id)
    return Status(201, reason_add(actor=request.user, plan=plan, **body.dict()))


@router.post(
    "/{win_back_id}/reasons/{reason_id}/confirm",
    response={200: ReasonOut, ERROR_CODES: ErrorOut},
)
def confirm_win_back_reason(
    request: Any, win_back_id: PathId, reason_id: PathId, body: ReasonDecisionIn
) -> WinBackReason:
    reason = _reason(request, win_back_id, reason_id)
    return reason_confirm(actor=request.user, reason=reason, note=body.note)


@router.post(
    "/{win_back_id}/reasons/{reason_id}/reject", response={200: ReasonOut, ERROR_CODES: ErrorOut}
)
def reject_win_back_reason(
    request: Any, win_back_id: PathId, reason_id: PathId, body: ReasonDecisionIn
) -> WinBackReason:
    """Reject a reason; the note saying why is required (422 without)."""
    reason = _reason(request, win_back_id, reason_id)
    return reason_reject(actor=request.user, reason=reason, note=body.note)


@router.post("/{win_back_id}/interventions", response={201: InterventionOut, ERROR_CODES: ErrorOut})
def add_intervention(
    request: Any, win_back_id: PathId, body: InterventionIn
) -> Status[Intervention]:
    """Plan an intervention; its activity is planned on the owner's agenda for the due day."""
    plan = _plan(request, win_back_id)
    return Status(201, intervention_add(actor=request.user, plan=plan, **body.dict()))


@router.patch(
    "/{win_back_id}/interventions/{intervention_id}",
    response={200: InterventionOut, ERROR_CODES: ErrorOut},
)
def update_intervention(
    request: Any, win_back_id: PathId, intervention_id: PathId, body: InterventionPatch
) -> Intervention:
    step = _step(request, win_back_id, intervention_id)
    return intervention_update(
        actor=request.user, intervention=step, **body.dict(exclude_unset=True)
    )


@router.post(
    "/{win_back_id}/interventions/{intervention_id}/done",
    response={200: InterventionOut, ERROR_CODES: ErrorOut},
)
def done_intervention(
    request: Any, win_back_id: PathId, intervention_id: PathId, body: DoneIn
) -> Intervention:
    step = _step(request, win_back_id, intervention_id)
    return intervention_done(actor=request.user, intervention=step, done_on=body.done_on)


@router.post(
    "/{win_back_id}/interventions/{intervention_id}/cancel",
    response={200: InterventionOut, ERROR_CODES: ErrorOut},
)
def cancel_intervention(request: Any, win_back_id: PathId, intervention_id: PathId) -> Intervention:
    """Cancel an intervention and its activities still planned."""
    step = _step(request, win_back_id, intervention_id)
    return intervention_cancel(actor=request.user, intervention=step)


@router.post(
    "/{win_back_id}/interventions/{intervention_id}/activities",
    response={200: InterventionOut, ERROR_CODES: ErrorOut},
)
def link_intervention_activity(
    request: Any, win_back_id: PathId, intervention_id: PathId, body: ActivityLinkIn
) -> Intervention:
    """Link another activity of the account as carrying out the intervention."""
    step = _step(request, win_back_id, intervention_id)
    return intervention_activity_link(
        actor=request.user, intervention=step, activity_id=body.activity_id
    )


@router.post("/{win_back_id}/close", response={200: PlanOut, ERROR_CODES: ErrorOut})
def close_win_back_plan(request: Any, win_back_id: PathId, body: CloseIn) -> WinBackPlan:
    """Close with the outcome: won_back, stabilised or lost (422 for pending)."""
    plan = _plan(request, win_back_id)
    return _full(request, plan_close(actor=request.user, plan=plan, **body.dict()))


@router.post("/{win_back_id}/reopen", response={200: PlanOut, ERROR_CODES: ErrorOut})
def reopen_win_back_plan(request: Any, win_back_id: PathId) -> WinBackPlan:
    return _full(request, plan_reopen(actor=request.user, plan=_plan(request, win_back_id)))
