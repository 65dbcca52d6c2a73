"""API: complaints, their flow, escalation, the resolution report and the SLA settings
(DOMAIN §9; another user's complaint answers 404, §13)."""

from typing import Any

from django.db.models import QuerySet
from ninja import Query, Router, Status
from ninja.pagination import paginate

from kam.accounts.selectors import account_get
from kam.core.schemas import ERROR_CODES, ErrorOut, Page, PathId
from kam.engagement.complaints.models import Complaint, ComplaintEvent, ComplaintSettings
from kam.engagement.complaints.schemas import (
    AssignIn,
    CommentIn,
    ComplaintEventOut,
    ComplaintIn,
    ComplaintOut,
    ComplaintPatch,
    ComplaintQuery,
    ComplaintSettingsOut,
    ComplaintSettingsPatch,
    EscalateIn,
    ReopenIn,
    ReportOut,
    ReportQuery,
    ResolveIn,
)
from kam.engagement.complaints.selectors import (
    ComplaintFilters,
    ResolutionReport,
    complaint_events,
    complaint_get,
    complaint_list,
    complaint_settings,
    resolution_report,
)
from kam.engagement.complaints.services import (
    complaint_acknowledge,
    complaint_assign,
    complaint_close,
    complaint_create,
    complaint_delete,
    complaint_escalate,
    complaint_reopen,
    complaint_resolve,
    complaint_settings_update,
    complaint_start,
    complaint_update,
)

router = Router(tags=["complaints"])


@router.get("", response={200: list[ComplaintOut], ERROR_CODES: ErrorOut})
@paginate(Page)
def list_complaints(request: Any, filters: Query[ComplaintQuery]) -> QuerySet[Complaint]:
    """The complaints of the accounts you see, newest first; `breached` keeps those that
    missed (or run past) an SLA target."""
    return complaint_list(
        actor=request.user,
        filters=ComplaintFilters(
            account_id=filters.account_id,
            status=filters.status or "",
            severity=filters.severity or "",
            category=filters.category or "",
            department_id=filters.department_id,
            breached=filters.breached,
            open_only=filters.open,
        ),
    )


@router.post("", response={201: ComplaintOut, ERROR_CODES: ErrorOut})
def create_complaint(request: Any, body: ComplaintIn) -> Status[Complaint]:
    values = body.dict()
    account = account_get(actor=request.user, account_id=values.pop("account_id"))
    return Status(201, complaint_create(actor=request.user, account=account, **values))


@router.get("/report", response={200: ReportOut, ERROR_CODES: ErrorOut})
def get_complaint_report(request: Any, query: Query[ReportQuery]) -> ResolutionReport:
    """Resolution times (median, mean, share within SLA) per account, department or
    severity, in hours of the SLA clock."""
    return resolution_report(actor=request.user, **query.dict())


@router.get("/settings", response={200: ComplaintSettingsOut, ERROR_CODES: ErrorOut})
def get_complaint_settings(request: Any) -> ComplaintSettings:
    return complaint_settings()


@router.patch("/settings", response={200: ComplaintSettingsOut, ERROR_CODES: ErrorOut})
def update_complaint_settings(request: Any, body: ComplaintSettingsPatch) -> ComplaintSettings:
    """The SLA targets ("4h", "2d") and the clock (director, administrator)."""
    # The validated values as they are (the working day's times parsed): dumping the body
    # would serialise them back through their declared string type, with a warning each.
    given = {name: getattr(body, name) for name in body.model_fields_set}
    return complaint_settings_update(actor=request.user, **given)


@router.get("/{complaint_id}", response={200: ComplaintOut, ERROR_CODES: ErrorOut})
def get_complaint(request: Any, complaint_id: PathId) -> Complaint:
    return complaint_get(actor=request.user, complaint_id=complaint_id)


@router.patch("/{complaint_id}", response={200: ComplaintOut, ERROR_CODES: ErrorOut})
def update_complaint(request: Any, complaint_id: PathId, body: ComplaintPatch) -> Complaint:
    complaint = complaint_get(actor=request.user, complaint_id=complaint_id)
    return complaint_update(
        actor=request.user, complaint=complaint, **body.dict(exclude_unset=True)
    )


