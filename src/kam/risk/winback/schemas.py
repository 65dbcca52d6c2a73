"""API schemas of win-back plans (DOMAIN §10)."""

import datetime as dt

from ninja import Field, Schema

from kam.core.schemas import BodyId, IsoDate, StrictIn, text
from kam.risk.models import (
    Intervention,
    InterventionKind,
    PlanOutcome,
    PlanStatus,
    ReasonKind,
    WinBackPlan,
    WinBackReason,
)
from kam.risk.winback.selectors import plan_interventions, plan_reasons


class PlanQuery(Schema):
    status: PlanStatus | None = None
    account_id: int | None = Field(None, ge=1, le=2**63 - 1)
    overdue: bool = False


class EvidenceOut(Schema):
    """One record behind a reason, as the pages cite it."""

    type: str
    id: int
    date: str
    label: str
    url: str


class FigureOut(Schema):
    """What moved: its value in the six months before and in the last six months."""

    before: float | int | None = Field(None, validation_alias="from")
    after: float | int | None = Field(None, validation_alias="to")


class ReasonOut(Schema):
    id: int
    kind: str
    status: str
    proposed: bool
    summary: str
    evidence: list[EvidenceOut]
    figures: dict[str, FigureOut]
    note: str
    decided_by_id: int | None
    decided_at: dt.datetime | None


class InterventionOut(Schema):
    id: int
    plan_id: int
    kind: str
    description: str
    reason_id: int | None
    owner_id: int | None
    due_on: dt.date
    status: str
    done_on: dt.date | None
    activity_ids: list[int]

    @staticmethod
    def resolve_activity_ids(obj: Intervention) -> list[int]:
        return sorted(activity.pk for activity in obj.activities.all())


class PlanSummaryOut(Schema):
    id: int
    account_id: int
    account_code: str = Field(..., alias="account.code")
    alert_id: int | None
    owner_id: int | None
    started_on: dt.date
    started_by_id: int | None
    churn_probability_at_start: float | None
    risk_level_at_start: str
    goal: str
    status: str
    outcome: str
    outcome_note: str
    closed_on: dt.date | None
    planned: int = 0
    overdue: int = 0
    next_due: dt.date | None = None


class PlanOut(PlanSummaryOut):
    reasons: list[ReasonOut]
    interventions: list[InterventionOut]

    @staticmethod
    def resolve_reasons(obj: WinBackPlan) -> list[WinBackReason]:
        return list(plan_reasons(obj))

    @staticmethod
    def resolve_interventions(obj: WinBackPlan) -> list[Intervention]:
        return list(plan_interventions(obj))


class PlanStartIn(StrictIn):
    account_id: BodyId
    alert_id: BodyId | None = None
    goal: text(2000) = ""  # type: ignore[valid-type]


class ReasonDecisionIn(StrictIn):
    """A reason confirmed or rejected, with the manager's note (named apart from the
    accounts' NoteIn: OpenAPI components are keyed by class name)."""

    note: text(2000) = ""  # type: ignore[valid-type]


class ReasonIn(StrictIn):
    kind: ReasonKind
    summary: text(500, 1)  # type: ignore[valid-type]
    note: text(2000) = ""  # type: ignore[valid-type]


class InterventionIn(StrictIn):
    kind: InterventionKind
    due_on: IsoDate
    description: text(2000) = ""  # type: ignore[valid-type]
    reason_id: BodyId | None = None
    owner_id: BodyId | None = None


class InterventionPatch(StrictIn):
    kind: InterventionKind | None = None
    due_on: IsoDate | None = None
    description: text(2000) | None = None  # type: ignore[valid-type]
    reason_id: BodyId | None = None
    owner_id: BodyId | None = None


class DoneIn(StrictIn):
    done_on: IsoDate | None = None


class ActivityLinkIn(StrictIn):
    activity_id: BodyId


class CloseIn(StrictIn):
    outcome: PlanOutcome
    note: text(2000) = ""  # type: ignore[valid-type]
