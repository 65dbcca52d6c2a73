"""The buying centre read as data: contacts translated into the pure core's arrays, scored,
and handed back as frozen dataclasses (DOMAIN §7).

`relationship_map` is one account as a user sees it (people, links, scores, gaps, series);
`relationship_figures` is many accounts at once, for the series and the nightly sweep: one
query for every contact and one call of `score_people`. Merged-away duplicates are left out
everywhere; a blank department is a department of its own, "" (pages say "No department").
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

import numpy as np

from kam.accounts.models import Account
from kam.accounts.selectors import account_get
from kam.analytics.relationship import (
    GAP_KINDS,
    FloatArray,
    People,
    RelationshipSettings,
    Scores,
    attitude_codes,
    role_codes,
    score_people,
)
from kam.core.dates import today
from kam.org.models import User
from kam.portfolio.selectors.settings import portfolio_settings
from kam.relationships.models import Contact, InfluenceLink, RelationshipScore
from kam.relationships.reads import account_contacts, account_links, account_score_series

# The contact fields the arrays are built from (the sweep loads only these).
SCORED_FIELDS = (
    "id",
    "account_id",
    "department",
    "buying_role",
    "attitude",
    "influence",
    "closeness",
    "solution_approval",
    "price_acceptance",
    "last_contact",
    "active",
    "left_on",
)


@dataclass(frozen=True)
class MapPerson:
    """One contact on the map with the figures §7 gives them."""

    contact: Contact
    score: float | None  # 0–100, None: not rated
    weight: float  # weight in the department and account means (0: not counted)
    in_window: bool
    must_cover: bool
    covered: bool
    gaps: tuple[str, ...]  # the gap kinds naming this person


@dataclass(frozen=True)
class DepartmentScore:
    department: str  # "" for the contacts in no department
    score: float | None  # 0–100, None: nobody counted
    people: int  # active people
    scored: int  # active people with a score (counted in `score`)


@dataclass(frozen=True)
class Gap:
    kind: str  # one of GAP_KINDS
    people: tuple[Contact, ...]  # the people it concerns (none for no_contacts, no_coach)


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


@dataclass(frozen=True)
class AccountFigures:
    """One account's §7 figures, as the series stores them (contacts named by id)."""

    account_id: int
    as_of: dt.date
    overall_closeness: float | None
    coverage: float | None
    gap_count: int
    gaps: tuple[tuple[str, tuple[int, ...]], ...]  # (kind, contact ids), in GAP_KINDS order
    departments: tuple[DepartmentScore, ...]
    people: int  # active contacts


@dataclass(frozen=True)
class _Scored:
    """Contacts of some accounts, their arrays' indices and the core's answer."""

    contacts: list[Contact]
    account_ids: list[int]
    department_names: list[str]  # per department index
    department_rows: list[int]  # per contact: its department index
    rows: list[list[int]]  # per account index: its contacts' rows
    scores: Scores


def relationship_settings() -> RelationshipSettings:
    """The §7 settings the director may change (the contact window); the rest are §7's."""
    return RelationshipSettings(contact_window_days=portfolio_settings().contact_window_days)


def _rating(value: int | None) -> float:
    return math.nan if value is None else float(value)


def _days(since: dt.date | None, as_of: dt.date) -> float:
    return math.nan if since is None else float((as_of - since).days)


def _floats(values: Iterable[float]) -> FloatArray:
    return np.fromiter(values, dtype=np.float64)


def _score_contacts(
    contacts: list[Contact],
    account_ids: Sequence[int],
    as_of: dt.date,
    settings: RelationshipSettings,
) -> _Scored:
    """Contacts → `People` (§7 arrays) → `score_people`, in one call for every account."""
    account_index = {pk: i for i, pk in enumerate(account_ids)}
    department_index: dict[tuple[int, str], int] = {}
    department_rows: list[int] = []
    rows: list[list[int]] = [[] for _ in account_ids]
    accounts: list[int] = []
    for row, contact in enumerate(contacts):
        account = account_index[contact.account_id]
        accounts.append(account)
        rows[account].append(row)
        key = (account, contact.department)
        department_rows.append(department_index.setdefault(key, len(department_index)))
    people = People(
        account=np.array(accounts, dtype=np.int64),
        department=np.array(department_rows, dtype=np.int64),
        role=role_codes([c.buying_role for c in contacts]),
        attitude=attitude_codes([c.attitude for c in contacts]),
        influence=_floats(_rating(c.influence) for c in contacts),
        closeness=_floats(_rating(c.closeness) for c in contacts),
        solution_approval=_floats(_rating(c.solution_approval) for c in contacts),
        price_acceptance=_floats(_rating(c.price_acceptance) for c in contacts),
        days_since_contact=_floats(_days(c.last_contact, as_of) for c in contacts),
        active=np.array([c.active for c in contacts], dtype=np.bool_),
        days_since_left=_floats(
            math.nan if c.active else _days(c.left_on, as_of) for c in contacts
        ),
    )
    scores = score_people(people, len(account_ids), len(department_index), settings)
    names = [name for _, name in department_index]
    return _Scored(contacts, list(account_ids), names, department_rows, rows, scores)


