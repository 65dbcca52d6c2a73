"""Class migration between two dates (DOMAIN §3, §11)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import NamedTuple

from kam.accounts.selectors import accounts_visible_to
from kam.org.models import User
from kam.portfolio.models import (
    Scope,
    Snapshot,
)
from kam.portfolio.selectors.dates import monthly_history_states


class FlowAccount(NamedTuple):
    """An account behind a flow of the migration."""

    account_id: int
    code: str
    name: str


STATES = ("A", "B", "C", "D", "lost")
FROM_STATES = (*STATES, "new")


@dataclass(frozen=True)
class Migration:
    """Class migration between two stored dates (§3, §11): counts from → to, with "lost",
    and the accounts behind each flow (by code)."""

    start: dt.date
    end: dt.date
    counts: dict[tuple[str, str], int]
    members: dict[tuple[str, str], list[FlowAccount]] = field(default_factory=dict)

    def flows(self) -> list[tuple[str, str, int, list[FlowAccount]]]:
        """Each flow with accounts, in reading order: from → to, count, the accounts."""
        return [
            (a, b, self.counts[(a, b)], self.members.get((a, b), []))
            for a in FROM_STATES
            for b in STATES
            if self.counts.get((a, b))
        ]

    @property
    def states(self) -> list[str]:
        return list(STATES)

    def matrix(self) -> list[tuple[str, list[int]]]:
        """Rows: the state at the start (and "new": no revenue yet then); columns: at the end."""
        return [
            (a, [self.counts.get((a, b), 0) for b in self.states]) for a in [*self.states, "new"]
        ]

    @property
    def drops(self) -> int:
        return sum(n for (a, b), n in self.counts.items() if a in "AB" and b in {"C", "D", "lost"})

    @property
    def upgrades(self) -> int:
        return sum(n for (a, b), n in self.counts.items() if a in {"C", "D"} and b in "AB")


def _year_before(day: dt.date) -> dt.date:
    try:
        return day.replace(year=day.year - 1)
    except ValueError:  # 29 February
        return day.replace(year=day.year - 1, day=28)


def migration_default_start(dates: list[dt.date], end: dt.date) -> dt.date:
    """The latest stored date a year or more before `end`, else the earliest (`dates` newest
    first, as migration_dates() gives them)."""
    return next((day for day in dates if day <= _year_before(end)), dates[-1])


def _state(account_class: str, lifecycle: str) -> str:
    return "lost" if lifecycle == "lost" else account_class


def class_migration(
    *, actor: User, start: dt.date, end: dt.date, scope: str = Scope.ENTITY
) -> Migration:
    """Accounts by class at two snapshot dates; accounts without revenue ever are left out."""
    visible = accounts_visible_to(actor)

    def states(day: dt.date) -> dict[int, str]:
        # Full snapshots where the date has them, else the month end of the monthly history.
        history = None
        if not Snapshot.objects.filter(as_of=day, scope=scope).exists():
            history = monthly_history_states(day, scope, visible)
        if history is not None:
            return {
                pk: "lost" if stage == "l" else klass
                for pk, (klass, stage, present) in history.items()
                if present or stage == "l"
            }
        rows = Snapshot.objects.filter(as_of=day, scope=scope, account__in=visible).values_list(
            "account_id", "account_class", "lifecycle", "active", "contribution_prev_cents"
        )
        return {
            pk: _state(klass, stage)
            for pk, klass, stage, active, prev in rows
            if active or stage == "lost" or prev
        }

    before, after = states(start), states(end)
    flow = {pk: (state, after.get(pk, "lost")) for pk, state in before.items()}
    flow |= {pk: ("new", state) for pk, state in after.items() if pk not in before}
    counts: dict[tuple[str, str], int] = {}
    members: dict[tuple[str, str], list[FlowAccount]] = {}
    # One read of the names; the accounts of a flow by code.
    for pk, code, name in visible.order_by("code").values_list("pk", "code", "name"):
        key = flow.get(pk)
        if key is None:
            continue
        counts[key] = counts.get(key, 0) + 1
        members.setdefault(key, []).append(FlowAccount(pk, code, name))
    return Migration(start, end, counts, members)
