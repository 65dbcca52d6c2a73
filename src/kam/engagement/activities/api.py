"""API: activities with their flow, the manager's agenda and the cadence settings (DOMAIN §9)."""

from typing import Any

from django.db.models import QuerySet
from ninja import Query, Router, Status
from ninja.pagination import paginate

from kam.accounts.selectors import account_get
from kam.core.schemas import ERROR_CODES, ErrorOut, Page, PathId
from kam.engagement.activities.agenda import agenda
from kam.engagement.activities.models import Activity, CadenceSettings
from kam.engagement.activities.schemas import (
    ActivityDoneIn,
    ActivityIn,
    ActivityOut,
    ActivityPatch,
    ActivityQuery,
    ActivityReplanIn,
    AgendaOut,
    CadenceSettingsOut,
    CadenceSettingsPatch,
)
from kam.engagement.activities.selectors import (
    ActivityFilters,
    activities_for,
    activity_get,
    cadence_settings,
)
from kam.engagement.activities.services import (
    activity_cancel,
    activity_create,
    activity_delete,
    activity_done,
    activity_replan,
    activity_update,
    cadence_settings_update,
)

router = Router(tags=["activities"])


def _loaded(activity: Activity) -> Activity:
    """The activity with its participants, as ActivityOut reads them."""
    return Activity.objects.prefetch_related("our_participants", "their_participants").get(
        pk=activity.pk
    )


@router.get("/activities", response={200: list[ActivityOut], ERROR_CODES: ErrorOut})
@paginate(Page)
def list_activities(request: Any, filters: Query[ActivityQuery]) -> QuerySet[Activity]:
    """The activities the reader sees, latest first; `start` and `end` (inclusive) date
    each by when it was done, or planned for."""
    found = ActivityFilters(
        account_id=filters.account_id,
        kind=filters.kind or "",
        status=filters.status or "",
        start=filters.start,
        end=filters.end,
        mine=filters.mine,
    )
    return activities_for(request.user, found).prefetch_related(
        "our_participants", "their_participants"
    )


@router.post("/activities", response={201: ActivityOut, ERROR_CODES: ErrorOut})
def create_activity(request: Any, body: ActivityIn) -> Status[Activity]:
    """Plan an activity, or log one done; a done one with a next step plans the next."""
    fields = body.dict()
    account = account_get(actor=request.user, account_id=fields.pop("account_id"))
    made = activity_create(actor=request.user, account=account, **fields)
    return Status(201, _loaded(made))


@router.get("/activities/{activity_id}", response={200: ActivityOut, ERROR_CODES: ErrorOut})
def get_activity(request: Any, activity_id: PathId) -> Activity:
    return _loaded(activity_get(actor=request.user, activity_id=activity_id))


@router.patch("/activities/{activity_id}", response={200: ActivityOut, ERROR_CODES: ErrorOut})
def update_activity(request: Any, activity_id: PathId, body: ActivityPatch) -> Activity:
    activity = activity_get(actor=request.user, activity_id=activity_id)
    changed = activity_update(
        actor=request.user, activity=activity, **body.dict(exclude_unset=True)
    )
    return _loaded(changed)


@router.delete("/activities/{activity_id}", response={204: None, ERROR_CODES: ErrorOut})
def delete_activity(request: Any, activity_id: PathId) -> Status[None]:
    activity = activity_get(actor=request.user, activity_id=activity_id)
    activity_delete(actor=request.user, activity=activity)
    return Status(204, None)


@router.post("/activities/{activity_id}/done", response={200: ActivityOut, ERROR_CODES: ErrorOut})
def done_activity(request: Any, activity_id: PathId, body: ActivityDoneIn) -> Activity:
    """Planned → done (409 otherwise); the customer participants' last contact moves."""
    activity = activity_get(actor=request.user, activity_id=activity_id)
    return _loaded(activity_done(actor=request.user, activity=activity, **body.dict()))


@router.post("/activities/{activity_id}/cancel", response={200: ActivityOut, ERROR_CODES: ErrorOut})
def cancel_activity(request: Any, activity_id: PathId) -> Activity:
    """Planned → cancelled (409 otherwise)."""
    activity = activity_get(actor=request.user, activity_id=activity_id)
    return _loaded(activity_cancel(actor=request.user, activity=activity))


@router.post("/activities/{activity_id}/replan", response={200: ActivityOut, ERROR_CODES: ErrorOut})
def replan_activity(request: Any, activity_id: PathId, body: ActivityReplanIn) -> Activity:
    """Cancelled → planned again (409 otherwise)."""
    activity = activity_get(actor=request.user, activity_id=activity_id)
    replanned = activity_replan(actor=request.user, activity=activity, **body.dict())
    return _loaded(replanned)


@router.get("/agenda", response={200: AgendaOut, ERROR_CODES: ErrorOut})
def get_agenda(request: Any) -> dict[str, Any]:
    """The reader's week (§9): planned activities, accounts due for a visit, decision makers
    due for contact; overdue first."""
    found = agenda(request.user)
    items = []
    for item in found.items:
        row: dict[str, Any] = {
            "kind": item.kind,
            "day": item.day,
            "days_overdue": item.days_overdue,
            "account_id": item.account.pk,
            "account_code": item.account.code,
            "account_name": item.account.name,
        }
        if item.activity is not None:
            row |= {"activity_id": item.activity.pk, "subject": item.activity.subject}
        if item.visit is not None:
            row |= {"last_date": item.visit.last_visit, "cadence_days": item.visit.interval_days}
        if item.contact is not None:
            row |= {
                "contact_id": item.contact.contact_id,
                "contact_name": item.contact.name,
                "last_date": item.contact.last_contact,
                "cadence_days": item.contact.interval_days,
            }
        items.append(row)
    return {"today": found.today, "end": found.end, "items": items}


@router.get("/engagement/settings", response={200: CadenceSettingsOut, ERROR_CODES: ErrorOut})
def get_cadence_settings(request: Any) -> CadenceSettings:
    return cadence_settings()


@router.patch("/engagement/settings", response={200: CadenceSettingsOut, ERROR_CODES: ErrorOut})
def update_cadence_settings(request: Any, body: CadenceSettingsPatch) -> CadenceSettings:
    """The contact cadence of §9 (director, administrator: 403 for anyone else)."""
    return cadence_settings_update(actor=request.user, **body.dict(exclude_unset=True))
