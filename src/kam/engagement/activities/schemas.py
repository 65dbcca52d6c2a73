"""API shapes of activities, the agenda and the cadence settings (DOMAIN §9)."""

import datetime as dt
from typing import Annotated, Any, Literal

from django.utils import timezone
from ninja import Field, Schema
from pydantic import AfterValidator, StrictInt

from kam.core.schemas import BodyId, IsoDate, StrictIn, text
from kam.core.validators import in_calendar, outside_calendar_message
from kam.engagement.activities.models import ActivityKind, ActivityStatus, Channel


def _moment(value: dt.datetime) -> dt.datetime:
    """A date and time in the calendar; without an offset, in the company's time zone."""
    if not in_calendar(value.date()):
        raise ValueError(outside_calendar_message())
    if timezone.is_naive(value):
        value = timezone.make_aware(value)
    return value


Moment = Annotated[dt.datetime, AfterValidator(_moment)]
Minutes = Annotated[StrictInt, Field(ge=1, le=24 * 60)]
Ids = Annotated[list[BodyId], Field(max_length=100)]


class ActivityIn(StrictIn):
    account_id: BodyId
    kind: ActivityKind
    channel: Channel
    status: Literal["planned", "done"] = "planned"
    planned_for: Moment | None = None
    duration_minutes: Minutes | None = None
    done_at: Moment | None = None
    subject: text(200, 1)  # type: ignore[valid-type]
    notes: text(5000) = ""  # type: ignore[valid-type]
    outcome: text(2000) = ""  # type: ignore[valid-type]
    next_step: text(500) = ""  # type: ignore[valid-type]
    next_step_on: IsoDate | None = None
    our_participant_ids: Ids = []
    their_participant_ids: Ids = []


class ActivityPatch(StrictIn):
    kind: ActivityKind = None  # type: ignore[assignment]
    channel: Channel = None  # type: ignore[assignment]
    planned_for: Moment | None = None
    duration_minutes: Minutes | None = None
    done_at: Moment | None = None
    subject: text(200, 1) = None  # type: ignore[valid-type]
    notes: text(5000) = None  # type: ignore[valid-type]
    outcome: text(2000) = None  # type: ignore[valid-type]
    next_step: text(500) = None  # type: ignore[valid-type]
    next_step_on: IsoDate | None = None
    our_participant_ids: Ids = None  # type: ignore[assignment]
    their_participant_ids: Ids = None  # type: ignore[assignment]


class ActivityDoneIn(StrictIn):
    done_at: Moment | None = None
    outcome: text(2000) = ""  # type: ignore[valid-type]
    next_step: text(500) = ""  # type: ignore[valid-type]
    next_step_on: IsoDate | None = None


class ActivityReplanIn(StrictIn):
    planned_for: Moment | None = None


class ActivityOut(Schema):
    id: int
    account_id: int
    kind: ActivityKind
    channel: Channel
    status: ActivityStatus
    planned_for: dt.datetime | None
    duration_minutes: int | None
    done_at: dt.datetime | None
    subject: str
    notes: str
    outcome: str
    next_step: str
    next_step_on: dt.date | None
    follows_id: int | None
    owner_id: int
    our_participant_ids: list[int]
    their_participant_ids: list[int]
    created_at: dt.datetime
    updated_at: dt.datetime

    @staticmethod
    def resolve_our_participant_ids(obj: Any) -> list[int]:
        return sorted(user.pk for user in obj.our_participants.all())

    @staticmethod
    def resolve_their_participant_ids(obj: Any) -> list[int]:
        return sorted(contact.pk for contact in obj.their_participants.all())


class ActivityQuery(Schema):
    account_id: int | None = Field(None, ge=1, le=2**63 - 1)
    kind: ActivityKind | None = None
    status: ActivityStatus | None = None
    start: IsoDate | None = None
    end: IsoDate | None = None
    mine: bool = False


class AgendaItemOut(Schema):
    kind: Literal["activity", "visit_due", "contact_due"]
    day: dt.date
    days_overdue: int
    account_id: int
    account_code: str
    account_name: str
    activity_id: int | None = None
    subject: str = ""
    contact_id: int | None = None
    contact_name: str = ""
    last_date: dt.date | None = None
    cadence_days: int | None = None


class AgendaOut(Schema):
    today: dt.date
    end: dt.date
    items: list[AgendaItemOut]


Days = Annotated[StrictInt, Field(ge=1, le=366)]


class CadenceSettingsOut(Schema):
    visit_days_a: int
    visit_days_b: int
    visit_days_c: int
    visit_days_d: int
    decision_maker_days: int
    updated_at: dt.datetime


class CadenceSettingsPatch(StrictIn):
    visit_days_a: Days = None  # type: ignore[assignment]
    visit_days_b: Days = None  # type: ignore[assignment]
    visit_days_c: Days = None  # type: ignore[assignment]
    visit_days_d: Days = None  # type: ignore[assignment]
    decision_maker_days: Days = None  # type: ignore[assignment]
