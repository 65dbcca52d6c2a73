"""Each account's class and lifecycle moves between two stored month ends (DOMAIN §3, §5),
for the dashboards: which accounts moved, not only how many."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from kam.accounts.models import Account
from kam.accounts.selectors import accounts_visible_to
from kam.core.months import month_end, month_index
from kam.org.models import User
from kam.portfolio.models import Lifecycle, MonthlyHistory, Scope, Snapshot
from kam.portfolio.selectors.dates import history_month_ends, snapshot_dates

LOST = "lost"
NEW = "new"
STAGE_OF_LETTER = {stage.value[0]: stage.value for stage in Lifecycle}
UPPER = frozenset("AB")  # high contribution (§3)
LOWER = frozenset({"C", "D", LOST})


@dataclass(frozen=True)
class AccountMovement:
    """One account whose class or lifecycle stage differs between the two dates."""

    account: Account
    class_before: str  # A–D, "lost", or "new" (not in the portfolio at the start)
    class_after: str  # A–D or "lost"
    stage_before: str  # a Lifecycle value, or "" when not in the portfolio then
    stage_after: str

    @property
    def direction(self) -> str:
        """ "down" from A/B to C/D/lost, "up" from C/D to A/B (the migration page's drops and
        upgrades), else ""."""
        if self.class_before in UPPER and self.class_after in LOWER:
            return "down"
        if self.class_before in {"C", "D"} and self.class_after in UPPER:
            return "up"
        return ""

    @property
    def class_changed(self) -> bool:
        return self.class_before != self.class_after

    @property
    def stage_changed(self) -> bool:
        return bool(self.stage_before) and self.stage_before != self.stage_after


@dataclass(frozen=True)
class Movements:
    start: dt.date
    end: dt.date
    moves: list[AccountMovement]  # down first, then up, then the rest; ties by code
    up: int
    down: int
    class_changes: int
    stage_changes: int


State = tuple[str, str]  # (class or "lost", lifecycle stage)


def _states(day: dt.date, scope: str, visible: list[int] | None, *, full: bool) -> dict[int, State]:
    """Who counts in the portfolio at `day` and in which state, as class_migration reads it:
    from the full snapshots when the day has them (`full`), else from the monthly history."""
    if full:
        snapshots = Snapshot.objects.filter(as_of=day, scope=scope)
        if visible is not None:
            snapshots = snapshots.filter(account_id__in=visible)
        return {
            pk: (LOST if stage == Lifecycle.LOST else klass, stage)
            for pk, klass, stage, active, prev in snapshots.values_list(
                "account_id", "account_class", "lifecycle", "active", "contribution_prev_cents"
            )
            if active or stage == Lifecycle.LOST or prev
        }
    rows = MonthlyHistory.objects.filter(scope=scope)
    if visible is not None:
        rows = rows.filter(account_id__in=visible)
    found: dict[int, State] = {}
    for pk, first, classes, stages, present in rows.values_list(
        "account_id", "first_month_end", "classes", "stages", "present"
    ):
        i = month_index(day) - month_index(first)
        if not 0 <= i < len(classes):
            continue
        stage = STAGE_OF_LETTER.get(stages[i], "")
        if present[i] == "1" or stage == Lifecycle.LOST:
            found[pk] = (LOST if stage == Lifecycle.LOST else classes[i], stage)
    return found


def account_movements(
    *,
    actor: User,
    scope: str = Scope.ENTITY,
    limit: int = 10,
    only_owned: bool = False,
) -> Movements | None:
    """The visible accounts (the actor's own when `only_owned`) whose class or lifecycle stage
    moved between the last two stored month ends (§3, §5); counts over all of them, the
    first `limit` named. None while kam holds classes for fewer than two month ends."""
    snapshot_days = set(snapshot_dates(scope=scope))
    history_days = set(history_month_ends(scope=scope))
    ends = sorted(day for day in snapshot_days | history_days if day == month_end(month_index(day)))
    if len(ends) < 2:
        return None
    start, end = ends[-2], ends[-1]
    visible = accounts_visible_to(actor)
    if only_owned:
        visible = visible.filter(owner=actor)
    everyone = actor.sees_all_accounts and not only_owned
    ids = None if everyone else list(visible.values_list("pk", flat=True))
    # Full snapshots where the date has them, else the month end of the monthly history.
    before = _states(start, scope, ids, full=start in snapshot_days or start not in history_days)
    after = _states(end, scope, ids, full=end in snapshot_days or end not in history_days)
    changed: list[tuple[int, str, str, str, str]] = []
    for pk in before.keys() | after.keys():
        class_before, stage_before = before.get(pk, (NEW, ""))
        class_after, stage_after = after.get(pk, (LOST, Lifecycle.LOST))
        if class_before != class_after or (stage_before and stage_before != stage_after):
            changed.append((pk, class_before, class_after, stage_before, stage_after))
    accounts = Account.objects.only("id", "code", "name").in_bulk([row[0] for row in changed])
    moves = [
        AccountMovement(accounts[pk], cb, ca, sb, sa)
        for pk, cb, ca, sb, sa in changed
        if pk in accounts
    ]
    rank = {"down": 0, "up": 1, "": 2}
    moves.sort(key=lambda move: (rank[move.direction], move.account.code))
    return Movements(
        start=start,
        end=end,
        moves=moves[:limit],
        up=sum(move.direction == "up" for move in moves),
        down=sum(move.direction == "down" for move in moves),
        class_changes=sum(move.class_changed for move in moves),
        stage_changes=sum(move.stage_changed for move in moves),
    )
