"""API schemas of alerts."""

import datetime as dt
from typing import Any

from ninja import Field, Schema

from kam.core.schemas import text


class AlertQuery(Schema):
    open: bool = True
    acknowledged: bool | None = None
    kind: text(40) | None = None  # type: ignore[valid-type]
    account_id: int | None = Field(None, ge=1, le=2**63 - 1)


class AlertOut(Schema):
    id: int
    account_id: int
    account_code: str = Field(..., alias="account.code")
    kind: str
    severity: str
    message: str
    data: dict[str, Any]
    created_at: dt.datetime
    is_open: bool
    resolved_at: dt.datetime | None
    acknowledged_at: dt.datetime | None
    acknowledged_by_id: int | None