@router.delete("/{complaint_id}", response={204: None, ERROR_CODES: ErrorOut})
def delete_complaint(request: Any, complaint_id: PathId) -> Status[None]:
    """Delete a complaint recorded by mistake (director, administrator)."""
    complaint = complaint_get(actor=request.user, complaint_id=complaint_id)
    complaint_delete(actor=request.user, complaint=complaint)
    return Status(204, None)


@router.get(
    "/{complaint_id}/events", response={200: list[ComplaintEventOut], ERROR_CODES: ErrorOut}
)
def list_complaint_events(request: Any, complaint_id: PathId) -> QuerySet[ComplaintEvent]:
    return complaint_events(complaint_get(actor=request.user, complaint_id=complaint_id))


@router.post("/{complaint_id}/acknowledge", response={200: ComplaintOut, ERROR_CODES: ErrorOut})
def acknowledge_complaint(request: Any, complaint_id: PathId, body: CommentIn) -> Complaint:
    """Open → acknowledged (409 from any other status)."""
    complaint = complaint_get(actor=request.user, complaint_id=complaint_id)
    return complaint_acknowledge(actor=request.user, complaint=complaint, comment=body.comment)


@router.post("/{complaint_id}/start", response={200: ComplaintOut, ERROR_CODES: ErrorOut})
def start_complaint(request: Any, complaint_id: PathId, body: CommentIn) -> Complaint:
    """Acknowledged → in progress."""
    complaint = complaint_get(actor=request.user, complaint_id=complaint_id)
    return complaint_start(actor=request.user, complaint=complaint, comment=body.comment)


@router.post("/{complaint_id}/resolve", response={200: ComplaintOut, ERROR_CODES: ErrorOut})
def resolve_complaint(request: Any, complaint_id: PathId, body: ResolveIn) -> Complaint:
    """In progress → resolved, with the resolution and the root cause."""
    complaint = complaint_get(actor=request.user, complaint_id=complaint_id)
    return complaint_resolve(actor=request.user, complaint=complaint, **body.dict())


@router.post("/{complaint_id}/close", response={200: ComplaintOut, ERROR_CODES: ErrorOut})
def close_complaint(request: Any, complaint_id: PathId, body: CommentIn) -> Complaint:
    """Resolved → closed."""
    complaint = complaint_get(actor=request.user, complaint_id=complaint_id)
    return complaint_close(actor=request.user, complaint=complaint, comment=body.comment)


@router.post("/{complaint_id}/reopen", response={200: ComplaintOut, ERROR_CODES: ErrorOut})
def reopen_complaint(request: Any, complaint_id: PathId, body: ReopenIn) -> Complaint:
    """Resolved → in progress, with the reason."""
    complaint = complaint_get(actor=request.user, complaint_id=complaint_id)
    return complaint_reopen(actor=request.user, complaint=complaint, reason=body.reason)


@router.post("/{complaint_id}/assign", response={200: ComplaintOut, ERROR_CODES: ErrorOut})
def assign_complaint(request: Any, complaint_id: PathId, body: AssignIn) -> Complaint:
    """Set the internal department and/or the owner (fields left out stay)."""
    complaint = complaint_get(actor=request.user, complaint_id=complaint_id)
    return complaint_assign(
        actor=request.user, complaint=complaint, **body.dict(exclude_unset=True)
    )


@router.post("/{complaint_id}/escalate", response={200: ComplaintOut, ERROR_CODES: ErrorOut})
def escalate_complaint(request: Any, complaint_id: PathId, body: EscalateIn) -> Complaint:
    """Escalate to a conflict-resolution team, with why."""
    complaint = complaint_get(actor=request.user, complaint_id=complaint_id)
    return complaint_escalate(
        actor=request.user, complaint=complaint, team_id=body.team_id, reason=body.reason
    )
