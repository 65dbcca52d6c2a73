"""API: the relationship map of an account and its dated series (DOMAIN §7)."""

from typing import Any

from django.db.models import QuerySet
from ninja import Router
from ninja.pagination import paginate

from kam.accounts.selectors import account_get
from kam.core.schemas import ERROR_CODES, ErrorOut, IsoDate, Page, PathId
from kam.relationships.map_schemas import RelationshipMapOut, RelationshipScoreOut
from kam.relationships.models import RelationshipScore
from kam.relationships.scoring import RelationshipMap
from kam.relationships.selectors import account_score_series, relationship_map

router = Router(tags=["relationships"])


@router.get(
    "/{account_id}/relationship-map", response={200: RelationshipMapOut, ERROR_CODES: ErrorOut}
)
def get_relationship_map(
    request: Any, account_id: PathId, as_of: IsoDate | None = None
) -> RelationshipMap:
    """The account's buying centre in one answer: people with their person score (0–100),
    reporting lines and influence links, department scores, overall closeness, coverage and
    the gaps with the people each concerns; as of today unless `as_of` is given."""
    return relationship_map(actor=request.user, account_id=account_id, as_of=as_of)


@router.get(
    "/{account_id}/relationship-scores",
    response={200: list[RelationshipScoreOut], ERROR_CODES: ErrorOut},
)
@paginate(Page)
def list_relationship_scores(request: Any, account_id: PathId) -> QuerySet[RelationshipScore]:
    """The account's relationship series, oldest first: a point for each change to the map
    or nightly sweep that moved a value."""
    account = account_get(actor=request.user, account_id=account_id)
    return account_score_series(request.user, account.pk)