def _number(value: float) -> float | None:
    return None if math.isnan(value) else float(value)


def _departments(scored: _Scored, account: int) -> tuple[DepartmentScore, ...]:
    """The account's departments with at least one active person, by name, "" last."""
    people: dict[int, int] = {}
    for row in scored.rows[account]:
        if scored.contacts[row].active:
            index = scored.department_rows[row]
            people[index] = people.get(index, 0) + 1
    found = [
        DepartmentScore(
            department=scored.department_names[index],
            score=_number(float(scored.scores.department_score[index])),
            people=count,
            scored=int(scored.scores.department_counted[index]),
        )
        for index, count in people.items()
    ]
    return tuple(sorted(found, key=lambda d: (d.department == "", d.department)))


def _gap_rows(scored: _Scored, account: int) -> list[tuple[str, list[int]]]:
    """The account's gaps in GAP_KINDS order, each with the rows of the people it names."""
    scores = scored.scores
    return [
        (kind, [row for row in scored.rows[account] if scores.gaps[row, k]])
        for k, kind in enumerate(GAP_KINDS)
        if scores.account_gaps[account, k]
    ]


def _figures(scored: _Scored, account: int, as_of: dt.date) -> AccountFigures:
    scores = scored.scores
    return AccountFigures(
        account_id=scored.account_ids[account],
        as_of=as_of,
        overall_closeness=_number(float(scores.overall_closeness[account])),
        coverage=_number(float(scores.coverage[account])),
        gap_count=int(scores.gap_count[account]),
        gaps=tuple(
            (kind, tuple(scored.contacts[row].pk for row in rows))
            for kind, rows in _gap_rows(scored, account)
        ),
        departments=_departments(scored, account),
        people=int(scores.active_count[account]),
    )


def relationship_figures(
    account_ids: Iterable[int],
    *,
    as_of: dt.date | None = None,
    settings: RelationshipSettings | None = None,
) -> dict[int, AccountFigures]:
    """§7 figures of many accounts at once, for the series and the sweep (no actor: a system
    read): one query for every contact (merged duplicates left out), one `score_people`
    call. An account without contacts gets the gap "no contacts"."""
    ids = sorted(set(account_ids))
    as_of = as_of or today()
    settings = settings or relationship_settings()
    contacts = list(
        Contact.objects.filter(account_id__in=ids, merged_into__isnull=True)
        .only(*SCORED_FIELDS)
        .order_by("account_id", "id")
    )
    scored = _score_contacts(contacts, ids, as_of, settings)
    return {pk: _figures(scored, i, as_of) for i, pk in enumerate(ids)}


def relationship_map(
    *, actor: User, account_id: int, as_of: dt.date | None = None
) -> RelationshipMap:
    """One account's buying centre as the actor sees it (§7): every person with their score,
    window, coverage and gaps; the influence links; department scores, overall closeness,
    coverage, the gaps with the people named; and the dated series. Another user's account
    raises Http404 (§13)."""
    account = account_get(actor=actor, account_id=account_id)
    as_of = as_of or today()
    # Each contact once: bosses and both ends of a link are taken from this list rather
    # than joined in, so a 200-person map builds 300 rows, not 700 (bench/README.md).
    contacts = list(account_contacts(actor, account.pk).select_related(None))
    by_id = {contact.pk: contact for contact in contacts}
    for contact in contacts:
        Contact.reports_to.field.set_cached_value(contact, by_id.get(contact.reports_to_id or 0))
    links = list(account_links(actor, account.pk).select_related(None))
    for link in links:
        InfluenceLink.source.field.set_cached_value(link, by_id[link.source_id])
        InfluenceLink.target.field.set_cached_value(link, by_id[link.target_id])
    scored = _score_contacts(contacts, [account.pk], as_of, relationship_settings())
    scores = scored.scores
    gaps = _gap_rows(scored, 0)
    naming: dict[int, list[str]] = {}
    for kind, rows in gaps:
        for row in rows:
            naming.setdefault(row, []).append(kind)
    people = [
        MapPerson(
            contact=contact,
            score=_number(float(scores.person_score[row])),
            weight=float(scores.weight[row]),
            in_window=bool(scores.in_window[row]),
            must_cover=bool(scores.must_cover[row]),
            covered=bool(scores.covered[row]),
            gaps=tuple(naming.get(row, ())),
        )
        for row, contact in enumerate(contacts)
    ]
    return RelationshipMap(
        account=account,
        as_of=as_of,
        people=people,
        links=links,
        overall_closeness=_number(float(scores.overall_closeness[0])),
        coverage=_number(float(scores.coverage[0])),
        departments=list(_departments(scored, 0)),
        gaps=[Gap(kind, tuple(contacts[row] for row in rows)) for kind, rows in gaps],
        series=list(account_score_series(actor, account.pk)),
    )
