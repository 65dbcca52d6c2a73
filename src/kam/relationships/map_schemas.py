"""API schemas of the relationship map and its series (DOMAIN §7): one answer with the
people as nodes, reporting lines and influence links as edges, the scores and the gaps.

The rows of the map (nodes, edges, departments, gaps) are plain pydantic models validated
from the dicts the map's resolvers build: a ninja Schema reads every field through its
Django getter, which for 200 people cost more than the rest of the answer (bench/README.md).
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from typing import Annotated, Any, Literal

from ninja import Field, Schema
from pydantic import BaseModel

from kam.analytics.relationship import GAP_KINDS
from kam.relationships.models import LinkKind
from kam.relationships.scoring import RelationshipMap

GapKind = Literal[GAP_KINDS]  # type: ignore[valid-type]
Score = Annotated[float, Field(ge=0, le=100)]
Share = Annotated[float, Field(ge=0, le=1)]


class MapAccountOut(Schema):
    id: int
    code: str
    name: str


class MapNodeOut(BaseModel):
    """One person: the ratings of §7 and what the scores make of them."""

    id: int
    name: str
    initials: str
    title: str
    department: str  # "" for no department
    buying_role: str  # "" not set
    attitude: str  # "" not set
    influence: int | None
    closeness: int | None
    solution_approval: int | None
    price_acceptance: int | None
    last_contact: dt.date | None
    active: bool
    left_on: dt.date | None
    reports_to: int | None  # a node's id
    score: Score | None
    in_window: bool
    covered: bool
    gaps: list[GapKind]


class MapReportingEdgeOut(BaseModel):
    """A reporting line: `source` reports to `target`."""

    kind: Literal["reports_to"]
    source: int
    target: int


class MapLinkEdgeOut(BaseModel):
    """An influence link: `source` influences `target` (strength 1–3)."""

    id: int
    kind: Literal[tuple(LinkKind.values)]  # type: ignore[valid-type]
    source: int
    target: int
    strength: int = Field(ge=1, le=3)
    note: str


MapEdgeOut = Annotated[MapReportingEdgeOut | MapLinkEdgeOut, Field(discriminator="kind")]


class MapDepartmentOut(BaseModel):
    department: str  # "" for no department
    score: Score | None  # None: nobody counted
    people: int  # active people
    scored: int  # of them, counted in the score


class MapScoresOut(BaseModel):
    overall_closeness: Score | None
    coverage: Share | None  # None: nobody to cover
    departments: list[MapDepartmentOut]


class MapPersonRefOut(BaseModel):
    id: int
    name: str


class MapGapOut(BaseModel):
    kind: GapKind
    people: list[MapPersonRefOut]


class RelationshipMapOut(Schema):
    """The whole map of one account in one answer (§7)."""

    account: MapAccountOut
    as_of: dt.date
    nodes: list[MapNodeOut]
    edges: list[MapEdgeOut]
    scores: MapScoresOut
    gaps: list[MapGapOut]

    @staticmethod
    def resolve_nodes(obj: RelationshipMap) -> list[dict[str, Any]]:
        present = {person.contact.pk for person in obj.people}
        nodes = []
        for person in obj.people:
            contact = person.contact
            nodes.append(
                {
                    "id": contact.pk,
                    "name": contact.name,
                    "initials": contact.initials,
                    "title": contact.title,
                    "department": contact.department,
                    "buying_role": contact.buying_role,
                    "attitude": contact.attitude,
                    "influence": contact.influence,
                    "closeness": contact.closeness,
                    "solution_approval": contact.solution_approval,
                    "price_acceptance": contact.price_acceptance,
                    "last_contact": contact.last_contact,
                    "active": contact.active,
                    "left_on": contact.left_on,
                    "reports_to": (
                        contact.reports_to_id if contact.reports_to_id in present else None
                    ),
                    "score": person.score,
                    "in_window": person.in_window,
                    "covered": person.covered,
                    "gaps": list(person.gaps),
                }
            )
        return nodes

    @staticmethod
    def resolve_edges(obj: RelationshipMap) -> list[dict[str, Any]]:
        present = {person.contact.pk for person in obj.people}
        lines: list[dict[str, Any]] = [
            {"kind": "reports_to", "source": p.contact.pk, "target": p.contact.reports_to_id}
            for p in obj.people
            if p.contact.reports_to_id in present
        ]
        links = [
            {
                "id": link.pk,
                "kind": link.kind,
                "source": link.source_id,
                "target": link.target_id,
                "strength": link.strength,
                "note": link.note,
            }
            for link in obj.links
        ]
        return lines + links

    @staticmethod
    def resolve_scores(obj: RelationshipMap) -> dict[str, Any]:
        return {
            "overall_closeness": obj.overall_closeness,
            "coverage": obj.coverage,
            "departments": [dataclasses.asdict(department) for department in obj.departments],
        }

    @staticmethod
    def resolve_gaps(obj: RelationshipMap) -> list[dict[str, Any]]:
        return [
            {"kind": gap.kind, "people": [{"id": c.pk, "name": c.name} for c in gap.people]}
            for gap in obj.gaps
        ]


class ScoreGapOut(Schema):
    kind: GapKind
    people: list[int]  # contact ids


class ScoreDepartmentOut(Schema):
    department: str
    score: Score | None
    people: int


class RelationshipScoreOut(Schema):
    """One point of the account's series (§7), appended when a value moved."""

    recorded_at: dt.datetime
    as_of: dt.date
    reason: Literal["change", "sweep"]
    overall_closeness: Score | None
    coverage: Share | None
    gap_count: int
    gaps: list[ScoreGapOut]
    department_scores: list[ScoreDepartmentOut]
    people: int  # active contacts
