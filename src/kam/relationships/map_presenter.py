"""The relationship map page's data (DOMAIN §7): the org chart's positions and nodes, the side
panel's scores and gaps, the score trend and the table of the same people.

The layout is a pure function over (person, boss, department, name) so it can be tested
without a database; the rest translates a `RelationshipMap` into what the page draws.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlencode

from django.utils.functional import Promise
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, pgettext_lazy

from kam.relationships.models import Attitude, BuyingRole, Contact
from kam.relationships.scoring import MapPerson, RelationshipMap

# A level wider than this many columns wraps onto further rows (the 8-person map never does;
# a 200-person map does, so the chart stays about as wide as a screen).
MIN_COLUMNS = 14
# Gaps marked on a person's node ("!"); every gap is listed, with its people, in the panel.
MARKED_GAPS = ("uncovered_decision_maker", "high_influence_opponent", "sponsor_left")
# More people than this and the chart hides the names until hovered or zoomed in.
LABELS_UP_TO = 60

GAP_LABELS: Mapping[str, Promise] = {
    "no_contacts": gettext_lazy("No contacts"),
    "uncovered_decision_maker": gettext_lazy("Uncovered decision maker"),
    "no_coach": gettext_lazy("No coach"),
    "high_influence_opponent": gettext_lazy("High-influence opponent"),
    "single_threaded": gettext_lazy("Single-threaded"),
    "sponsor_left": gettext_lazy("Sponsor left"),
}
GAP_HELP: Mapping[str, Promise] = {
    "no_contacts": gettext_lazy("Nobody is recorded at this account yet."),
    "uncovered_decision_maker": gettext_lazy(
        "A decision maker without a score or without contact in the window."
    ),
    "no_coach": gettext_lazy("Nobody is coach or champion."),
    "high_influence_opponent": gettext_lazy("Influence 4 or more, and sceptic or opponent."),
    "single_threaded": gettext_lazy("Fewer than two people in contact within the window."),
    "sponsor_left": gettext_lazy("A champion or coach left in the last 180 days."),
}
# The buying role's badge on the node: a letter or two, translated.
ROLE_BADGES: Mapping[str, Promise] = {
    BuyingRole.DECISION_MAKER: pgettext_lazy("buying role badge", "DM"),
    BuyingRole.INFLUENCER: pgettext_lazy("buying role badge", "I"),
    BuyingRole.TECHNICAL_EVALUATOR: pgettext_lazy("buying role badge", "TE"),
    BuyingRole.USER: pgettext_lazy("buying role badge", "U"),
    BuyingRole.GATEKEEPER: pgettext_lazy("buying role badge", "G"),
    BuyingRole.COACH: pgettext_lazy("buying role badge", "C"),
}
# Attitude colours, champion (dark green) to opponent (red); "" is not set.
ATTITUDE_COLOURS: Mapping[str, str] = {
    Attitude.CHAMPION: "#067647",
    Attitude.SUPPORTER: "#47b870",
    Attitude.NEUTRAL: "#98a2b3",
    Attitude.SCEPTIC: "#f79009",
    Attitude.OPPONENT: "#d92d20",
    "": "#e4e7ec",
}
ATTITUDE_ORDER = [*(a.value for a in Attitude), ""]


# --- the layout -----------------------------------------------------------------------------


@dataclass(frozen=True)
class Seat:
    """One person to place: whom they report to (None, unknown or merged: nobody)."""

    id: int
    boss_id: int | None
    department: str = ""
    name: str = ""


@dataclass(frozen=True)
class Place:
    x: float  # columns from the left, 0 … columns − 1
    y: float  # rows from the top
    level: int  # 0: reports to nobody
    stacked: bool = False  # in a block of reports, below its first row


@dataclass(frozen=True)
class Layout:
    places: dict[int, Place]
    columns: int
    rows: float  # the height in rows (a wrapped level adds rows)
    wrapped: bool


def _sibling_key(seat: Seat) -> tuple[bool, str, str, int]:
    # Siblings grouped by department (blank last), then by name.
    return (seat.department == "", seat.department.casefold(), seat.name.casefold(), seat.id)


def max_columns(people: int) -> int:
    """How wide a level may be before it wraps: wider for bigger maps, so 200 people fill a
    wide screen in about ten rows rather than fifty."""
    return max(MIN_COLUMNS, math.ceil(math.sqrt(3 * people)))


# A team of more reports without reports of their own than this is drawn as a block of rows
# under its boss, rather than one long row.
BLOCK_FROM = 4
# A block's rows sit closer together than two levels do, so the levels stay apart.
BLOCK_ROW = 0.75
# How wide a block is against its height, tried widest first until the chart fits.
BLOCK_SHAPES = (2.0, 1.0, 0.5, 0.25)


@dataclass(frozen=True)
class _Part:
    kind: str  # "block": people side by side in rows; "tree": one person and their reports
    people: tuple[int, ...]
    columns: int
    width: float
    height: float


def _tree(reports: Mapping[int, list[int]], roots: Sequence[int]) -> list[int]:
    """Every person below `roots`, depth first, each after their boss."""
    order: list[int] = []
    stack = list(reversed(roots))
    while stack:  # iterative: a chain of hundreds must not hit the recursion limit
        pk = stack.pop()
        order.append(pk)
        stack.extend(reversed(reports[pk]))
    return order


def _compact(
    by_id: Mapping[int, Seat],
    reports: Mapping[int, list[int]],
    roots: Sequence[int],
    shape: float | None,
) -> tuple[dict[int, tuple[float, float, bool]], float, float]:
    """A tidy tree: each boss centred over their reports' span, siblings side by side in
    department order; with a `shape`, each department's reports who have no reports of their
    own (more than BLOCK_FROM) as a block of rows `shape` times as wide as tall."""
    order = _tree(reports, roots)
    parts: dict[int, list[_Part]] = {}
    size: dict[int, tuple[float, float]] = {}
    for pk in reversed(order):  # reports before their boss
        kids = reports[pk]
        if not kids:
            size[pk] = (1.0, 1.0)
            continue
        mine: list[_Part] = []
        i = 0
        while i < len(kids):
            department = by_id[kids[i]].department
            group = []
            while i < len(kids) and by_id[kids[i]].department == department:
                group.append(kids[i])
                i += 1
            leaves = tuple(k for k in group if not reports[k])
            if shape is not None and len(leaves) > BLOCK_FROM:
                columns = min(len(leaves), max(2, math.ceil(math.sqrt(len(leaves) * shape))))
                rows = math.ceil(len(leaves) / columns)
                mine.append(_Part("block", leaves, columns, columns, 1 + (rows - 1) * BLOCK_ROW))
            else:
                mine.extend(_Part("block", (k,), 1, 1.0, 1.0) for k in leaves)
            mine.extend(_Part("tree", (k,), 1, *size[k]) for k in group if reports[k])
        parts[pk] = mine
        size[pk] = (sum(p.width for p in mine), 1 + max(p.height for p in mine))

    places: dict[int, tuple[float, float, bool]] = {}
    stack = [(root, 0.0, 0.0) for root in roots]
    left = 0.0
    for i, root in enumerate(roots):
        stack[i] = (root, left, 0.0)
        left += size[root][0]
    while stack:
        pk, start, top = stack.pop()
        places[pk] = (start + (size[pk][0] - 1) / 2, top, False)
        cursor = start
        for part in parts.get(pk, []):
            if part.kind == "tree":
                stack.append((part.people[0], cursor, top + 1))
            else:
                for n, person in enumerate(part.people):
                    row, column = divmod(n, part.columns)
                    places[person] = (cursor + column, top + 1 + row * BLOCK_ROW, row > 0)
            cursor += part.width
    height = max(place[1] for place in places.values()) + 1 if places else 0.0
    return places, max(left, 1.0), height


def org_layout(seats: Sequence[Seat], *, columns: int | None = None) -> Layout:
    """Positions of an org chart by level (DOMAIN §7 "reports-to"): the people who report to
    nobody on top, their reports below, siblings grouped by department, each boss centred
    over their team. When the tree is wider than `columns`, each department's reports who
    have no reports of their own stack in a block of rows under their boss; still too wide,
    each level's people wrap onto rows of `columns` (`wrapped`).

    Defensive: a line to someone not in `seats` counts as no line, and a cycle (which the
    services refuse) is broken at its smallest id, so every seat gets exactly one place."""
    by_id = {seat.id: seat for seat in seats}
    limit = columns or max_columns(len(by_id))
    boss = {
        seat.id: seat.boss_id if seat.boss_id in by_id and seat.boss_id != seat.id else None
        for seat in by_id.values()
    }
    reports: dict[int, list[int]] = {pk: [] for pk in by_id}
    for pk, boss_id in boss.items():
        if boss_id is not None:
            reports[boss_id].append(pk)
    for kids in reports.values():
        kids.sort(key=lambda r: _sibling_key(by_id[r]))
    roots = sorted(
        (pk for pk, b in boss.items() if b is None), key=lambda r: _sibling_key(by_id[r])
    )
    # Whoever is not below a root sits on a cycle: cut it at its smallest id, who then
    # reports to nobody.
    reached = set(_tree(reports, roots))
    while len(reached) < len(by_id):
        cut = min(pk for pk in by_id if pk not in reached)
        for kids in reports.values():
            if cut in kids:
                kids.remove(cut)
        roots.append(cut)
        reached.update(_tree(reports, [cut]))
    level: dict[int, int] = {}
    for pk in _tree(reports, roots):
        level.setdefault(pk, 0)
        for kid in reports[pk]:
            level[kid] = level[pk] + 1

    # The plain tree first, then blocks ever narrower, until one fits; else the narrowest.
    best = _compact(by_id, reports, roots, None)
    for shape in BLOCK_SHAPES:
        if best[1] <= limit:
            break
        tried = _compact(by_id, reports, roots, shape)
        if tried[1] < best[1]:
            best = tried
    places, width, height = best
    if width > 2 * limit:
        return _wrapped(roots, reports, level, limit)
    return Layout(
        places={pk: Place(x, y, level[pk], stacked) for pk, (x, y, stacked) in places.items()},
        columns=math.ceil(width),
        rows=height,
        wrapped=False,
    )


def _wrapped(
    roots: Sequence[int],
    reports: Mapping[int, list[int]],
    level: Mapping[int, int],
    limit: int,
) -> Layout:
    """Each level's people in the tree's order, wrapped onto rows of `limit`."""
    order = _tree(reports, roots)
    places: dict[int, Place] = {}
    y = 0.0
    for depth in range(max(level.values(), default=-1) + 1):
        members = [pk for pk in order if level[pk] == depth]
        rows = [members[i : i + limit] for i in range(0, len(members), limit)]
        for row in rows:
            offset = (limit - len(row)) / 2
            for i, pk in enumerate(row):
                places[pk] = Place(offset + i, y, depth)
            y += BLOCK_ROW
        y += 1 - BLOCK_ROW
    return Layout(places=places, columns=limit, rows=y, wrapped=True)


# --- the chart ------------------------------------------------------------------------------


def _department(name: str) -> str:
    return name or _("No department")


def rounded_score(value: float | None) -> float | None:
    """A score to one decimal; None for none (or NaN)."""
    return None if value is None or math.isnan(value) else round(value, 1)


def _person_node(person: MapPerson, place: Place, boss_name: str) -> dict[str, Any]:
    contact = person.contact
    marked = [kind for kind in person.gaps if kind in MARKED_GAPS]
    return {
        "id": contact.pk,
        "name": contact.name,
        "initials": contact.initials,
        "title": contact.title,
        "department": _department(contact.department),
        "x": place.x,
        "y": place.y,
        "level": place.level,
        "attitude": contact.attitude,
        "attitudeLabel": contact.get_attitude_display() if contact.attitude else _("Not set"),
        "colour": ATTITUDE_COLOURS.get(contact.attitude, ATTITUDE_COLOURS[""]),
        "role": contact.buying_role,
        "roleBadge": str(ROLE_BADGES.get(contact.buying_role, "")),
        "roleLabel": contact.get_buying_role_display() if contact.buying_role else "",
        "influence": contact.influence,
        "closeness": contact.closeness,
        "score": rounded_score(person.score),
        "reportsTo": contact.reports_to_id,
        "reportsToName": boss_name,
        "active": contact.active,
        "gaps": [str(GAP_LABELS.get(kind, kind)) for kind in person.gaps],
        "marked": bool(marked),
    }


def map_chart(rmap: RelationshipMap, *, show_left: bool = True) -> dict[str, Any]:
    """The org chart's data: nodes with their places, reporting lines, influence links and
    the labels the drawing needs, in the reader's language."""
    people = [p for p in rmap.people if show_left or p.contact.active]
    names = {p.contact.pk: p.contact.name for p in rmap.people}
    layout = org_layout(
        [
            Seat(p.contact.pk, p.contact.reports_to_id, p.contact.department, p.contact.name)
            for p in people
        ]
    )
    index = {p.contact.pk: i for i, p in enumerate(people)}
    nodes = [
        _person_node(p, layout.places[p.contact.pk], names.get(p.contact.reports_to_id or 0, ""))
        for p in people
    ]
    lines = [
        {
            "source": index[p.contact.reports_to_id],
            "target": index[p.contact.pk],
            "stacked": layout.places[p.contact.pk].stacked,
        }
        for p in people
        if p.contact.reports_to_id in index
    ]
    links = [
        {
            "id": link.pk,
            "source": index[link.source_id],
            "target": index[link.target_id],
            "kind": link.kind,
            "kindLabel": link.get_kind_display(),
            "strength": link.strength,
            "note": link.note,
            "sourceName": names.get(link.source_id, ""),
            "targetName": names.get(link.target_id, ""),
        }
        for link in rmap.links
        if link.source_id in index and link.target_id in index
    ]
    return {
        "nodes": nodes,
        "lines": lines,
        "links": links,
        "columns": layout.columns,
        "rows": layout.rows,
        "wrapped": layout.wrapped,
        "labelsShown": len(nodes) <= LABELS_UP_TO,
        "attitudes": [
            {
                "key": key,
                "label": Attitude(key).label if key else _("Not set"),
                "colour": ATTITUDE_COLOURS[key],
            }
            for key in ATTITUDE_ORDER
        ],
        "labels": {
            "attitude": _("Attitude"),
            "role": _("Buying role"),
            "influence": _("Influence"),
            "closeness": _("Closeness"),
            "score": _("Score"),
            "department": _("Department"),
            "reportsTo": _("Reports to"),
            "gaps": _("Gaps"),
            "left": _("Left"),
            "reporting": _("Reports to"),
        },
    }


