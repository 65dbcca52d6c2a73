"""API schemas for users, teams, departments, tokens and the company settings."""

import datetime as dt

from ninja import Schema

from kam.core.model_schemas import out_schema, patch_schema
from kam.core.schemas import BodyId, StrictIn, identifier, text
from kam.org.models import (
    COMPANY_SETTINGS_FIELDS,
    CompanySettings,
    Department,
    Language,
    Role,
    User,
)


class UserOut(Schema):
    id: int
    username: str
    display_name: str
    role: Role
    email: str

    @staticmethod
    def resolve_display_name(obj: User) -> str:
        return obj.display_name


class MeOut(UserOut):
    language: str
    sees_all_accounts: bool
    can_write: bool


class MePatch(StrictIn):
    language: Language


class TeamOut(Schema):
    id: int
    name: str
    description: str
    member_ids: list[int]

    @staticmethod
    def resolve_member_ids(obj: object) -> list[int]:
        return sorted(member.pk for member in obj.members.all())  # type: ignore[attr-defined]


class TeamIn(StrictIn):
    name: identifier(100, 1)  # type: ignore[valid-type]
    description: text(2000) = ""  # type: ignore[valid-type]
    member_ids: list[BodyId] = []


class DepartmentOut(Schema):
    id: int
    code: str
    name: str
    head_id: int | None

    @staticmethod
    def resolve_name(obj: Department) -> str:
        return str(obj.get_code_display())


class TokenIn(StrictIn):
    name: identifier(100, 1)  # type: ignore[valid-type]


class TokenOut(Schema):
    id: int
    name: str
    hint: str
    created_at: dt.datetime
    last_used_at: dt.datetime | None
    revoked_at: dt.datetime | None


class TokenCreatedOut(TokenOut):
    token: str


_COMPANY = [CompanySettings._meta.get_field(name) for name in COMPANY_SETTINGS_FIELDS]
_UPDATED = CompanySettings._meta.get_field("updated_at")


class CompanySettingsOut(out_schema("CompanySettingsOut", [*_COMPANY, _UPDATED])):  # type: ignore[misc]
    """The base currency and the fiscal year's first month."""


class CompanySettingsPatch(patch_schema("CompanySettingsPatch", _COMPANY)):  # type: ignore[misc]
    """The company settings to change; absent or null ones stay."""


class NotificationOut(Schema):
    id: int
    kind: str
    message: str
    text: str
    link: str
    params: dict[str, str | int | None]
    actor_id: int | None
    created_at: dt.datetime
    read_at: dt.datetime | None


class UnreadCountOut(Schema):
    unread: int


class MarkedReadOut(Schema):
    marked: int
