"""The alerts a scoring run raises and resolves, each with its cause (DOMAIN §3, §4, §10,
§13; docs/rules.md "Alerts"): which input moved, from what to what, compared with the full
snapshot before the run's newest date (and, for a class drop, the state before the drop)."""

from __future__ import annotations

import datetime as dt
from typing import Any

import numpy as np
import numpy.typing as npt

from kam.accounts.models import Account
from kam.alerts.registry import Finding
from kam.alerts.services import alerts_sync
from kam.analytics import causes as causes_core
from kam.analytics.matrix import effective_potential
from kam.analytics.portfolio import MigrationWatch, Result, month_index, potential_age_months
from kam.analytics.rules import Rules
from kam.core.money import cents_text
from kam.org.selectors import base_currency
from kam.portfolio import alerts
from kam.portfolio.selectors.drops import PreviousFigures, previous_snapshot_figures

BoolArray = npt.NDArray[np.bool_]


def _money(cents: int | None) -> str | None:
    return None if cents is None else cents_text(int(cents))


def _share(value: float | None) -> float | None:
    if value is None or not np.isfinite(value):
        return None
    return round(float(value), 4)


def _sow(c: int, p: int) -> float | None:
    return round(c / p, 4) if p > 0 else None


def change(
    name: str, unit: str, before: Any, after: Any, *, driver: bool = False
) -> dict[str, Any]:
    """One input of a cause: from what to what (docs/rules.md "Alerts")."""
    return {"input": name, "unit": unit, "from": before, "to": after, "driver": driver}


def _age(estimated_on: dt.date | None, as_of: dt.date | None) -> float | None:
    if estimated_on is None or as_of is None:
        return None
    ages = potential_age_months(
        np.array([month_index(estimated_on)]), np.array([estimated_on.day]), as_of
    )
    return float(ages[0])


class _Context:
    """What every cause of one run names: the dates compared and the currency."""

    def __init__(self, result: Result) -> None:
        self.cols = result.columns
        self.as_of = result.as_of
        self.ids: list[int] = np.asarray(self.cols["account_id"]).tolist()
        self.previous_on, self.previous = previous_snapshot_figures(result.as_of)
        self.currency = base_currency()

    def cause(self, rule: str, changes: list[dict[str, Any]], **extra: Any) -> dict[str, Any]:
        return {
            "rule": rule,
            "from_date": self.previous_on.isoformat() if self.previous_on else None,
            "to_date": self.as_of.isoformat(),
            "currency": self.currency,
            "changes": changes,
            **extra,
        }

    def before(self, row: int) -> PreviousFigures | None:
        return self.previous.get(self.ids[row])

    def value(self, name: str, row: int) -> Any:
        return np.asarray(self.cols[name])[row]

    def estimate(self, row: int) -> int | None:
        if bool(self.value("potential_missing", row)):
            return None
        return int(self.value("potential_estimate_cents", row))

    def estimated_on(self, row: int) -> dt.date | None:
        found: dt.date | None = self.cols["potential_estimated_on"][row]
        return found


