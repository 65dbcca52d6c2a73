"""API schemas of alerts (DOMAIN §10; docs/rules.md "Alerts")."""

import datetime as dt
from typing import Any, Literal

from django.utils import translation
from ninja import Field, Schema

from kam.alerts.models import Alert
from kam.alerts.registry import kind_find
from kam.core.schemas import text

CauseValue = str | float | int | bool | None


class AlertQuery(Schema):
    # Kept for older clients: open=false lists every state unless `state` says otherwise.
    open: bool = True
    acknowledged: bool | None = None
    state: Literal["active", "open", "acknowledged", "resolved", "all"] | None = None
    mine: bool = False
    unassigned: bool = False
    kind: text(40) | None = None  # type: ignore[valid-type]
    severity: Literal["info", "warning", "critical"] | None = None
    account_id: int | None = Field(None, ge=1, le=2**63 - 1)


class CauseChangeOut(Schema):
    input: str
    unit: str
    before: CauseValue = Field(None, validation_alias="from")
    after: CauseValue = Field(None, validation_alias="to")
    driver: bool = False


class CauseOut(Schema):
    """Which input moved, from what to what; money as decimal strings in `currency`."""

    rule: str | None = None
    text: str = ""
    from_date: dt.date | None = None
    to_date: dt.date | None = None
    currency: str | None = None
    changes: list[CauseChangeOut] = []
    extra: dict[str, Any] = {}


class AlertOut(Schema):
    id: int
    account_id: int
    account_code: str = Field(..., alias="account.code")
    kind: str
    severity: str
    message: str
    data: dict[str, Any]
    cause: CauseOut
    created_at: dt.datetime
    state: str
    is_open: bool
    assignee_id: int | None
    acknowledged_at: dt.datetime | None
    acknowledged_by_id: int | None
    resolved_at: dt.datetime | None
    resolved_by_id: int | None
    resolution: str
    resolution_reason: str

    @staticmethod
    def resolve_cause(obj: Alert) -> dict[str, Any]:
        return cause_out(obj)


CAUSE_KEYS = {"rule", "from_date", "to_date", "currency", "changes"}


def cause_out(alert: Alert) -> dict[str, Any]:
    """The stored cause with its sentence in English (API readers) and any further figures
    (a band's limits, an age limit) under `extra`."""
    cause = dict(alert.cause or {})
    declared = kind_find(alert.kind)
    with translation.override("en"):
        sentence = declared.cause_text(cause) if declared is not None else ""
    return {
        **{key: cause.get(key) for key in CAUSE_KEYS},
        "changes": list(cause.get("changes") or []),
        "text": sentence,
        "extra": {key: value for key, value in cause.items() if key not in CAUSE_KEYS},
    }


class AlertCountsOut(Schema):
    active: int
    open: int
    acknowledged: int
    resolved: int
    all: int


class AcknowledgeIn(Schema):
    comment: text(5000) = ""  # type: ignore[valid-type]


class ResolveIn(Schema):
    reason: text(5000, 1)  # type: ignore[valid-type]


class ReopenIn(Schema):
    comment: text(5000) = ""  # type: ignore[valid-type]


class AssignIn(Schema):
    assignee_id: int | None = Field(..., ge=1, le=2**63 - 1)


class CommentIn(Schema):
    body: text(5000, 1)  # type: ignore[valid-type]


class CommentOut(Schema):
    id: int
    author_id: int | None
    action: str
    body: str
    created_at: dt.datetime


class FollowUpIn(Schema):
    """Link an existing object (`target_type` and `target_id`) or write a note (`note`)."""

    target_type: Literal["note"] = "note"
    target_id: int | None = Field(None, ge=1, le=2**63 - 1)
    note: text(10000) | None = None  # type: ignore[valid-type]


class FollowUpOut(Schema):
    id: int
    target_type: str
    target_id: int
    created_by_id: int | None
    created_at: dt.datetime
