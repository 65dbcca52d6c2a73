"""API shapes of competitor moves (DOMAIN §9)."""

from __future__ import annotations

import datetime as dt
from typing import Literal

from ninja import Field, Schema

from kam.core.schemas import BodyId, IsoDate, StrictIn, identifier, text

Offer = Literal["price_cut", "payment_terms", "bundled_service", "other"]
Source = Literal["customer", "field", "tender", "press", "other"]


class MoveQuery(Schema):
    account_id: int | None = Field(None, ge=1, le=2**63 - 1)
    competitor: str | None = Field(None, max_length=200)
    offer: Offer | None = None
    date_from: IsoDate | None = None
    date_to: IsoDate | None = None


class MoveIn(StrictIn):
    account_id: BodyId
    competitor: identifier(200, 1)  # type: ignore[valid-type]
    offer: Offer
    description: text(5000) = ""  # type: ignore[valid-type]
    products: text(500) = ""  # type: ignore[valid-type]
    seen_on: IsoDate
    seen_by_id: BodyId | None = Field(None, description="Who saw it; the sender when left out.")
    source: Source
    source_detail: text(500) = ""  # type: ignore[valid-type]


class MovePatch(StrictIn):
    competitor: identifier(200, 1) = None  # type: ignore[valid-type]
    offer: Offer = None  # type: ignore[assignment]
    description: text(5000) = None  # type: ignore[valid-type]
    products: text(500) = None  # type: ignore[valid-type]
    seen_on: IsoDate = None  # type: ignore[assignment]
    seen_by_id: BodyId | None = None
    source: Source = None  # type: ignore[assignment]
    source_detail: text(500) = None  # type: ignore[valid-type]


class MoveOut(Schema):
    id: int
    account_id: int
    competitor: str
    offer: Offer
    description: str
    products: str
    seen_on: dt.date
    seen_by_id: int | None
    source: Source
    source_detail: str
    created_by_id: int | None
    created_at: dt.datetime
    updated_at: dt.datetime
