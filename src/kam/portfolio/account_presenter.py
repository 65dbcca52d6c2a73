"""What the account page says of an account's portfolio figures, in words a manager reads
(§2–§6; docs/rules.md "Groups and their entities", "Trends in words").

The view reads through the selectors and hands the rows here; nothing here queries the
database.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from django.utils.translation import gettext as _

from kam.core.money import cents_grouped
from kam.core.numbers import signed_percent
from kam.portfolio.models import Lifecycle, Snapshot, Strategy
from kam.portfolio.presenters import rule_reason
from kam.portfolio.selectors import AccountStrategy, Governed, HistoryMonth

STRIP_MONTHS = 24  # month ends shown on the class strip


def cents(value: int | None) -> str:
    """12345678 → "123,456.78": grouped, two places, exact, in the reader's locale."""
    return "" if value is None else cents_grouped(value)


def year_on_year(snapshot: Snapshot) -> str:
    """C against C_prev (§2) in words: "−73 % on the year before"."""
    previous, current = snapshot.contribution_prev_cents, snapshot.contribution_cents
    if previous <= 0:
        if current > 0:
            return _("no revenue in the year before, so no comparison")
        return _("no revenue in the last two years")
    return _("%(change)s on the year before") % {"change": signed_percent(current / previous - 1)}


def monthly_slope(snapshot: Snapshot, currency: str) -> str:
    """The OLS slope β of §5 as money per month: "falling by 55,084.13 CNY a month".

    The relative annual slope g is not shown: a line falling to zero within the window gives
    g below −100 %, which no reader can take as a share of anything.
    """
    if not snapshot.trend_months or snapshot.trend_slope is None:
        return ""
    slope = round(snapshot.trend_slope)  # cents per month
    if slope == 0:
        return _("flat over the last %(months)s months") % {"months": snapshot.trend_months}
    words = {
        "amount": cents(abs(slope)),
        "currency": currency,
        "months": snapshot.trend_months,
    }
    if slope < 0:
        return _("falling by %(amount)s %(currency)s a month (trend of %(months)s months)") % words
    return _("rising by %(amount)s %(currency)s a month (trend of %(months)s months)") % words


def score_context(snapshot: Snapshot) -> str:
    """The score (§2) beside what it is: a rank among the accounts, not a mark of health."""
    if snapshot.score is None:
        return _("no score: no factor is known")
    text = _(
        "its rank among the portfolio's accounts (0–100) on size, potential, growth, margin "
        "and ratings — not a measure of health"
    )
    if snapshot.lifecycle in (Lifecycle.DECLINE, Lifecycle.LOST) and snapshot.score >= 50:
        text += ". " + _("It ranks high because it is large, while its revenue is falling.")
    return text


@dataclass(frozen=True)
class PotentialText:
    """The potential and share of wallet as they were measured, or said to be filled in."""

    potential: str
    share_of_wallet: str
    filled: bool
    note: str


def potential_text(snapshot: Snapshot) -> PotentialText:
    """A missing or too-low estimate is filled with the contribution (§3 potential rules):
    say so, and never show the 100 % share it makes as a measured one."""
    if snapshot.potential_missing:
        return PotentialText(
            _("no estimate"),
            _("not measured"),
            True,
            _(
                "No estimate — potential taken as the contribution, so share of wallet is not "
                "measured and the matrix sees no headroom. Add an estimate."
            ),
        )
    if snapshot.potential_below_contribution:
        return PotentialText(
            cents(snapshot.potential_cents),
            _("not measured"),
            True,
            _(
                "The estimate (%(estimate)s) is below what the customer already buys — "
                "potential taken as the contribution, so share of wallet is not measured."
            )
            % {"estimate": cents(snapshot.potential_estimate_cents)},
        )
    return PotentialText(
        cents(snapshot.potential_cents), f"{(snapshot.share_of_wallet or 0) * 100:.1f} %", False, ""
    )


@dataclass(frozen=True)
class ScopeView:
    """One side of the account's picture: the entity on its own, or its group."""

    key: str  # "entity" or "group"
    title: str
    snapshot: Snapshot
    potential: PotentialText
    year_on_year: str
    slope: str
    score: str


def scope_view(key: str, title: str, snapshot: Snapshot, currency: str) -> ScopeView:
    return ScopeView(
        key,
        title,
        snapshot,
        potential_text(snapshot),
        year_on_year(snapshot),
        monthly_slope(snapshot, currency),
        score_context(snapshot),
    )


def _label(strategy: str | None) -> str:
    return str(Strategy(strategy).label) if strategy in Strategy.values else "—"


def group_difference(entity: Snapshot, group: Snapshot, group_name: str) -> list[str]:
    """Why the group's class differs from the entity's (§2 groups, §3)."""
    lines = [
        _(
            "The group's contribution (%(group)s) is the sum of its members'; this entity's own "
            "is %(entity)s."
        )
        % {"group": cents(group.contribution_cents), "entity": cents(entity.contribution_cents)}
    ]
    if group.potential_missing:
        lines.append(_("No member has a potential estimate: the group's is its contribution."))
    else:
        lines.append(
            _(
                "The group's potential (%(potential)s) is the parent's own estimate when it has "
                "one, else the sum of its members' potentials (a member without an estimate "
                "counts its contribution)."
            )
            % {"potential": cents(group.potential_cents)}
        )
    if entity.account_class != group.account_class:
        lines.append(
            _("So %(group)s as a whole is class %(group_class)s, this entity alone class %(own)s.")
            % {
                "group": group_name,
                "group_class": group.account_class,
                "own": entity.account_class,
            }
        )
    return lines


