"""What the risk pages draw (DOMAIN §10): the factor bars, the risk trend, the class-mix
forecast and the transition heat map, the calibration and hold-out charts, and the model
parameters as rows. Plain dicts for `json_script`; the views stay thin."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.utils.translation import gettext as _

from kam.core.numbers import MINUS
from kam.risk.factors import factor_label, factor_value_text
from kam.risk.models import ModelKind, ModelRun, RiskMonth, RiskScore
from kam.risk.selectors import MarkovForecast

# The BG/NBD horizon the panel's "expected purchases" covers when the run does not say.
DEFAULT_HORIZON_WEEKS = 12
# The win-back plan's page, built by the win-back part; linked only once it exists.
STATE_COLOURS = {"A": "#1f4e8c", "B": "#5b8bd0", "C": "#2e9e5b", "D": "#98a2b3", "lost": "#c23b3b"}


@dataclass(frozen=True)
class FactorRow:
    factor: str
    label: str
    value: float | None
    value_text: str
    contribution: float

    @property
    def toward_churn(self) -> bool:
        return self.contribution > 0

    @property
    def contribution_text(self) -> str:
        """The push on the log-odds, signed: +0.81, −0.18."""
        text = f"{abs(self.contribution):.2f}"
        if text == "0.00":
            return text
        return f"{'+' if self.contribution > 0 else MINUS}{text}"


def factor_rows(score: RiskScore) -> list[FactorRow]:
    """The score's top factors (largest |contribution| first), labelled, with their values
    in their units (§10)."""
    rows = []
    for item in score.top_factors or []:
        name = str(item.get("factor", ""))
        value = item.get("value")
        rows.append(
            FactorRow(
                factor=name,
                label=factor_label(name),
                value=None if value is None else float(value),
                value_text=factor_value_text(name, None if value is None else float(value)),
                contribution=float(item.get("contribution") or 0.0),
            )
        )
    return rows


def factor_chart(rows: list[FactorRow]) -> dict[str, Any]:
    """A signed horizontal bar per factor: right and red toward churn, left and green away."""
    return {
        "bars": [
            {
                "name": f"{row.label} ({row.value_text})",
                "value": round(row.contribution, 4),
            }
            for row in rows
        ],
        "labels": {
            "axis": _("Contribution to the churn log-odds"),
            "toward": _("toward churn"),
            "away": _("away from churn"),
        },
    }


def trend_chart(months: list[RiskMonth]) -> dict[str, Any]:
    """The account's churn probability and p(alive) at each month end of its history."""
    return {
        "months": [month.month_end.strftime("%Y-%m") for month in months],
        "churn": [_rounded(month.churn_probability) for month in months],
        "p_alive": [_rounded(month.p_alive) for month in months],
        "labels": {"churn": _("Churn probability"), "p_alive": _("p(alive)")},
    }


def _rounded(value: float | None, places: int = 3) -> float | None:
    return None if value is None else round(value, places)


def horizon_weeks(runs: dict[str, ModelRun]) -> int:
    """The weeks the stored expected purchases cover (the BG/NBD run's horizon)."""
    for kind in (ModelKind.BGNBD_COVARIATES, ModelKind.BGNBD):
        run = runs.get(kind)
        if run is not None and run.used and run.quality.get("horizon_weeks"):
            return int(run.quality["horizon_weeks"])
    return DEFAULT_HORIZON_WEEKS


def bgnbd_run(runs: dict[str, ModelRun]) -> ModelRun | None:
    """The BG/NBD run that drives the scores (the one used: plain or with covariates), else
    the newest of the two."""
    fitted = [runs[k] for k in (ModelKind.BGNBD_COVARIATES, ModelKind.BGNBD) if k in runs]
    return next((run for run in fitted if run.used), fitted[0] if fitted else None)


def state_label(state: str) -> str:
    return _("lost") if state == "lost" else state


def mix_chart(markov: MarkovForecast) -> dict[str, Any]:
    """The class mix over the next months as stacked areas, one per state (§11)."""
    return {
        "months": [month[:7] for month in markov.months],
        "series": [
            {
                "name": state_label(state),
                "colour": STATE_COLOURS.get(state, "#667085"),
                "data": markov.mix.get(state, []),
            }
            for state in markov.states
        ],
        "labels": {"accounts": _("accounts")},
    }


