"""TEMPORARY stand-in for rel-scores' `relationship_map` (CONTRACT.md), so the map page can be
built before it lands; replaced wholesale by the rel-scores merge. No scores, no gaps."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.utils import timezone

from kam.accounts.models import Account
from kam.accounts.selectors import account_get
from kam.org.models import User
from kam.relationships.models import Contact, InfluenceLink, RelationshipScore
from kam.relationships.selectors import account_contacts, account_links, account_score_series


@dataclass(frozen=True)
class MapPerson:
    contact: Contact
    score: float | None
    weight: float
    in_window: bool
    must_cover: bool
    covered: bool
    gaps: tuple[str, ...]


@dataclass(frozen=True)
class DepartmentScore:
    department: str
    score: float | None
    people: int
    scored: int


@dataclass(frozen=True)
class Gap:
    kind: str
    people: tuple[Contact, ...]


@dataclass(frozen=True)
class RelationshipMap:
    account: Account
    as_of: dt.date
    people: list[MapPerson]
    links: list[InfluenceLink]
    overall_closeness: float | None
    coverage: float | None
    departments: list[DepartmentScore]
    gaps: list[Gap]
    series: list[RelationshipScore]


def relationship_map(
    *, actor: User, account_id: int, as_of: dt.date | None = None
) -> RelationshipMap:
    account = account_get(actor=actor, account_id=account_id)
    contacts = list(account_contacts(actor, account_id))
    people = [MapPerson(c, None, 0.0, False, False, False, ()) for c in contacts]
    departments = sorted({c.department for c in contacts})
    return RelationshipMap(
        account=account,
        as_of=as_of or timezone.localdate(),
        people=people,
        links=list(account_links(actor, account_id)),
        overall_closeness=None,
        coverage=None,
        departments=[
            DepartmentScore(d, None, sum(1 for c in contacts if c.department == d), 0)
            for d in departments
        ],
        gaps=[Gap("no_contacts", ())] if not contacts else [],
        series=list(account_score_series(actor, account_id)),
    )
