"""API shapes of trainings (DOMAIN §9, S2 step 7)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Annotated, Literal

from ninja import Field, Schema

from kam.core.schemas import BodyId, IsoDate, StrictIn, identifier, text

Topic = Literal["product_knowledge", "technical_support", "solutions"]
# The attendees' mean rating, 1–5 with two decimals (§9).
Feedback = Annotated[Decimal, Field(ge=1, le=5, max_digits=3, decimal_places=2)]
Hours = Annotated[Decimal, Field(ge=Decimal("0.5"), le=80, max_digits=3, decimal_places=1)]
Attendees = Annotated[list[BodyId], Field(max_length=200)]


class TrainingQuery(Schema):
    account_id: int | None = Field(None, ge=1, le=2**63 - 1)
    topic: Topic | None = None
    date_from: IsoDate | None = None
    date_to: IsoDate | None = None


class TrainingIn(StrictIn):
    account_id: BodyId
    topic: Topic
    title: identifier(200, 1)  # type: ignore[valid-type]
    held_on: IsoDate
    duration_hours: Hours | None = None
    trainer: text(200, 1)  # type: ignore[valid-type]
    attendee_ids: Attendees = []
    materials: text(5000) = ""  # type: ignore[valid-type]
    feedback_score: Feedback | None = None
    notes: text(5000) = ""  # type: ignore[valid-type]


class TrainingPatch(StrictIn):
    topic: Topic = None  # type: ignore[assignment]
    title: identifier(200, 1) = None  # type: ignore[valid-type]
    held_on: IsoDate = None  # type: ignore[assignment]
    duration_hours: Hours | None = None
    trainer: text(200, 1) = None  # type: ignore[valid-type]
    attendee_ids: Attendees = None  # type: ignore[assignment]
    materials: text(5000) = None  # type: ignore[valid-type]
    feedback_score: Feedback | None = None
    notes: text(5000) = None  # type: ignore[valid-type]


class AttendeeOut(Schema):
    id: int
    name: str


class TrainingOut(Schema):
    id: int
    account_id: int
    topic: Topic
    title: str
    held_on: dt.date
    duration_hours: float | None
    trainer: str
    attendees: list[AttendeeOut]
    materials: str
    feedback_score: float | None
    notes: str
    created_by_id: int | None
    created_at: dt.datetime
    updated_at: dt.datetime

    @staticmethod
    def resolve_attendees(obj: object) -> list[dict[str, object]]:
        people = sorted(obj.attendees.all(), key=lambda c: (c.name, c.pk))  # type: ignore[attr-defined]
        return [{"id": c.pk, "name": c.name} for c in people]
