"""API schemas of satisfaction surveys (DOMAIN §9)."""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Literal

from ninja import Field, Schema
from pydantic import StrictInt

from kam.core.schemas import BodyId, IsoDate, Rating, StrictIn, identifier, text

Method = Literal["interview", "web_form", "phone"]
Schedule = Literal["monthly", "quarterly", "half_yearly", "yearly", "once"]
Nps = Annotated[StrictInt, Field(ge=0, le=10)]


class ResponseQuery(Schema):
    account_id: int | None = Field(None, ge=1, le=2**63 - 1)
    plan_id: int | None = Field(None, ge=1, le=2**63 - 1)
    date_from: IsoDate | None = None
    date_to: IsoDate | None = None


class PlanQuery(Schema):
    account_id: int | None = Field(None, ge=1, le=2**63 - 1)


class ResponseIn(StrictIn):
    responded_on: IsoDate
    method: Method = "web_form"
    plan_id: BodyId | None = None
    contact_id: BodyId | None = None
    nps: Nps | None = None
    csat_product: Rating | None = None
    csat_service: Rating | None = None
    csat_delivery: Rating | None = None
    csat_price: Rating | None = None
    csat_relationship: Rating | None = None
    comments: text(5000) = ""  # type: ignore[valid-type]


class ResponsePatch(StrictIn):
    responded_on: IsoDate | None = None
    method: Method | None = None
    plan_id: BodyId | None = None
    contact_id: BodyId | None = None
    nps: Nps | None = None
    csat_product: Rating | None = None
    csat_service: Rating | None = None
    csat_delivery: Rating | None = None
    csat_price: Rating | None = None
    csat_relationship: Rating | None = None
    comments: text(5000) | None = None  # type: ignore[valid-type]


class ResponseOut(Schema):
    id: int
    account_id: int
    plan_id: int | None
    contact_id: int | None
    responded_on: dt.date
    method: str
    nps: int | None
    csat_product: int | None
    csat_service: int | None
    csat_delivery: int | None
    csat_price: int | None
    csat_relationship: int | None
    comments: str
    source: str
    entered_by_id: int | None
    created_at: dt.datetime


class PlanIn(StrictIn):
    purpose: identifier(200, 1)  # type: ignore[valid-type]
    content: text(5000) = ""  # type: ignore[valid-type]
    schedule: Schedule = "quarterly"
    next_due_on: IsoDate | None = None
    method: Method = "web_form"
    active: bool = True
    contact_ids: list[BodyId] = Field(default_factory=list, max_length=500)


class PlanPatch(StrictIn):
    purpose: identifier(200, 1) | None = None  # type: ignore[valid-type]
    content: text(5000) | None = None  # type: ignore[valid-type]
    schedule: Schedule | None = None
    next_due_on: IsoDate | None = None
    method: Method | None = None
    active: bool | None = None
    contact_ids: list[BodyId] | None = Field(None, max_length=500)


class PlanOut(Schema):
    id: int
    account_id: int
    purpose: str
    content: str
    schedule: str
    next_due_on: dt.date | None
    method: str
    active: bool
    contact_ids: list[int]
    created_at: dt.datetime

    @staticmethod
    def resolve_contact_ids(obj: object) -> list[int]:
        return sorted(contact.pk for contact in obj.contacts.all())  # type: ignore[attr-defined]


class InvitationIn(StrictIn):
    contact_id: BodyId
    plan_id: BodyId | None = None
    days: StrictInt = Field(14, ge=1, le=90)


class InvitationOut(Schema):
    id: int
    account_id: int
    contact_id: int
    contact_name: str
    plan_id: int | None
    hint: str
    created_at: dt.datetime
    expires_at: dt.datetime
    used_at: dt.datetime | None
    revoked_at: dt.datetime | None
    response_id: int | None
    state: Literal["open", "answered", "revoked", "expired"]

    @staticmethod
    def resolve_contact_name(obj: object) -> str:
        return str(obj.contact.name)  # type: ignore[attr-defined]


class InvitationCreatedOut(InvitationOut):
    link: str = Field(description="The public form's address; shown once, never stored.")


class TrendOut(Schema):
    """One point per survey (a calendar month): CSAT means 1–5 and NPS −100 … 100."""

    months: list[str]
    responses: list[int]
    product: list[float | None]
    service: list[float | None]
    delivery: list[float | None]
    price: list[float | None]
    relationship: list[float | None]
    nps: list[float | None]
