"""API: the signed-in user, colleagues, teams, internal departments, personal tokens, the
inbox and the company settings."""

from typing import Any

from django.db.models import QuerySet
from ninja import Router, Status
from ninja.pagination import paginate

from kam.core.schemas import ERROR_CODES, ErrorOut, Page, PathId, text
from kam.org.models import ApiToken, CompanySettings, Department, Notification, Team, User
from kam.org.schemas import (
    CompanySettingsOut,
    CompanySettingsPatch,
    DepartmentOut,
    MarkedReadOut,
    MeOut,
    MePatch,
    NotificationOut,
    TeamIn,
    TeamOut,
    TokenCreatedOut,
    TokenIn,
    TokenOut,
    UnreadCountOut,
    UserOut,
)
from kam.org.selectors import (
    company_settings,
    departments_list,
    notification_get,
    notification_list,
    notifications_unread_count,
    teams_list,
    token_get,
    tokens_of,
    users_active,
)
from kam.org.services import (
    company_settings_update,
    notification_mark_read,
    notifications_mark_all_read,
    team_create,
    token_create,
    token_revoke,
    user_set_language,
)

router = Router(tags=["organisation"])


@router.get("/me", response={200: MeOut, ERROR_CODES: ErrorOut})
def get_me(request: Any) -> User:
    return request.user


@router.patch("/me", response={200: MeOut, ERROR_CODES: ErrorOut})
def update_me(request: Any, body: MePatch) -> User:
    return user_set_language(user=request.user, language=body.language)


@router.get("/users", response={200: list[UserOut], ERROR_CODES: ErrorOut})
@paginate(Page)
def list_users(request: Any, q: text(100) = "") -> QuerySet[User]:  # type: ignore[valid-type]
    return users_active(q=q)


@router.get("/teams", response={200: list[TeamOut], ERROR_CODES: ErrorOut})
def list_teams(request: Any) -> QuerySet[Team]:
    return teams_list()


@router.post("/teams", response={201: TeamOut, ERROR_CODES: ErrorOut})
def create_team(request: Any, body: TeamIn) -> Status[Team]:
    return Status(201, team_create(actor=request.user, **body.dict()))


@router.get("/departments", response={200: list[DepartmentOut], ERROR_CODES: ErrorOut})
def list_departments(request: Any) -> QuerySet[Department]:
    return departments_list()


@router.get("/tokens", response={200: list[TokenOut], ERROR_CODES: ErrorOut})
def list_tokens(request: Any) -> QuerySet[ApiToken]:
    return tokens_of(request.user)


@router.post("/tokens", response={201: TokenCreatedOut, ERROR_CODES: ErrorOut})
def create_token(request: Any, body: TokenIn) -> Status[dict[str, Any]]:
    token, raw = token_create(user=request.user, name=body.name)
    return Status(201, {**TokenOut.from_orm(token).dict(), "token": raw})


@router.delete("/tokens/{token_id}", response={200: TokenOut, ERROR_CODES: ErrorOut})
def revoke_token(request: Any, token_id: PathId) -> ApiToken:
    return token_revoke(token=token_get(actor=request.user, token_id=token_id))


@router.get("/company-settings", response={200: CompanySettingsOut, ERROR_CODES: ErrorOut})
def get_company_settings(request: Any) -> CompanySettings:
    return company_settings()


@router.patch("/company-settings", response={200: CompanySettingsOut, ERROR_CODES: ErrorOut})
def update_company_settings(request: Any, body: CompanySettingsPatch) -> CompanySettings:
    """Change the base currency (while the ledger is empty) or the fiscal year start."""
    changes = {k: v for k, v in body.dict(exclude_unset=True).items() if v is not None}
    return company_settings_update(actor=request.user, **changes)


@router.get("/inbox", response={200: list[NotificationOut], ERROR_CODES: ErrorOut})
@paginate(Page)
def list_notifications(
    request: Any,
    unread: bool = False,
    kind: text(40) = "",  # type: ignore[valid-type]
) -> QuerySet[Notification]:
    """The signed-in user's inbox, unread first, then newest first."""
    return notification_list(actor=request.user, unread_only=unread, kind=kind)


@router.get("/inbox/unread-count", response={200: UnreadCountOut, ERROR_CODES: ErrorOut})
def get_inbox_unread_count(request: Any) -> dict[str, int]:
    return {"unread": notifications_unread_count(request.user)}


@router.post(
    "/inbox/{notification_id}/read", response={200: NotificationOut, ERROR_CODES: ErrorOut}
)
def mark_notification_read(request: Any, notification_id: PathId) -> Notification:
    notification = notification_get(actor=request.user, notification_id=notification_id)
    return notification_mark_read(notification=notification)


@router.post("/inbox/read-all", response={200: MarkedReadOut, ERROR_CODES: ErrorOut})
def mark_all_notifications_read(request: Any) -> dict[str, int]:
    return {"marked": notifications_mark_all_read(actor=request.user)}
