"""API: alerts of every area, their workflow, comments and follow-ups (DOMAIN §10)."""

from typing import Any

from django.db.models import QuerySet
from django.utils.translation import gettext_lazy
from ninja import Query, Router, Status
from ninja.pagination import paginate

from kam.alerts.models import Alert, AlertComment, AlertFollowUp
from kam.alerts.schemas import (
    AcknowledgeIn,
    AlertCountsOut,
    AlertOut,
    AlertQuery,
    AssignIn,
    CommentIn,
    CommentOut,
    FollowUpIn,
    FollowUpOut,
    ReopenIn,
    ResolveIn,
)
from kam.alerts.selectors import (
    ACTIVE,
    ALL,
    AlertFilters,
    alert_comments,
    alert_counts_by_state,
    alert_get,
    alerts_for,
)
from kam.alerts.services import (
    alert_acknowledge,
    alert_assign,
    alert_comment_add,
    alert_follow_up_link,
    alert_follow_up_note,
    alert_reopen,
    alert_resolve,
)
from kam.core.errors import InvalidInput
from kam.core.schemas import ERROR_CODES, ErrorOut, Page, PathId

router = Router(tags=["alerts"])

ERROR_FOLLOW_UP_WHICH = gettext_lazy(
    "Give the note to link (target_id) or the text of a new one (note)."
)


def _filters(query: AlertQuery) -> AlertFilters:
    state = query.state or (ACTIVE if query.open else ALL)
    return AlertFilters(
        state=state,
        mine=query.mine,
        unassigned=query.unassigned,
        kind=query.kind,
        severity=query.severity,
        account_id=query.account_id,
    )


@router.get("", response={200: list[AlertOut], ERROR_CODES: ErrorOut})
@paginate(Page)
def list_alerts(request: Any, filters: Query[AlertQuery]) -> QuerySet[Alert]:
    rows = alerts_for(request.user, _filters(filters))
    if filters.acknowledged is not None:
        rows = rows.filter(acknowledged_at__isnull=not filters.acknowledged)
    return rows


@router.get("/counts", response={200: AlertCountsOut, ERROR_CODES: ErrorOut})
def count_alerts(request: Any, filters: Query[AlertQuery]) -> dict[str, int]:
    """How many alerts stand in each state under the other filters."""
    return alert_counts_by_state(request.user, _filters(filters))


@router.get("/{alert_id}", response={200: AlertOut, ERROR_CODES: ErrorOut})
def get_alert(request: Any, alert_id: PathId) -> Alert:
    return alert_get(actor=request.user, alert_id=alert_id)


@router.post("/{alert_id}/acknowledge", response={200: AlertOut, ERROR_CODES: ErrorOut})
def acknowledge_alert(request: Any, alert_id: PathId, body: AcknowledgeIn) -> Alert:
    """Open → acknowledged; a critical alert needs a `comment` (422 without one)."""
    alert = alert_get(actor=request.user, alert_id=alert_id)
    return alert_acknowledge(actor=request.user, alert=alert, comment=body.comment)


@router.post("/{alert_id}/resolve", response={200: AlertOut, ERROR_CODES: ErrorOut})
def resolve_alert(request: Any, alert_id: PathId, body: ResolveIn) -> Alert:
    alert = alert_get(actor=request.user, alert_id=alert_id)
    return alert_resolve(actor=request.user, alert=alert, reason=body.reason)


@router.post("/{alert_id}/reopen", response={200: AlertOut, ERROR_CODES: ErrorOut})
def reopen_alert(request: Any, alert_id: PathId, body: ReopenIn) -> Alert:
    alert = alert_get(actor=request.user, alert_id=alert_id)
    return alert_reopen(actor=request.user, alert=alert, comment=body.comment)


@router.post("/{alert_id}/assign", response={200: AlertOut, ERROR_CODES: ErrorOut})
def assign_alert(request: Any, alert_id: PathId, body: AssignIn) -> Alert:
    alert = alert_get(actor=request.user, alert_id=alert_id)
    return alert_assign(actor=request.user, alert=alert, assignee_id=body.assignee_id)


@router.get("/{alert_id}/comments", response={200: list[CommentOut], ERROR_CODES: ErrorOut})
def list_alert_comments(request: Any, alert_id: PathId) -> QuerySet[AlertComment]:
    return alert_comments(alert_get(actor=request.user, alert_id=alert_id))


@router.post("/{alert_id}/comments", response={201: CommentOut, ERROR_CODES: ErrorOut})
def add_alert_comment(request: Any, alert_id: PathId, body: CommentIn) -> Status[Any]:
    alert = alert_get(actor=request.user, alert_id=alert_id)
    return Status(201, alert_comment_add(actor=request.user, alert=alert, body=body.body))


@router.post("/{alert_id}/follow-ups", response={201: FollowUpOut, ERROR_CODES: ErrorOut})
def link_alert_follow_up(request: Any, alert_id: PathId, body: FollowUpIn) -> Status[Any]:
    """Link an existing note of the account (`target_id`), or write one (`note`)."""
    alert = alert_get(actor=request.user, alert_id=alert_id)
    link: AlertFollowUp
    if body.note:
        _note, link = alert_follow_up_note(actor=request.user, alert=alert, body=body.note)
    elif body.target_id is not None:
        link = alert_follow_up_link(
            actor=request.user, alert=alert, target_type=body.target_type, target_id=body.target_id
        )
    else:
        raise InvalidInput(
            "Give the note to link (target_id) or the text of a new one (note).", field="target_id"
        )
    return Status(201, link)