def governing_reason(strategy: AccountStrategy, account_code: str) -> str:
    """Why the governing strategy governs (docs/rules.md "Groups and their entities")."""
    group = strategy.group_account
    names = {
        "strategy": _label(strategy.strategy),
        "own": _label(strategy.recommended),
        "rule": strategy.rule or "",
        "group": f"{group.code} {group.name}" if group else "",
        "code": account_code,
    }
    governed = strategy.governed_by
    if governed == Governed.OVERRIDE and strategy.override is not None:
        if strategy.in_group and group is not None and group.code != account_code:
            return _(
                "A manager's override for this entity, departing from the group's strategy "
                "(%(baseline)s) with a reason."
            ) % {"baseline": _label(strategy.baseline)}
        return _("A manager's override, with a reason.")
    if governed == Governed.GROUP_OVERRIDE:
        return (
            _(
                "%(code)s is part of %(group)s: the group is one customer with one key account "
                "plan, and its manager chose %(strategy)s for the whole group."
            )
            % names
        )
    if governed == Governed.GROUP:
        return (
            _(
                "The group is one customer with one key account plan: %(group)s's strategy "
                "governs the work of all its members."
            )
            % names
        )
    return ""


def entity_reason(strategy: AccountStrategy) -> str:
    """The entity's own recommendation, secondary, when the group's strategy governs it."""
    if strategy.governed_by != Governed.GROUP or not strategy.entity_differs:
        return ""
    return _("On its own this entity would get %(own)s (%(rule)s): %(why)s") % {
        "own": _label(strategy.recommended),
        "rule": strategy.rule or "",
        "why": rule_reason(strategy.rule),
    }


@dataclass(frozen=True)
class StripCell:
    month: str  # "2025-11"
    account_class: str
    present: bool


def class_strip(months: Sequence[HistoryMonth], latest: Snapshot | None) -> list[StripCell]:
    """The class at each of the last month ends (the monthly history, §2 --history), and the
    latest scored date when it is not one of them."""
    cells = [
        StripCell(m.as_of.strftime("%Y-%m"), m.account_class, bool(m.account_class.strip()))
        for m in months[-STRIP_MONTHS:]
    ]
    if latest is not None and (not months or latest.as_of > months[-1].as_of):
        cells.append(StripCell(latest.as_of.isoformat(), latest.account_class, True))
    return cells


def rescore_change(before: dict[str, Any], after: dict[str, Any]) -> list[tuple[str, str, str]]:
    """What a re-score moved, as (what, from, to) for the history."""
    moved: list[tuple[str, str, str]] = []
    fields = (
        ("class", _("class"), str),
        ("strategy", _("strategy"), _label),
        ("score", _("score"), lambda v: "—" if v is None else f"{v:.1f}"),
        ("group_class", _("group class"), str),
        ("group_strategy", _("group strategy"), _label),
    )
    for key, label, show in fields:
        old, new = before.get(key), after.get(key)
        if (
            key == "score"
            and old is not None
            and new is not None
            and round(old, 1) == round(new, 1)
        ):
            continue
        if old != new and new is not None:
            moved.append((str(label), "—" if old is None else show(old), show(new)))
    return moved


@dataclass(frozen=True)
class AccountStory:
    """The account's portfolio picture told once: the views side by side, why they differ,
    the strategy that governs and why, the class over time."""

    views: list[ScopeView]
    difference: list[str]
    governing_reason: str
    entity_reason: str
    strips: list[tuple[str, list[StripCell]]]


def account_story(
    *,
    account_code: str,
    strategy: AccountStrategy,
    currency: str,
    entity_months: Sequence[HistoryMonth],
    group_months: Sequence[HistoryMonth],
) -> AccountStory:
    """The account's story from its strategy (entity and group snapshots) and monthly
    histories (§2 groups, §3, §5, §6)."""
    views: list[ScopeView] = []
    strips: list[tuple[str, list[StripCell]]] = []
    entity, group, top = strategy.snapshot, strategy.group_snapshot, strategy.group_account
    if entity is not None:
        title = _("This entity on its own") if group is not None else _("This account")
        views.append(scope_view("entity", title, entity, currency))
        strips.append((title, class_strip(entity_months, entity)))
    difference: list[str] = []
    if group is not None and top is not None:
        title = _("The group %(code)s with its subsidiaries") % {"code": top.code}
        views.append(scope_view("group", title, group, currency))
        strips.append((title, class_strip(group_months, group)))
        if entity is not None:
            difference = group_difference(entity, group, top.code)
    return AccountStory(
        views,
        difference,
        governing_reason(strategy, account_code),
        entity_reason(strategy),
        strips,
    )