def portfolio_alerts(
    result: Result, migrations: MigrationWatch, since: dt.date, rules: Rules
) -> None:
    """Raise and resolve the alerts of the newest snapshot (§3, §4, §10, §13), each with its
    cause and the severity its cause carries: missing, stale or below-contribution potential
    on a key account, investment outside its band, a key account without a manager, a class
    drop. Messages are kept in English for API readers; pages word them from the data."""
    ctx = _Context(result)
    cols, ids = ctx.cols, ctx.ids
    key = np.asarray(cols["is_key"])
    missing = key & np.asarray(cols["potential_missing"])
    stale = key & ~missing & np.asarray(cols["potential_stale"])
    below = key & ~missing & np.asarray(cols["potential_below_contribution"])
    owners = dict(Account.objects.filter(pk__in=ids).values_list("pk", "owner_id"))
    no_manager = key & np.array([owners.get(pk) is None for pk in ids], dtype=bool)
    as_of = result.as_of.isoformat()

    def each(mask: BoolArray, finding: Any) -> dict[int, Finding]:
        return {ids[row]: finding(row) for row in np.flatnonzero(mask).tolist()}

    def missing_finding(row: int) -> Finding:
        before = ctx.before(row)
        became_key = before is not None and not before.is_key
        c = int(ctx.value("contribution_cents", row))
        return Finding(
            {"as_of": as_of},
            ctx.cause(
                "became_key" if became_key else "no_estimate",
                [
                    change(
                        "potential_estimate",
                        "money",
                        _money(before.potential_estimate_cents) if before else None,
                        None,
                        driver=not became_key,
                    ),
                    change("potential", "money", None, _money(c)),
                    change(
                        "is_key", "flag", before.is_key if before else None, True, driver=became_key
                    ),
                ],
            ),
        )

    def stale_finding(row: int) -> Finding:
        on = ctx.estimated_on(row)
        return Finding(
            {"as_of": as_of},
            ctx.cause(
                "estimate_aged",
                [
                    change(
                        "estimate_age",
                        "months",
                        _age(on, ctx.previous_on),
                        _age(on, result.as_of),
                        driver=True,
                    ),
                    change("estimated_on", "date", None, on.isoformat() if on else None),
                    change("potential_estimate", "money", None, _money(ctx.estimate(row))),
                ],
                limit_months=rules.potential_max_age_months,
            ),
        )

    def below_finding(row: int) -> Finding:
        before = ctx.before(row)
        estimate = ctx.estimate(row)
        lowered = (
            before is not None
            and before.potential_estimate_cents is not None
            and estimate is not None
            and estimate < before.potential_estimate_cents
        )
        return Finding(
            {"as_of": as_of},
            ctx.cause(
                "estimate_lowered" if lowered else "contribution_passed",
                [
                    change(
                        "contribution",
                        "money",
                        _money(before.contribution_cents) if before else None,
                        _money(int(ctx.value("contribution_cents", row))),
                        driver=not lowered,
                    ),
                    change(
                        "potential_estimate",
                        "money",
                        _money(before.potential_estimate_cents) if before else None,
                        _money(estimate),
                        driver=lowered,
                    ),
                ],
            ),
        )

    def manager_finding(row: int) -> Finding:
        before = ctx.before(row)
        return Finding(
            {"as_of": as_of},
            ctx.cause(
                "no_manager",
                [
                    change("owner", "text", None, None, driver=True),
                    change("is_key", "flag", before.is_key if before else None, True),
                ],
            ),
        )

    alerts_sync(alerts.KIND_POTENTIAL_MISSING, each(missing, missing_finding))
    alerts_sync(alerts.KIND_POTENTIAL_STALE, each(stale, stale_finding))
    alerts_sync(alerts.KIND_POTENTIAL_BELOW, each(below, below_finding))
    alerts_sync(alerts.KIND_NO_MANAGER, each(no_manager, manager_finding))
    band = np.asarray(cols["investment_band"])
    outside = (band == "below") | (band == "above")
    alerts_sync(
        alerts.KIND_INVESTMENT_BAND,
        each(outside, lambda row: _band_finding(ctx, row, rules)),
    )
    _class_drops(ctx, migrations, since, rules)


def _band_rule(ctx: _Context, row: int, low: float, high: float) -> str:
    """The cause of an investment ratio outside its band (docs/rules.md "Alerts")."""
    invested = int(ctx.value("investment_cents", row))
    c = int(ctx.value("contribution_cents", row))
    klass = str(ctx.value("account_class", row))
    above = str(ctx.value("investment_band", row)) == "above"
    before = ctx.before(row)
    if invested == 0:
        return "no_cost_recorded"
    if before is not None and before.account_class != klass and before.investment_band == "within":
        return "class_changed"
    if not above:
        return "under_invested" if klass in ("A", "C") else "below_band"
    if before is not None and before.contribution_cents > 0:
        if invested > before.investment_cents and invested / before.contribution_cents > high:
            return "investment_rose"
        if c < before.contribution_cents:
            return "contribution_fell"
    return "above_band"


