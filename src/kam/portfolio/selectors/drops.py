"""The stored state a scoring run's class drops are counted from (DOMAIN §3 migration, §10
alert causes)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from kam.portfolio.models import Scope, Snapshot
from kam.portfolio.selectors.dates import migration_dates, monthly_history_states


@dataclass(frozen=True)
class StoredClassInputs:
    """Each account's class on the latest stored date before a day and, when that date is a
    full snapshot, the inputs of the class: contribution and the estimate in cents (None:
    no estimate). A month end of the monthly history keeps classes only (`figures` empty)."""

    on: dt.date | None
    classes: dict[int, str]
    figures: dict[int, tuple[int, int | None]] = field(default_factory=dict)
    from_snapshot: bool = False


def stored_class_inputs_before(day: dt.date, *, scope: str = Scope.ENTITY) -> StoredClassInputs:
    """The stored state before `day` (a full snapshot, else a month end of the monthly
    history) that class drops and their causes are counted from (§3, §10)."""
    candidates = [d for d in migration_dates(scope=scope) if d < day]
    if not candidates:
        return StoredClassInputs(None, {})
    on = candidates[0]
    rows = Snapshot.objects.filter(scope=scope, as_of=on).values_list(
        "account_id", "account_class", "contribution_cents", "potential_estimate_cents"
    )
    classes: dict[int, str] = {}
    figures: dict[int, tuple[int, int | None]] = {}
    for pk, klass, contribution, estimate in rows:
        classes[pk] = klass
        figures[pk] = (contribution, estimate)
    if classes:
        return StoredClassInputs(on, classes, figures, from_snapshot=True)
    history = monthly_history_states(on, scope, None) or {}
    return StoredClassInputs(on, {pk: state[0] for pk, state in history.items()})


@dataclass(frozen=True)
class PreviousFigures:
    """One account's figures on the full snapshot before a run's newest date (§10 causes)."""

    is_key: bool
    contribution_cents: int
    potential_estimate_cents: int | None
    potential_estimated_on: dt.date | None
    account_class: str
    investment_cents: int
    investment_ratio: float | None
    investment_band: str


def previous_snapshot_figures(
    before: dt.date, *, scope: str = Scope.ENTITY
) -> tuple[dt.date | None, dict[int, PreviousFigures]]:
    """The latest full snapshot before `before` and each account's figures on it, which the
    alerts of a run compare with (§10: which input moved, from what to what); one query."""
    on = (
        Snapshot.objects.filter(scope=scope, as_of__lt=before)
        .order_by("-as_of")
        .values_list("as_of", flat=True)
        .first()
    )
    if on is None:
        return None, {}
    rows = Snapshot.objects.filter(scope=scope, as_of=on).values_list(
        "account_id",
        "is_key",
        "contribution_cents",
        "potential_estimate_cents",
        "potential_estimated_on",
        "account_class",
        "investment_cents",
        "investment_ratio",
        "investment_band",
    )
    return on, {row[0]: PreviousFigures(*row[1:]) for row in rows}
