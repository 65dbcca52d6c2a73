"""API: competitor moves recorded at an account (DOMAIN §9)."""

from typing import Any

from django.db.models import QuerySet
from ninja import Query, Router, Status
from ninja.pagination import paginate

from kam.accounts.selectors import account_get
from kam.core.schemas import ERROR_CODES, ErrorOut, Page, PathId
from kam.engagement.competitors.models import CompetitorMove
from kam.engagement.competitors.schemas import MoveIn, MoveOut, MovePatch, MoveQuery
from kam.engagement.competitors.selectors import (
    MoveFilters,
    competitor_move_get,
    competitor_move_list,
)
from kam.engagement.competitors.services import (
    competitor_move_create,
    competitor_move_delete,
    competitor_move_update,
)

router = Router(tags=["competitor moves"])


@router.get("/competitor-moves", response={200: list[MoveOut], ERROR_CODES: ErrorOut})
@paginate(Page)
def list_competitor_moves(request: Any, filters: Query[MoveQuery]) -> QuerySet[CompetitorMove]:
    """The moves at the accounts the reader sees, latest seen first; `competitor` matches
    the name in any case, `date_from` and `date_to` (inclusive) bound the day seen."""
    found = MoveFilters(
        account_id=filters.account_id,
        competitor=filters.competitor or "",
        offer=filters.offer or "",
        date_from=filters.date_from,
        date_to=filters.date_to,
    )
    return competitor_move_list(actor=request.user, filters=found)


@router.post("/competitor-moves", response={201: MoveOut, ERROR_CODES: ErrorOut})
def create_competitor_move(request: Any, body: MoveIn) -> Status[CompetitorMove]:
    """Record a competitor's offer; at a key account it raises the competitor move alert."""
    values = body.dict()
    account = account_get(actor=request.user, account_id=values.pop("account_id"))
    if values.get("seen_by_id") is None:
        values.pop("seen_by_id", None)
    return Status(201, competitor_move_create(actor=request.user, account=account, values=values))


@router.get("/competitor-moves/{move_id}", response={200: MoveOut, ERROR_CODES: ErrorOut})
def get_competitor_move(request: Any, move_id: PathId) -> CompetitorMove:
    return competitor_move_get(actor=request.user, move_id=move_id)


@router.patch("/competitor-moves/{move_id}", response={200: MoveOut, ERROR_CODES: ErrorOut})
def update_competitor_move(request: Any, move_id: PathId, body: MovePatch) -> CompetitorMove:
    """Change the fields sent; `seen_by_id` sent as null clears who saw it."""
    move = competitor_move_get(actor=request.user, move_id=move_id)
    values = body.dict(exclude_unset=True)
    return competitor_move_update(actor=request.user, move=move, values=values)


@router.delete("/competitor-moves/{move_id}", response={204: None, ERROR_CODES: ErrorOut})
def delete_competitor_move(request: Any, move_id: PathId) -> Status[None]:
    move = competitor_move_get(actor=request.user, move_id=move_id)
    competitor_move_delete(actor=request.user, move=move)
    return Status(204, None)