def _band_finding(ctx: _Context, row: int, rules: Rules) -> Finding:
    klass = str(ctx.value("account_class", row))
    limits = rules.bands[klass]
    low, high = float(limits.low), float(limits.high)
    rule = _band_rule(ctx, row, low, high)
    before = ctx.before(row)
    ratio = float(ctx.value("investment_ratio", row))
    return Finding(
        {
            "as_of": ctx.as_of.isoformat(),
            "band": str(ctx.value("investment_band", row)),
            "account_class": klass,
            "ratio": ratio,
        },
        ctx.cause(
            rule,
            [
                change(
                    "investment_ratio",
                    "share",
                    _share(before.investment_ratio) if before else None,
                    _share(ratio),
                    driver=rule not in ("class_changed",),
                ),
                change(
                    "investment",
                    "money",
                    _money(before.investment_cents) if before else None,
                    _money(int(ctx.value("investment_cents", row))),
                    driver=rule in ("investment_rose", "no_cost_recorded"),
                ),
                change(
                    "contribution",
                    "money",
                    _money(before.contribution_cents) if before else None,
                    _money(int(ctx.value("contribution_cents", row))),
                    driver=rule == "contribution_fell",
                ),
                change(
                    "account_class",
                    "class",
                    before.account_class if before else None,
                    klass,
                    driver=rule == "class_changed",
                ),
            ],
            band_low=low,
            band_high=high,
        ),
    )


_CONTRIBUTION_RULES = (causes_core.CONTRIBUTION, causes_core.CONTRIBUTION_AND_POTENTIAL)
_POTENTIAL_RULES = (
    causes_core.POTENTIAL,
    causes_core.CONTRIBUTION_AND_POTENTIAL,
    causes_core.COMBINED,
)


def _class_drops(ctx: _Context, m: MigrationWatch, since: dt.date, rules: Rules) -> None:
    """Class drops (§3) with the cause of each (§10, `causes.drop_causes`): open while the
    class stays C or D, resolved when it is back to A or B."""
    key = np.asarray(ctx.cols["is_key"])
    drop_rules = m.drop_causes(rules)
    b, a = m.before, m.after
    p_before, _miss, _below = effective_potential(b.contribution, b.estimate, b.has_estimate)
    p_after, _miss, _below = effective_potential(a.contribution, a.estimate, a.has_estimate)
    found: dict[int, Finding] = {}
    for row in np.flatnonzero(m.drops_since(since)).tolist():
        rule = str(drop_rules[row])
        if rule in _CONTRIBUTION_RULES and not bool(key[row]):
            rule = f"{rule}_not_key"
        contribution_driven = rule.startswith(causes_core.CONTRIBUTION)
        potential_driven = rule.removesuffix("_not_key") in _POTENTIAL_RULES

        found[ctx.ids[row]] = Finding(
            {
                "previous_class": str(m.dropped_from[row]),
                "account_class": str(m.dropped_to[row]),
                "dropped_on": m.dropped_date(row),
            },
            {
                "rule": rule,
                "from_date": m.before_date(row),
                "to_date": m.dropped_date(row),
                "currency": ctx.currency,
                "changes": [
                    change(
                        "contribution",
                        "money",
                        _money(int(b.contribution[row])),
                        _money(int(a.contribution[row])),
                        driver=contribution_driven,
                    ),
                    change(
                        "potential_estimate",
                        "money",
                        _money(int(b.estimate[row])) if b.has_estimate[row] else None,
                        _money(int(a.estimate[row])) if a.has_estimate[row] else None,
                        driver=potential_driven,
                    ),
                    change(
                        "potential",
                        "money",
                        _money(int(p_before[row])),
                        _money(int(p_after[row])),
                    ),
                    change(
                        "share_of_wallet",
                        "share",
                        # Measured only against an estimate: a filled-in potential (§3)
                        # makes every share 100 %, which says nothing.
                        _sow(int(b.contribution[row]), int(p_before[row]))
                        if b.has_estimate[row]
                        else None,
                        _sow(int(a.contribution[row]), int(p_after[row]))
                        if a.has_estimate[row]
                        else None,
                    ),
                    change(
                        "account_class",
                        "class",
                        str(m.dropped_from[row]),
                        str(m.dropped_to[row]),
                        driver=rule == causes_core.SETTINGS,
                    ),
                ],
            },
        )
    # A drop stays open while the class is still C or D, even once it is older than the
    # window a run looks back over; the class back to A or B resolves it.
    still_low = np.isin(np.asarray(ctx.cols["account_class"]), ("C", "D"))
    keep = {ctx.ids[row] for row in np.flatnonzero(still_low).tolist()}
    alerts_sync(alerts.KIND_CLASS_DROP, found, keep=keep)
