"""Reads of competitor moves (DOMAIN §9, §13): everything starts from the accounts the
reader sees; another manager's move answers 404."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db.models import Count, Max, QuerySet
from django.shortcuts import get_object_or_404

from kam.accounts.models import Account
from kam.accounts.selectors import accounts_visible_to
from kam.engagement.competitors.models import CompetitorMove
from kam.org.models import User

MAX_COMPETITORS = 500


@dataclass(frozen=True)
class MoveFilters:
    account_id: int | None = None
    competitor: str = ""
    offer: str = ""
    date_from: dt.date | None = None
    date_to: dt.date | None = None


def competitor_moves_visible_to(actor: User) -> QuerySet[CompetitorMove]:
    return CompetitorMove.objects.filter(account__in=accounts_visible_to(actor))


def _filtered(rows: QuerySet[CompetitorMove], f: MoveFilters) -> QuerySet[CompetitorMove]:
    if f.account_id is not None:
        rows = rows.filter(account_id=f.account_id)
    if f.competitor:
        rows = rows.filter(competitor__iexact=f.competitor.strip())
    if f.offer:
        rows = rows.filter(offer=f.offer)
    if f.date_from is not None:
        rows = rows.filter(seen_on__gte=f.date_from)
    if f.date_to is not None:
        rows = rows.filter(seen_on__lte=f.date_to)
    return rows


def competitor_move_list(
    *, actor: User, filters: MoveFilters | None = None
) -> QuerySet[CompetitorMove]:
    """The moves at the accounts the actor sees, latest seen first, filtered by account,
    competitor (any case), offer and the day seen (inclusive)."""
    rows = _filtered(competitor_moves_visible_to(actor), filters or MoveFilters())
    return rows.select_related("account", "seen_by").order_by("-seen_on", "-id")


def competitor_moves_of(account: Account) -> QuerySet[CompetitorMove]:
    """One account's moves, latest seen first (the caller has passed the account's gate)."""
    return (
        CompetitorMove.objects.filter(account=account)
        .select_related("seen_by")
        .order_by("-seen_on", "-id")
    )


def competitor_move_get(*, actor: User, move_id: int) -> CompetitorMove:
    """Missing and not-visible raise the same Http404 (§13)."""
    return get_object_or_404(
        competitor_moves_visible_to(actor).select_related("account"), pk=move_id
    )


@dataclass(frozen=True)
class CompetitorSummary:
    """One competitor across the reader's accounts: how many moves of each offer, at how
    many accounts, last seen when (who offers what where)."""

    competitor: str
    moves: int
    accounts: int
    offers: dict[str, int]
    last_seen: dt.date


def competitor_summary(
    *, actor: User, filters: MoveFilters | None = None
) -> list[CompetitorSummary]:
    """The competitors seen, most moves first, in one grouped query."""
    rows = _filtered(competitor_moves_visible_to(actor), filters or MoveFilters()).order_by()
    grouped = rows.values("competitor", "offer").annotate(n=Count("id"), last=Max("seen_on"))
    reach = dict(
        rows.values("competitor")
        .annotate(a=Count("account_id", distinct=True))
        .values_list("competitor", "a")
    )
    moves: dict[str, int] = {}
    offers: dict[str, dict[str, int]] = {}
    last: dict[str, dt.date] = {}
    for row in grouped:
        name = row["competitor"]
        moves[name] = moves.get(name, 0) + int(row["n"])
        offers.setdefault(name, {})[row["offer"]] = int(row["n"])
        last[name] = max(last.get(name, row["last"]), row["last"])
    summaries = [
        CompetitorSummary(name, count, int(reach.get(name, 0)), offers[name], last[name])
        for name, count in moves.items()
    ]
    summaries.sort(key=lambda s: (-s.moves, s.competitor.lower()))
    return summaries[:MAX_COMPETITORS]


def competitor_names(*, actor: User) -> list[str]:
    """The competitors named at the reader's accounts, for the filter's suggestions."""
    rows = (
        competitor_moves_visible_to(actor)
        .order_by("competitor")
        .values_list("competitor", flat=True)
    )
    return list(rows.distinct()[:MAX_COMPETITORS])