# --- the side panel -------------------------------------------------------------------------


@dataclass(frozen=True)
class GapLine:
    kind: str
    label: str
    help: str
    people: list[Contact]


def gap_lines(rmap: RelationshipMap) -> list[GapLine]:
    """The account's gaps (§7), each with the people it names."""
    return [
        GapLine(
            gap.kind,
            str(GAP_LABELS.get(gap.kind, gap.kind)),
            str(GAP_HELP.get(gap.kind, "")),
            list(gap.people),
        )
        for gap in rmap.gaps
    ]


def department_lines(rmap: RelationshipMap) -> list[dict[str, Any]]:
    return [
        {
            "name": _department(d.department),
            "score": rounded_score(d.score),
            "people": d.people,
            "scored": d.scored,
        }
        for d in rmap.departments
    ]


def trend_chart(rmap: RelationshipMap) -> dict[str, Any]:
    """The score series as two lines: overall closeness (0–100) and coverage (in %)."""
    points = rmap.series
    return {
        "dates": [p.recorded_at.date().isoformat() for p in points],
        "overall": [rounded_score(p.overall_closeness) for p in points],
        "coverage": [None if p.coverage is None else round(100 * p.coverage, 1) for p in points],
        "labels": {"overall": _("Overall closeness"), "coverage": _("Coverage (%)")},
    }


