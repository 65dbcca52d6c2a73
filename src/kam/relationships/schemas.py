"""API schemas of the buying centre: contacts, influence links, vCard imports (DOMAIN §7)."""

import datetime as dt
from typing import Annotated, Literal

from ninja import Field, Schema
from pydantic import StrictInt

from kam.core.schemas import BodyId, ErrorOut, IsoDate, Rating, StrictIn, identifier, text
from kam.relationships.models import Attitude, BuyingRole, LinkKind

Strength = Annotated[StrictInt, Field(ge=1, le=3)]


class ContactQuery(Schema):
    """The list's filters: in post or left, one department, one buying role, and `q` in the
    name, title, email or phone."""

    active: bool | None = None
    department: text(200) | None = None  # type: ignore[valid-type]
    buying_role: BuyingRole | None = None
    q: text(100) | None = None  # type: ignore[valid-type]


class ContactIn(StrictIn):
    name: identifier(200, 1)  # type: ignore[valid-type]
    department: identifier(200) = ""  # type: ignore[valid-type]
    title: identifier(200) = ""  # type: ignore[valid-type]
    email: text(254) = ""  # type: ignore[valid-type]
    phone: text(64) = ""  # type: ignore[valid-type]
    wechat: text(100) = ""  # type: ignore[valid-type]
    address: text(500) = ""  # type: ignore[valid-type]
    notes: text(5000) = ""  # type: ignore[valid-type]
    reports_to_id: BodyId | None = None
    buying_role: BuyingRole | Literal[""] = ""
    influence: Rating | None = None
    attitude: Attitude | Literal[""] = ""
    closeness: Rating | None = None
    solution_approval: Rating | None = None
    price_acceptance: Rating | None = None
    last_contact: IsoDate | None = None


class ContactPatch(StrictIn):
    """The fields sent change; a rating, a date or `reports_to_id` sent as null is cleared."""

    name: identifier(200, 1) = None  # type: ignore[valid-type]
    department: identifier(200) = None  # type: ignore[valid-type]
    title: identifier(200) = None  # type: ignore[valid-type]
    email: text(254) = None  # type: ignore[valid-type]
    phone: text(64) = None  # type: ignore[valid-type]
    wechat: text(100) = None  # type: ignore[valid-type]
    address: text(500) = None  # type: ignore[valid-type]
    notes: text(5000) = None  # type: ignore[valid-type]
    reports_to_id: BodyId | None = None
    buying_role: BuyingRole | Literal[""] = None  # type: ignore[assignment]
    influence: Rating | None = None
    attitude: Attitude | Literal[""] = None  # type: ignore[assignment]
    closeness: Rating | None = None
    solution_approval: Rating | None = None
    price_acceptance: Rating | None = None
    last_contact: IsoDate | None = None


class ContactOut(Schema):
    id: int
    account_id: int
    name: str
    initials: str
    department: str
    title: str
    email: str
    phone: str
    wechat: str
    address: str
    notes: str
    reports_to_id: int | None
    buying_role: BuyingRole | Literal[""]
    influence: int | None
    attitude: Attitude | Literal[""]
    closeness: int | None
    solution_approval: int | None
    price_acceptance: int | None
    last_contact: dt.date | None
    active: bool
    left_on: dt.date | None
    created_at: dt.datetime


class LeaveIn(StrictIn):
    left_on: IsoDate | None = Field(None, description="The day they left; today when not sent.")


class MergeIn(StrictIn):
    duplicate: BodyId = Field(description="The contact folded into this one and hidden.")


class DuplicateOut(ErrorOut):
    """409: the email or phone (`errors[0].field`) is already the contact `existing_id`'s
    (absent on a 409 of another cause)."""

    existing_id: int | None = None


class LinkIn(StrictIn):
    source_id: BodyId
    target_id: BodyId
    kind: LinkKind
    strength: Strength = 2
    note: text(500) = ""  # type: ignore[valid-type]


class LinkPatch(StrictIn):
    kind: LinkKind = None  # type: ignore[assignment]
    strength: Strength = None  # type: ignore[assignment]
    note: text(500) = None  # type: ignore[valid-type]


class LinkOut(Schema):
    id: int
    account_id: int
    source_id: int
    source_name: str = Field(alias="source.name")
    target_id: int
    target_name: str = Field(alias="target.name")
    kind: LinkKind
    strength: int
    note: str
    created_at: dt.datetime


class VcardImportOut(Schema):
    """What a vCard import did: contacts created and (with update_existing) updated."""

    created: int
    updated: int
