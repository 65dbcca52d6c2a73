"""API schemas for accounts, their teams, potential estimates, key status and notes."""

import datetime as dt
from decimal import Decimal
from typing import Literal

from ninja import Field, Schema
from pydantic import StrictBool

from kam.accounts.models import (
    MAX_MONEY,
    MONEY_DIGITS,
    AccountStatus,
    AccountType,
    RequestStatus,
    SizeBand,
    TeamRole,
)
from kam.core.schemas import (
    BodyId,
    IsoDate,
    MoneyOut,
    ObjectId,
    Rating,
    StrictIn,
    identifier,
    text,
)

Factor = Rating | None
AccountSort = Literal[
    "code",
    "-code",
    "name",
    "-name",
    "industry",
    "-industry",
    "region",
    "-region",
    "status",
    "-status",
    "owner",
    "-owner",
    "updated",
    "-updated",
]


class AccountQuery(Schema):
    """The list's filters, named as AccountFilters and the model name them."""

    status: AccountStatus | None = None
    is_key: bool | None = None
    owner_id: ObjectId | None = None
    industry: text(100) | None = None  # type: ignore[valid-type]
    region: text(100) | None = None  # type: ignore[valid-type]
    parent_id: ObjectId | None = None
    q: text(100) | None = None  # type: ignore[valid-type]
    sort: AccountSort = "code"


class AccountIn(StrictIn):
    code: identifier(64, 1)  # type: ignore[valid-type]
    name: identifier(200, 1)  # type: ignore[valid-type]
    legal_name: identifier(300) = ""  # type: ignore[valid-type]
    account_type: AccountType = AccountType.END_USER
    industry: identifier(100) = ""  # type: ignore[valid-type]
    region: identifier(100) = ""  # type: ignore[valid-type]
    size_band: SizeBand | Literal[""] = ""
    parent_id: BodyId | None = None
    owner_id: BodyId | None = None
    status: AccountStatus = AccountStatus.PROSPECT
    strategic_importance: Factor = None
    technical_fit: Factor = None
    credit_reputation: Factor = None


class AccountPatch(StrictIn):
    code: identifier(64, 1) = None  # type: ignore[valid-type]
    name: identifier(200, 1) = None  # type: ignore[valid-type]
    legal_name: identifier(300) = None  # type: ignore[valid-type]
    account_type: AccountType = None  # type: ignore[assignment]
    industry: identifier(100) = None  # type: ignore[valid-type]
    region: identifier(100) = None  # type: ignore[valid-type]
    size_band: SizeBand | Literal[""] = None  # type: ignore[assignment]
    parent_id: BodyId | None = None
    owner_id: BodyId | None = None
    status: AccountStatus = None  # type: ignore[assignment]
    strategic_importance: Factor = None
    technical_fit: Factor = None
    credit_reputation: Factor = None


class AccountOut(Schema):
    id: int
    code: str
    name: str
    legal_name: str
    account_type: AccountType
    industry: str
    region: str
    size_band: SizeBand | Literal[""]
    parent_id: int | None
    owner_id: int | None
    owner_username: str | None = Field(None, alias="owner.username")
    status: AccountStatus
    is_key: bool
    key_reason: str
    strategic_importance: int | None
    technical_fit: int | None
    credit_reputation: int | None
    created_at: dt.datetime
    updated_at: dt.datetime


class AccountRequestedOut(Schema):
    """What asking for an account answers: the same words whatever the code (§13)."""

    detail: str


class AccountRequestOut(Schema):
    id: int
    code: str
    name: str
    fields: dict[str, str | int | None]
    requested_by_id: int
    requested_by_username: str = Field(alias="requested_by.username")
    requested_at: dt.datetime
    status: RequestStatus
    decided_by_id: int | None
    decided_at: dt.datetime | None
    reason: str
    account_id: int | None


class AccountRequestDeclineIn(StrictIn):
    reason: text(500) = ""  # type: ignore[valid-type]


class KeyStatusIn(StrictIn):
    is_key: StrictBool
    reason: text(500, 1)  # type: ignore[valid-type]


class KeyStatusOut(Schema):
    id: int
    is_key: bool
    reason: str
    decided_by_id: int | None
    decided_at: dt.datetime


class TeamMemberIn(StrictIn):
    user_id: BodyId
    role: TeamRole


class TeamMemberOut(Schema):
    id: int
    user_id: int
    username: str = Field(..., alias="user.username")
    role: TeamRole
    added_at: dt.datetime


class PotentialIn(StrictIn):
    amount: Decimal = Field(..., ge=0, le=MAX_MONEY, max_digits=MONEY_DIGITS, decimal_places=2)
    estimated_on: IsoDate
    source: text(200) = ""  # type: ignore[valid-type]


class PotentialOut(Schema):
    id: int
    amount: MoneyOut
    estimated_on: dt.date
    source: str
    author_id: int | None
    created_at: dt.datetime


class NoteIn(StrictIn):
    body: text(10000, 1)  # type: ignore[valid-type]


class NoteOut(Schema):
    id: int
    body: str
    author_id: int | None
    mention_ids: list[int]
    created_at: dt.datetime

    @staticmethod
    def resolve_mention_ids(obj: object) -> list[int]:
        return sorted(user.pk for user in obj.mentions.all())  # type: ignore[attr-defined]


class NotePostedOut(NoteOut):
    """A note just added, with the @names that reached nobody (docs/rules.md "Mentions")."""

    unknown_mentions: list[str]
    mentions_without_access: list[str]


class HistoryChangeOut(Schema):
    field: str
    old: str
    new: str


class HistoryEntryOut(Schema):
    """One entry of the account's change history (docs/rules.md "Change history")."""

    at: dt.datetime
    user: str
    action: str
    changes: list[HistoryChangeOut]
    kind: str = Field(
        description="edit, note, key_status, override, import, rescore, contact or influence_link."
    )
    detail: str = Field(description="A note's text or a decision's reason; empty otherwise.")
    link: str = Field("", description="The record's page, when it has one.")


class TimelineKindOut(Schema):
    key: str
    label: str


class TimelineOut(Schema):
    """One page of the account's timeline, newest first (docs/rules.md "Change history")."""

    entries: list[HistoryEntryOut]
    next_before: str | None = Field(
        description="Pass as `before` for the next, older page; null on the last page."
    )
    kinds: list[TimelineKindOut] = Field(description="Every kind `kinds=` may filter by.")