# --- the table ------------------------------------------------------------------------------

SORTS = (
    "name",
    "department",
    "role",
    "attitude",
    "influence",
    "closeness",
    "score",
    "reports_to",
    "last_contact",
)


@dataclass(frozen=True)
class Row:
    person: MapPerson
    contact: Contact
    boss: str
    gaps: list[str]


def _sort_value(row: Row, key: str) -> tuple[bool, Any]:
    contact = row.contact
    value: Any = {
        "name": contact.name.casefold(),
        "department": contact.department.casefold(),
        "role": contact.buying_role,
        "attitude": ATTITUDE_ORDER.index(contact.attitude),
        "influence": contact.influence,
        "closeness": contact.closeness,
        "score": rounded_score(row.person.score),
        "reports_to": row.boss.casefold(),
        "last_contact": contact.last_contact,
    }[key]
    # Blanks last whichever way the column runs.
    return (value in (None, ""), value)


def table_rows(rmap: RelationshipMap, sort: str = "name", *, show_left: bool = True) -> list[Row]:
    """The map's people as table rows, sorted by `sort` (a name of SORTS, "-" for descending;
    anything else sorts by name), blanks last."""
    names = {p.contact.pk: p.contact.name for p in rmap.people}
    rows = [
        Row(
            person=p,
            contact=p.contact,
            boss=names.get(p.contact.reports_to_id or 0, ""),
            gaps=[str(GAP_LABELS.get(kind, kind)) for kind in p.gaps],
        )
        for p in rmap.people
        if show_left or p.contact.active
    ]
    key = sort.removeprefix("-")
    if key not in SORTS:
        key, sort = "name", "name"
    rows.sort(key=lambda r: r.contact.name.casefold())
    filled = [r for r in rows if not _sort_value(r, key)[0]]
    blank = [r for r in rows if _sort_value(r, key)[0]]
    filled.sort(key=lambda r: _sort_value(r, key)[1], reverse=sort.startswith("-"))
    return filled + blank


def sort_links(current: str, query: Mapping[str, str]) -> dict[str, dict[str, str]]:
    """For each column of the table: the link that sorts by it (a second click flips it)."""
    links = {}
    for key in SORTS:
        target = f"-{key}" if current == key else key
        params = {**query, "view": "table", "sort": target}
        state = "asc" if current == key else "desc" if current == f"-{key}" else ""
        links[key] = {"query": _urlencode(params), "state": state}
    return links


def _urlencode(params: Mapping[str, str]) -> str:
    return urlencode({k: v for k, v in params.items() if v})


def role_legend() -> list[tuple[str, str, str]]:
    """(role, badge, name) of each buying role, for the legend."""
    return [(role.value, str(ROLE_BADGES[role]), str(role.label)) for role in BuyingRole]


def people_choices(people: Iterable[MapPerson]) -> list[tuple[int, str]]:
    """The people one may report to or link: the active ones first, by name."""
    ordered = sorted(people, key=lambda p: (not p.contact.active, p.contact.name.casefold()))
    return [(p.contact.pk, p.contact.name) for p in ordered]
