"""The intervention report as the page and the API show it (DOMAIN §10): the plain statement
of each outcome's verdict, the figures as JSON, and the data of kam.js's "before-after" bars."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext as _

from kam.analytics.intervention import (
    HIGHER,
    LOWER,
    SPANS_ZERO,
    DifferenceInDifferences,
    GroupChange,
)
from kam.risk.report import InterventionReport

CHURN = "churn"
CSAT = "csat"


def _points(value: float) -> str:
    """A difference of rates in percentage points, signed: −0.25 → "−25.0"."""
    return f"{value * 100:+.1f}".replace("-", "−")


def _csat(value: float) -> str:
    return f"{value:+.2f}".replace("-", "−")


def statement(did: DifferenceInDifferences, outcome: str) -> str:
    """What one outcome's difference in differences says, in words (§10: a plain statement
    when the groups are too small to conclude)."""
    if did.estimate is None or did.low is None or did.high is None:
        return _(
            "Too small to conclude: %(treated)s treated and %(untreated)s untreated accounts "
            "were measured before and after; the report needs at least %(minimum)s in each "
            "group."
        ) % {
            "treated": did.treated.accounts,
            "untreated": did.untreated.accounts,
            "minimum": did.minimum,
        }
    show = _points if outcome == CHURN else _csat
    figures = {
        "estimate": show(did.estimate),
        "low": show(did.low),
        "high": show(did.high),
        "treated": did.treated.accounts,
        "untreated": did.untreated.accounts,
        "minimum": did.minimum,
    }
    # The two "too small" statements carry the unit: they have no "percentage points" words.
    with_unit = figures | {
        "estimate": _difference(did.estimate, outcome),
        "low": _difference(did.low, outcome),
        "high": _difference(did.high, outcome),
    }
    if did.treated.accounts < did.minimum or did.untreated.accounts < did.minimum:
        return (
            _(
                "Too small to conclude: %(treated)s treated and %(untreated)s untreated accounts "
                "were measured before and after; the report needs at least %(minimum)s in each "
                "group (the difference would be %(estimate)s)."
            )
            % with_unit
        )
    if did.verdict == SPANS_ZERO:
        return (
            _(
                "Too small to conclude: the difference, %(estimate)s, has a 95 %% interval from "
                "%(low)s to %(high)s, which includes no difference at all."
            )
            % with_unit
        )
    texts = {
        (CHURN, LOWER): _(
            "The treated accounts' churn rate moved %(estimate)s percentage points against "
            "the untreated accounts' (95 %% interval %(low)s to %(high)s): less churn went "
            "with the plans."
        ),
        (CHURN, HIGHER): _(
            "The treated accounts' churn rate moved %(estimate)s percentage points against "
            "the untreated accounts' (95 %% interval %(low)s to %(high)s): more churn went "
            "with the plans."
        ),
        (CSAT, HIGHER): _(
            "The treated accounts' CSAT moved %(estimate)s points against the untreated "
            "accounts' (95 %% interval %(low)s to %(high)s): higher satisfaction went with "
            "the plans."
        ),
        (CSAT, LOWER): _(
            "The treated accounts' CSAT moved %(estimate)s points against the untreated "
            "accounts' (95 %% interval %(low)s to %(high)s): lower satisfaction went with "
            "the plans."
        ),
    }
    return texts[(outcome, did.verdict)] % figures


def _group(group: GroupChange) -> dict[str, Any]:
    return {
        "accounts": group.accounts,
        "before": group.before,
        "after": group.after,
        "change": group.change,
    }


def outcome_payload(did: DifferenceInDifferences, outcome: str) -> dict[str, Any]:
    return {
        "treated": _group(did.treated),
        "untreated": _group(did.untreated),
        "estimate": did.estimate,
        "standard_error": did.standard_error,
        "degrees_of_freedom": did.degrees_of_freedom,
        "low": did.low,
        "high": did.high,
        "confidence": did.confidence,
        "verdict": did.verdict,
        "conclusive": did.conclusive,
        "statement": statement(did, outcome),
    }


def report_payload(report: InterventionReport) -> dict[str, Any]:
    """The report as `InterventionReportOut` reads it."""
    window = report.window
    return {
        "until": window.until,
        "plans_from": window.plans_from,
        "plans_until": window.plans_until,
        "first_index": window.first_index,
        "last_index": window.last_index,
        "months": window.months,
        "minimum": report.minimum,
        "treated_accounts": report.treated_accounts,
        "untreated_accounts": report.untreated_accounts,
        "plans_in_window": report.plans_in_window,
        "plans_not_at_risk": report.plans_not_at_risk,
        "churn": outcome_payload(report.churn, CHURN),
        "csat": outcome_payload(report.csat, CSAT),
        "accounts": report.accounts,
    }


def _bars(did: DifferenceInDifferences, scale: float) -> list[list[float | None]]:
    """[[treated before, untreated before], [treated after, untreated after]]."""

    def value(number: float | None) -> float | None:
        return None if number is None else round(number * scale, 2)

    return [
        [value(did.treated.before), value(did.untreated.before)],
        [value(did.treated.after), value(did.untreated.after)],
    ]


def before_after_chart(did: DifferenceInDifferences, outcome: str) -> dict[str, Any]:
    """Bars per group, before beside after, for kam.js's "before-after" chart: the churn rate
    in percent, CSAT on its 1–5 scale."""
    churn = outcome == CHURN
    return {
        "groups": [
            _("Treated (%(count)s)") % {"count": did.treated.accounts},
            _("Untreated (%(count)s)") % {"count": did.untreated.accounts},
        ],
        "periods": [_("6 months before"), _("6 months after")],
        "values": _bars(did, 100.0 if churn else 1.0),
        "unit": "%" if churn else "",
        "axis": _("churn rate (%)") if churn else _("CSAT (1–5)"),
        "min": 0 if churn else 1,
        "max": 100 if churn else 5,
    }


def _rate(value: float | None) -> str:
    return "–" if value is None else f"{value * 100:.1f} %"


def _mean(value: float | None) -> str:
    return "–" if value is None else f"{value:.2f}"


def _difference(value: float | None, outcome: str) -> str:
    if value is None:
        return "–"
    if outcome == CHURN:
        return _("%(value)s pp") % {"value": _points(value)}
    return _csat(value)


def outcome_panel(did: DifferenceInDifferences, outcome: str, title: str) -> dict[str, Any]:
    """One outcome's card on the page: the statement, the chart, the group rows as text."""
    level = _rate if outcome == CHURN else _mean
    groups = [
        (_("Treated"), did.treated),
        (_("Untreated"), did.untreated),
    ]
    interval = (
        f"{_difference(did.low, outcome)} … {_difference(did.high, outcome)}"
        if did.low is not None and did.high is not None
        else ""
    )
    return {
        "key": outcome,
        "title": title,
        "verdict": did.verdict,
        "conclusive": did.conclusive,
        "statement": statement(did, outcome),
        "chart": before_after_chart(did, outcome),
        "chart_id": f"chart-{outcome}",
        "groups": [
            {
                "label": label,
                "accounts": group.accounts,
                "before": level(group.before),
                "after": level(group.after),
                "change": _difference(group.change, outcome),
            }
            for label, group in groups
        ],
        "estimate": _difference(did.estimate, outcome),
        "interval": interval,
    }
