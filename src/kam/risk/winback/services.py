"""Writes of win-back plans (DOMAIN §10): start a plan (from an alert or the account page),
propose its reasons from evidence, confirm, reject or add them, plan interventions carried out
by activities on the owner's agenda, close the plan with an outcome and reopen it.

Every write checks the actor may write (§13: the plan, reason or intervention came through
the actor's selectors), records history with the actor (the timeline tells the plan from
it), and answers an illegal move with Conflict (409).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Collection
from typing import Any

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from kam.accounts.models import Account
from kam.accounts.selectors import accounts_visible_to
from kam.alerts.models import Alert
from kam.alerts.services import alert_follow_up_link
from kam.core.errors import Conflict, InvalidInput, PermissionDenied, full_clean_or_raise
from kam.core.history import save_as
from kam.core.transitions import StateMachine
from kam.engagement.activities.models import Activity, ActivityKind, ActivityStatus, Channel
from kam.engagement.activities.services import activity_cancel, activity_create
from kam.org.models import User
from kam.org.permissions import require_write
from kam.risk.models import (
    PLAN_STATUS,
    Intervention,
    InterventionKind,
    InterventionStatus,
    PlanOutcome,
    PlanStatus,
    ReasonKind,
    ReasonStatus,
    WinBackPlan,
    WinBackReason,
)
from kam.risk.winback.evidence import Proposal, propose_reasons
from kam.risk.winback.permissions import can_start_win_back
from kam.risk.winback.selectors import latest_risk_score

WIN_BACK_PLAN = "win_back_plan"  # the alerts' follow-up type (kam.alerts.followups)

ERROR_START_FORBIDDEN = gettext_lazy(
    "Only the account's owner, a director or an administrator starts a win-back plan."
)
ERROR_PLAN_OPEN = gettext_lazy(
    "This account already has an open win-back plan: work on that one instead."
)
ERROR_ALERT_ELSEWHERE = gettext_lazy("The alert is not one of this account's.")
ERROR_PLAN_CLOSED = gettext_lazy("The plan is closed: reopen it to change it.")
ERROR_REJECT_NOTE = gettext_lazy("Say why the reason is rejected.")
ERROR_REASON_TWICE = gettext_lazy("The plan has this reason already: confirm or reject it.")
ERROR_REASON_SUMMARY = gettext_lazy("Say what the reason is about.")
ERROR_KIND = gettext_lazy("Unknown kind.")
ERROR_OUTCOME = gettext_lazy("Choose the outcome: won back, stabilised or lost.")
ERROR_OWNER = gettext_lazy("The owner must be an active user who may write and sees the account.")
ERROR_REASON_ELSEWHERE = gettext_lazy("The reason is not one of this plan's.")
ERROR_ACTIVITY_ELSEWHERE = gettext_lazy("The activity is not one of this account's.")
ERROR_ACTIVITY_TWICE = gettext_lazy("The activity carries this intervention already.")
ERROR_DUE = gettext_lazy("Give the day the intervention is due.")
ERROR_UNKNOWN_FIELD = gettext_lazy("Unknown field: %(field)s.")

TEXT_MOST = 2000

# proposed → confirmed or rejected; a decision may be changed (the history keeps it).
REASON_STATUS = StateMachine(
    gettext_lazy("win-back reason"),
    {
        ReasonStatus.PROPOSED: {ReasonStatus.CONFIRMED, ReasonStatus.REJECTED},
        ReasonStatus.CONFIRMED: {ReasonStatus.REJECTED},
        ReasonStatus.REJECTED: {ReasonStatus.CONFIRMED},
    },
)
# planned → done or cancelled; both final.
INTERVENTION_STATUS = StateMachine(
    gettext_lazy("intervention"),
    {InterventionStatus.PLANNED: {InterventionStatus.DONE, InterventionStatus.CANCELLED}},
)
# How each intervention is carried out when it is planned: the activity on the agenda.
ACTIVITY_OF: dict[str, tuple[str, str]] = {
    InterventionKind.SERVICE_IMPROVEMENT: (ActivityKind.MEETING, Channel.ON_SITE),
    InterventionKind.PREFERENTIAL_POLICY: (ActivityKind.MEETING, Channel.ON_SITE),
    InterventionKind.MORE_COMMUNICATION: (ActivityKind.CALL, Channel.PHONE),
    InterventionKind.EXECUTIVE_VISIT: (ActivityKind.VISIT, Channel.ON_SITE),
    InterventionKind.OTHER: (ActivityKind.MEETING, Channel.ON_SITE),
}
# A planned intervention's activity stands on the agenda at the start of its due day.
ACTIVITY_TIME = dt.time(9, 0)


def _text(value: str | None) -> str:
    return (value or "").strip()[:TEXT_MOST]


def _require_open(plan: WinBackPlan) -> None:
    if plan.status != PlanStatus.OPEN:
        raise Conflict(str(ERROR_PLAN_CLOSED), field="status")


def _locked(plan: WinBackPlan) -> WinBackPlan:
    return WinBackPlan.objects.select_for_update().select_related("account").get(pk=plan.pk)


def _reason_from(plan: WinBackPlan, proposal: Proposal) -> WinBackReason:
    return WinBackReason(
        plan=plan,
        kind=proposal.kind,
        summary=proposal.summary,
        evidence=proposal.evidence,
        figures=proposal.figures,
    )


@transaction.atomic
def plan_start(
    *,
    actor: User,
    account: Account,
    alert: Alert | None = None,
    goal: str = "",
    today: dt.date | None = None,
) -> WinBackPlan:
    """Start the account's win-back plan (§10), from its alert when given (linked as the
    alert's follow-up): the risk at start copied from the latest risk score, the reasons the
    records support proposed with their evidence. Raises PermissionDenied unless the actor
    owns the account or governs, InvalidInput for another account's alert, Conflict when the
    account has an open plan."""
    require_write(actor)
    if not can_start_win_back(actor, account):
        raise PermissionDenied(str(ERROR_START_FORBIDDEN))
    if alert is not None and alert.account_id != account.pk:
        raise InvalidInput(str(ERROR_ALERT_ELSEWHERE), field="alert_id")
    # Serialise starts on one account: the check below and the insert see the same state.
    Account.objects.select_for_update().filter(pk=account.pk).first()
    if WinBackPlan.objects.filter(account=account, status=PlanStatus.OPEN).exists():
        raise Conflict(str(ERROR_PLAN_OPEN), field="account_id")
    score = latest_risk_score(account.pk)
    today = today or timezone.localdate()
    plan = WinBackPlan(
        account=account,
        alert=alert,
        owner=account.owner,
        started_on=today,
        started_by=actor,
        churn_probability_at_start=score.churn_probability if score else None,
        risk_level_at_start=score.risk_level if score else "",
        goal=_text(goal),
    )
    full_clean_or_raise(plan, exclude=["account", "alert", "owner", "started_by"])
    try:
        with transaction.atomic():
            save_as(actor, plan)
    except IntegrityError:
        raise Conflict(str(ERROR_PLAN_OPEN), field="account_id") from None
    for proposal in propose_reasons(actor=actor, account=account, until=today):
        save_as(actor, _reason_from(plan, proposal))
    if alert is not None:
        alert_follow_up_link(actor=actor, alert=alert, target_type=WIN_BACK_PLAN, target_id=plan.pk)
    return plan


@transaction.atomic
def plan_reasons_propose(
    *, actor: User, plan: WinBackPlan, today: dt.date | None = None
) -> list[WinBackReason]:
    """Propose the reasons again from today's records (§10): a reason still proposed gets
    the new evidence and figures, a new kind is added, a decided reason keeps what it was
    decided on. Returns the reasons added or refreshed. Raises Conflict for a closed plan."""
    require_write(actor)
    plan = _locked(plan)
    _require_open(plan)
    known = {reason.kind: reason for reason in WinBackReason.objects.filter(plan=plan)}
    touched: list[WinBackReason] = []
    for proposal in propose_reasons(
        actor=actor, account=plan.account, until=today or timezone.localdate()
    ):
        reason = known.get(proposal.kind)
        if reason is None:
            reason = _reason_from(plan, proposal)
            save_as(actor, reason)
        elif reason.status == ReasonStatus.PROPOSED and reason.proposed:
            reason.summary = proposal.summary
            reason.evidence = proposal.evidence
            reason.figures = proposal.figures
            save_as(actor, reason, update_fields=["summary", "evidence", "figures"])
        else:
            continue
        touched.append(reason)
    return touched


def _decide(actor: User, reason: WinBackReason, status: str, note: str) -> WinBackReason:
    require_write(actor)
    plan = _locked(reason.plan)
    _require_open(plan)
    REASON_STATUS.move_instance(
        reason, status, note=_text(note), decided_by=actor, decided_at=timezone.now()
    )
    save_as(actor, reason, update_fields=["status", "note", "decided_by", "decided_at"])
    return reason


@transaction.atomic
def reason_confirm(*, actor: User, reason: WinBackReason, note: str = "") -> WinBackReason:
    """The manager confirms a reason (§10), with an optional note. Raises PermissionDenied
    for read-only users, Conflict for a closed plan or a reason confirmed already."""
    return _decide(actor, reason, ReasonStatus.CONFIRMED, note)


@transaction.atomic
def reason_reject(*, actor: User, reason: WinBackReason, note: str) -> WinBackReason:
    """The manager rejects a reason (§10), saying why. Raises PermissionDenied for read-only
    users, InvalidInput without a note, Conflict for a closed plan or a rejected reason."""
    require_write(actor)
    if not _text(note):
        raise InvalidInput(str(ERROR_REJECT_NOTE), field="note")
    return _decide(actor, reason, ReasonStatus.REJECTED, note)


@transaction.atomic
def reason_add(
    *, actor: User, plan: WinBackPlan, kind: str, summary: str, note: str = ""
) -> WinBackReason:
    """The manager adds a reason by hand (§10; budget is only ever added so), confirmed as
    added. Raises InvalidInput for an unknown kind or an empty summary, Conflict for a
    closed plan or a kind the plan has already."""
    require_write(actor)
    if kind not in ReasonKind.values:
        raise InvalidInput(str(ERROR_KIND), field="kind")
    if not _text(summary):
        raise InvalidInput(str(ERROR_REASON_SUMMARY), field="summary")
    plan = _locked(plan)
    _require_open(plan)
    if WinBackReason.objects.filter(plan=plan, kind=kind).exists():
        raise Conflict(str(ERROR_REASON_TWICE), field="kind")
    reason = WinBackReason(
        plan=plan,
        kind=kind,
        status=ReasonStatus.CONFIRMED,
        proposed=False,
        summary=_text(summary)[:500],
        note=_text(note),
        decided_by=actor,
        decided_at=timezone.now(),
    )
    full_clean_or_raise(reason, exclude=["plan", "decided_by"], validate_unique=False)
    save_as(actor, reason)
    return reason


def _owner(plan: WinBackPlan, owner_id: int | None, actor: User) -> User:
    if owner_id is None:
        return plan.owner or actor
    owner = User.objects.filter(pk=owner_id, is_active=True).first()
    if owner is None or not (
        owner.can_write and accounts_visible_to(owner).filter(pk=plan.account_id).exists()
    ):
        raise InvalidInput(str(ERROR_OWNER), field="owner_id")
    return owner


def _reason(plan: WinBackPlan, reason_id: int | None) -> WinBackReason | None:
    if reason_id is None:
        return None
    reason = WinBackReason.objects.filter(plan=plan, pk=reason_id).first()
    if reason is None:
        raise InvalidInput(str(ERROR_REASON_ELSEWHERE), field="reason_id")
    return reason


def _activity_subject(kind: str, description: str) -> str:
    label = dict(InterventionKind.choices).get(kind, kind)
    text = _("Win-back: %(kind)s") % {"kind": label}
    if description:
        text = f"{text} — {description}"
    return text[:200]


@transaction.atomic
def intervention_add(
    *,
    actor: User,
    plan: WinBackPlan,
    kind: str,
    due_on: dt.date | None,
    description: str = "",
    reason_id: int | None = None,
    owner_id: int | None = None,
) -> Intervention:
    """Plan an intervention (§10): its kind, what is done, the reason it addresses, its owner
    (the plan's by default) and due date, and the planned activity that carries it out on
    the owner's agenda. Raises InvalidInput for an unknown kind, a missing due date, another
    plan's reason or an owner who cannot see the account; Conflict for a closed plan."""
    require_write(actor)
    if kind not in InterventionKind.values:
        raise InvalidInput(str(ERROR_KIND), field="kind")
    if due_on is None:
        raise InvalidInput(str(ERROR_DUE), field="due_on")
    plan = _locked(plan)
    _require_open(plan)
    owner = _owner(plan, owner_id, actor)
    intervention = Intervention(
        plan=plan,
        kind=kind,
        description=_text(description),
        reason=_reason(plan, reason_id),
        owner=owner,
        due_on=due_on,
    )
    full_clean_or_raise(intervention, exclude=["plan", "reason", "owner"])
    save_as(actor, intervention)
    activity_kind, channel = ACTIVITY_OF[kind]
    activity = activity_create(
        actor=actor,
        account=plan.account,
        owner=owner,
        kind=activity_kind,
        channel=channel,
        subject=_activity_subject(kind, intervention.description),
        notes=intervention.description,
        planned_for=timezone.make_aware(dt.datetime.combine(due_on, ACTIVITY_TIME)),
    )
    intervention.activities.add(activity)
    return intervention


UPDATABLE = ("kind", "description", "reason_id", "owner_id", "due_on")


@transaction.atomic
def intervention_update(*, actor: User, intervention: Intervention, **changes: Any) -> Intervention:
    """Change a planned intervention's kind, description, reason, owner or due date (§10).
    Raises InvalidInput as intervention_add does, Conflict when it is done or cancelled or
    the plan is closed."""
    require_write(actor)
    unknown = sorted(set(changes) - set(UPDATABLE))
    if unknown:
        raise InvalidInput(str(ERROR_UNKNOWN_FIELD) % {"field": unknown[0]}, field=unknown[0])
    plan = _locked(intervention.plan)
    _require_open(plan)
    intervention = Intervention.objects.select_for_update().get(pk=intervention.pk)
    if intervention.status != InterventionStatus.PLANNED:
        raise Conflict(
            _("Only a planned intervention is changed; this one is %(status)s.")
            % {"status": intervention.get_status_display()},
            field="status",
        )
    if "kind" in changes:
        if changes["kind"] not in InterventionKind.values:
            raise InvalidInput(str(ERROR_KIND), field="kind")
        intervention.kind = changes["kind"]
    if "description" in changes:
        intervention.description = _text(changes["description"])
    if "reason_id" in changes:
        intervention.reason = _reason(plan, changes["reason_id"])
    if "owner_id" in changes:
        intervention.owner = _owner(plan, changes["owner_id"], actor)
    if "due_on" in changes:
        if changes["due_on"] is None:
            raise InvalidInput(str(ERROR_DUE), field="due_on")
        intervention.due_on = changes["due_on"]
    full_clean_or_raise(intervention, exclude=["plan", "reason", "owner"])
    save_as(actor, intervention)
    return intervention


@transaction.atomic
def intervention_activity_link(
    *, actor: User, intervention: Intervention, activity_id: int
) -> Intervention:
    """Link another activity of the account as carrying out the intervention (§10). Raises
    InvalidInput for an activity of another account, Conflict when it is linked already or
    the plan is closed."""
    require_write(actor)
    plan = _locked(intervention.plan)
    _require_open(plan)
    activity = Activity.objects.filter(pk=activity_id, account_id=plan.account_id).first()
    if activity is None:
        raise InvalidInput(str(ERROR_ACTIVITY_ELSEWHERE), field="activity_id")
    if intervention.activities.filter(pk=activity.pk).exists():
        raise Conflict(str(ERROR_ACTIVITY_TWICE), field="activity_id")
    intervention.activities.add(activity)
    return intervention


def _finish(actor: User, intervention: Intervention, status: str, **fields: Any) -> Intervention:
    require_write(actor)
    plan = _locked(intervention.plan)
    _require_open(plan)
    INTERVENTION_STATUS.move_instance(intervention, status, **fields)
    save_as(actor, intervention, update_fields=["status", *fields])
    return intervention


@transaction.atomic
def intervention_done(
    *, actor: User, intervention: Intervention, done_on: dt.date | None = None
) -> Intervention:
    """Mark an intervention done (§10), on `done_on` (today by default). Raises Conflict when
    it is not planned or the plan is closed."""
    return _finish(
        actor, intervention, InterventionStatus.DONE, done_on=done_on or timezone.localdate()
    )


@transaction.atomic
def intervention_cancel(*, actor: User, intervention: Intervention) -> Intervention:
    """Cancel an intervention (§10) and its activities still planned, so they leave the
    agenda. Raises Conflict when it is not planned or the plan is closed."""
    intervention = _finish(actor, intervention, InterventionStatus.CANCELLED)
    for activity in intervention.activities.filter(status=ActivityStatus.PLANNED):
        activity_cancel(actor=actor, activity=activity)
    return intervention


CLOSING_OUTCOMES: Collection[str] = (
    PlanOutcome.WON_BACK,
    PlanOutcome.STABILISED,
    PlanOutcome.LOST,
)


@transaction.atomic
def plan_close(
    *, actor: User, plan: WinBackPlan, outcome: str, note: str = "", today: dt.date | None = None
) -> WinBackPlan:
    """Close the plan with its outcome (won back, stabilised, lost) and a note (§10). Raises
    InvalidInput for another outcome, Conflict when the plan is closed already."""
    require_write(actor)
    if outcome not in CLOSING_OUTCOMES:
        raise InvalidInput(str(ERROR_OUTCOME), field="outcome")
    plan = _locked(plan)
    PLAN_STATUS.move_instance(
        plan,
        PlanStatus.CLOSED,
        outcome=outcome,
        outcome_note=_text(note),
        closed_on=today or timezone.localdate(),
    )
    save_as(actor, plan, update_fields=["status", "outcome", "outcome_note", "closed_on"])
    return plan


@transaction.atomic
def plan_reopen(*, actor: User, plan: WinBackPlan) -> WinBackPlan:
    """Reopen a closed plan (§10): its outcome back to not yet known. Raises Conflict when it
    is open, or when the account has another open plan."""
    require_write(actor)
    plan = _locked(plan)
    others = WinBackPlan.objects.filter(account_id=plan.account_id, status=PlanStatus.OPEN)
    if plan.status == PlanStatus.CLOSED and others.exclude(pk=plan.pk).exists():
        raise Conflict(str(ERROR_PLAN_OPEN), field="status")
    PLAN_STATUS.move_instance(
        plan, PlanStatus.OPEN, outcome=PlanOutcome.PENDING, outcome_note="", closed_on=None
    )
    save_as(actor, plan, update_fields=["status", "outcome", "outcome_note", "closed_on"])
    return plan
