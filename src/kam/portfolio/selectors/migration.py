"""Class migration between two dates (DOMAIN §3, §11)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from kam.accounts.selectors import accounts_visible_to
from kam.org.models import User
from kam.portfolio.models import (
    Scope,
    Snapshot,
)
from kam.portfolio.selectors.dates import monthly_history_states


@dataclass(frozen=True)
class Migration:
    """Class migration between two stored dates (§3, §11): counts from → to, with "lost"."""

    start: dt.date
    end: dt.date
    counts: dict[tuple[str, str], int]

    @property
    def states(self) -> list[str]:
        return ["A", "B", "C", "D", "lost"]

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
    counts: dict[tuple[str, str], int] = {}
    for pk, state in before.items():
        key = (state, after.get(pk, "lost"))
        counts[key] = counts.get(key, 0) + 1
    for pk, state in after.items():
        if pk not in before:
            counts[("new", state)] = counts.get(("new", state), 0) + 1
    return Migration(start, end, counts)
