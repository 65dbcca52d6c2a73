"""API schemas of complaints (DOMAIN §9)."""

import datetime as dt
from typing import Annotated, Any, Literal

from django.utils import timezone
from ninja import Field, Schema
from pydantic import AfterValidator

from kam.core.schemas import BodyId, IsoDate, ObjectId, StrictIn, identifier, text
from kam.engagement.complaints.models import Category, Channel, ClockMode, Severity, Status


def _aware(value: dt.datetime) -> dt.datetime:
    """A time sent without an offset is read in the company time zone."""
    if timezone.is_naive(value):
        return timezone.make_aware(value, timezone.get_default_timezone())
    return value


def _in_calendar(value: dt.datetime) -> dt.datetime:
    if not 1900 <= value.year <= 2999:
        raise ValueError("must be a time between the years 1900 and 2999")
    return value


Moment = Annotated[dt.datetime, AfterValidator(_aware), AfterValidator(_in_calendar)]


def _clock_time(value: str) -> dt.time:
    return dt.time.fromisoformat(value)


# A wall-clock time of the company zone, "09:00": JSON Schema's "time" format wants an offset,
# which a working day's opening does not have.
WallTime = Annotated[
    str, Field(pattern=r"^([01][0-9]|2[0-3]):[0-5][0-9]$"), AfterValidator(_clock_time)
]
TargetText = Annotated[str, Field(pattern=r"^\s*[0-9]{1,4}(\.[0-9]{1,2})?\s*[hdHD]\s*$")]


class ComplaintQuery(Schema):
    account_id: ObjectId | None = None
    status: Status | None = None
    severity: Severity | None = None
    category: Category | None = None
    department_id: ObjectId | None = None
    breached: bool | None = None
    open: bool = False


class ComplaintIn(StrictIn):
    account_id: BodyId
    subject: identifier(200, 1)  # type: ignore[valid-type]
    channel: Channel
    category: Category
    severity: Severity
    received_at: Moment | None = None
    description: text(5000) = ""  # type: ignore[valid-type]
    contact_id: BodyId | None = None
    reporter_name: identifier(200) = ""  # type: ignore[valid-type]
    department_id: BodyId | None = None
    owner_id: BodyId | None = None


class ComplaintPatch(StrictIn):
    subject: identifier(200, 1) = None  # type: ignore[valid-type]
    description: text(5000) = None  # type: ignore[valid-type]
    channel: Channel = None  # type: ignore[assignment]
    category: Category = None  # type: ignore[assignment]
    severity: Severity = None  # type: ignore[assignment]
    received_at: Moment = None  # type: ignore[assignment]
    contact_id: BodyId | None = None
    reporter_name: identifier(200) = None  # type: ignore[valid-type]


class CommentIn(StrictIn):
    comment: text(5000) = ""  # type: ignore[valid-type]


class ResolveIn(StrictIn):
    resolution: text(5000)  # type: ignore[valid-type]
    root_cause: text(5000)  # type: ignore[valid-type]
    comment: text(5000) = ""  # type: ignore[valid-type]


class ReopenIn(StrictIn):
    reason: text(2000)  # type: ignore[valid-type]


class AssignIn(StrictIn):
    department_id: BodyId | None = None
    owner_id: BodyId | None = None
    comment: text(2000) = ""  # type: ignore[valid-type]


class EscalateIn(StrictIn):
    team_id: BodyId
    reason: text(2000)  # type: ignore[valid-type]


class SlaClockOut(Schema):
    target: str
    due_at: dt.datetime
    hours_left: float
    breached: bool


class ComplaintOut(Schema):
    id: int
    account_id: int
    account_code: str = Field(..., alias="account.code")
    contact_id: int | None
    reporter_name: str
    received_at: dt.datetime
    channel: str
    category: str
    severity: str
    subject: str
    description: str
    status: str
    acknowledge_due_at: dt.datetime
    resolve_due_at: dt.datetime
    acknowledged_at: dt.datetime | None
    started_at: dt.datetime | None
    resolved_at: dt.datetime | None
    closed_at: dt.datetime | None
    department_id: int | None
    owner_id: int | None
    escalated_at: dt.datetime | None
    escalated_to_id: int | None
    escalated_by_id: int | None
    escalation_reason: str
    root_cause: str
    resolution: str
    created_at: dt.datetime


class ComplaintEventOut(Schema):
    id: int
    action: str
    from_status: str
    to_status: str
    actor_id: int | None
    at: dt.datetime
    comment: str


class ReportQuery(Schema):
    by: Literal["account", "department", "severity"] = "severity"
    received_from: IsoDate | None = None
    received_to: IsoDate | None = None


class StatsOut(Schema):
    count: int
    median_hours: float | None
    mean_hours: float | None
    within_share: float | None


class ReportRowOut(Schema):
    key: str
    label: str
    stats: StatsOut


class ReportOut(Schema):
    by: str
    business: bool
    rows: list[ReportRowOut]
    total: StatsOut


class ComplaintSettingsOut(Schema):
    clock: str
    work_days: str
    work_opens: str = Field(..., pattern=r"^[0-9]{2}:[0-9]{2}$")
    work_closes: str = Field(..., pattern=r"^[0-9]{2}:[0-9]{2}$")
    acknowledge_critical: str
    resolve_critical: str
    acknowledge_high: str
    resolve_high: str
    acknowledge_medium: str
    resolve_medium: str
    acknowledge_low: str
    resolve_low: str

    @staticmethod
    def resolve_work_opens(obj: Any) -> str:
        return f"{obj.work_opens:%H:%M}"

    @staticmethod
    def resolve_work_closes(obj: Any) -> str:
        return f"{obj.work_closes:%H:%M}"


class ComplaintSettingsPatch(StrictIn):
    clock: ClockMode = None  # type: ignore[assignment]
    work_days: Annotated[str, Field(pattern=r"^[1-7]{1,7}$")] = None  # type: ignore[assignment]
    work_opens: WallTime = None  # type: ignore[assignment]
    work_closes: WallTime = None  # type: ignore[assignment]
    acknowledge_critical: TargetText = None  # type: ignore[assignment]
    resolve_critical: TargetText = None  # type: ignore[assignment]
    acknowledge_high: TargetText = None  # type: ignore[assignment]
    resolve_high: TargetText = None  # type: ignore[assignment]
    acknowledge_medium: TargetText = None  # type: ignore[assignment]
    resolve_medium: TargetText = None  # type: ignore[assignment]
    acknowledge_low: TargetText = None  # type: ignore[assignment]
    resolve_low: TargetText = None  # type: ignore[assignment]
