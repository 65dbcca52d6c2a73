"""API: alerts of every area, listed and acknowledged."""

from typing import Any

from django.db.models import QuerySet
from ninja import Query, Router
from ninja.pagination import paginate

from kam.alerts.models import Alert
from kam.alerts.schemas import AlertOut, AlertQuery
from kam.alerts.selectors import alert_get, alert_list
from kam.alerts.services import alert_acknowledge
from kam.core.schemas import ERROR_CODES, ErrorOut, Page, PathId

router = Router(tags=["alerts"])


@router.get("", response={200: list[AlertOut], ERROR_CODES: ErrorOut})
@paginate(Page)
def list_alerts(request: Any, filters: Query[AlertQuery]) -> QuerySet[Alert]:
    return alert_list(
        actor=request.user,
        open_only=filters.open,
        acknowledged=filters.acknowledged,
        kind=filters.kind,
        account_id=filters.account_id,
    )


@router.post("/{alert_id}/acknowledge", response={200: AlertOut, ERROR_CODES: ErrorOut})
def acknowledge_alert(request: Any, alert_id: PathId) -> Alert:
    return alert_acknowledge(
        actor=request.user, alert=alert_get(actor=request.user, alert_id=alert_id)
    )