def transition_chart(markov: MarkovForecast) -> dict[str, Any]:
    """The one-month transition matrix as a heat map: row = class now, column = next month,
    the probability in the cell and the observed moves on hover."""
    cells = [
        [to, origin, round(markov.transition[origin][to], 4), markov.counts[origin][to]]
        for origin in range(len(markov.states))
        for to in range(len(markov.states))
    ]
    return {
        "states": [state_label(s) for s in markov.states],
        "cells": cells,
        "labels": {
            "from": _("class now"),
            "to": _("class next month"),
            "moves": _("observed moves"),
            "probability": _("probability"),
        },
    }


def transition_rows(markov: MarkovForecast) -> list[tuple[str, list[tuple[float, int]]]]:
    """The transition matrix as table rows: (state, [(probability, count), …])."""
    return [
        (
            state_label(state),
            list(zip(markov.transition[i], markov.counts[i], strict=False)),
        )
        for i, state in enumerate(markov.states)
    ]


def calibration_chart(quality: dict[str, Any]) -> dict[str, Any]:
    """Predicted against observed churn per bin for the model and the recency baseline; the
    diagonal is a perfectly calibrated model."""

    def points(table: list[dict[str, Any]]) -> list[list[float]]:
        return [
            [round(float(b["predicted"]), 4), round(float(b["actual"]), 4), int(b["count"])]
            for b in table or []
        ]

    baseline = quality.get("baseline") or {}
    return {
        "model": points(quality.get("calibration") or []),
        "baseline": points(baseline.get("calibration") or []),
        "labels": {
            "model": _("Churn model"),
            "baseline": _("Recency baseline"),
            "ideal": _("Perfect calibration"),
            "predicted": _("predicted churn rate"),
            "actual": _("observed churn rate"),
            "count": _("accounts"),
        },
    }


def _frequency_bin(row: dict[str, Any]) -> str:
    """A hold-out row's repeat purchases: "3", "3–4" or "50+" (older runs: one count)."""
    low = int(row["frequency"])
    if "frequency_to" not in row:
        return str(low)
    last = row["frequency_to"]
    if last is None:
        return f"{low}+"
    return str(low) if int(last) == low else f"{low}–{int(last)}"


def holdout_chart(quality: dict[str, Any]) -> dict[str, Any]:
    """BG/NBD's predicted against actual purchases in the hold-out, by purchases in the
    calibration period (§10)."""
    rows = (quality.get("holdout") or {}).get("by_frequency") or []
    return {
        "frequencies": [_frequency_bin(row) for row in rows],
        "predicted": [round(float(row["predicted"]), 3) for row in rows],
        "actual": [round(float(row["actual"]), 3) for row in rows],
        "customers": [int(row.get("customers", 0)) for row in rows],
        "labels": {
            "predicted": _("Predicted by BG/NBD"),
            "actual": _("Actual"),
            "frequency": _("repeat purchases in the calibration period"),
            "purchases": _("purchases per account in the hold-out"),
            "customers": _("accounts"),
        },
    }


def parameter_rows(run: ModelRun) -> list[tuple[str, str]]:
    """A run's fitted parameters as (name, value) text rows; the Markov matrices are drawn
    on the migration page, the churn coefficients by factor label."""
    parameters = run.parameters or {}
    rows: list[tuple[str, str]] = []
    if run.kind == ModelKind.CHURN:
        if "intercept" in parameters:
            rows.append((_("intercept"), _number(parameters["intercept"])))
        for name, value in (parameters.get("coefficients") or {}).items():
            rows.append((factor_label(name), _number(value)))
        return rows
    if run.kind == ModelKind.MARKOV:
        for key in ("smoothing", "months"):
            if key in parameters:
                rows.append((key, _number(parameters[key])))
        return rows
    for name, value in parameters.items():
        if isinstance(value, dict):
            rows.extend((f"{name}: {key}", _number(v)) for key, v in value.items())
        else:
            rows.append((name, _number(value)))
    return rows


def _number(value: Any) -> str:
    if isinstance(value, bool) or not isinstance(value, int | float):
        return str(value)
    if isinstance(value, int):
        return str(value)
    return f"{value:.4g}"
