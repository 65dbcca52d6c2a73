"""Lifecycle stage from the monthly revenue trend (DOMAIN §5)."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from kam.analytics.rules import Rules

IntArray = npt.NDArray[np.int64]
FloatArray = npt.NDArray[np.float64]

ACQUISITION, LOST, GROWTH, DECLINE, MATURITY = (
    "acquisition",
    "lost",
    "growth",
    "decline",
    "maturity",
)
STAGES = (ACQUISITION, GROWTH, MATURITY, DECLINE, LOST)


@dataclass(frozen=True)
class Lifecycle:
    """Per account: stage, and the regression behind it (NaN where none was run)."""

    stage: npt.NDArray[np.str_]
    slope: FloatArray  # β, cents per month
    t_statistic: FloatArray  # ±inf when the points lie exactly on a line
    relative_slope: FloatArray  # g = 12β / mean(y); NaN when mean(y) ≤ 0
    months: IntArray  # months in the regression window (0 when none)


def first_revenue_month(monthly_revenue: IntArray) -> IntArray:
    """Column of each account's first month with net revenue > 0, −1 when there is none."""
    positive = monthly_revenue > 0
    first = np.argmax(positive, axis=1).astype(np.int64)
    return np.where(positive.any(axis=1), first, -1)


def stage(monthly_revenue: IntArray, first_revenue_month: IntArray, rules: Rules) -> Lifecycle:
    """Lifecycle of every account as of the end of the last column (§5).

    `monthly_revenue` holds net revenue in cents, one column per calendar month, the last column
    being the last month as of the date; `first_revenue_month` is the column of the first month
    with revenue > 0 over the account's whole history (negative when it lies before the first
    column; −1 is reserved for none, so pass a large negative number for "long ago").
    """
    y_all = np.asarray(monthly_revenue, dtype=np.int64)
    n, width = y_all.shape
    last = width - 1
    never = first_revenue_month == -1
    stage_out = np.full(n, MATURITY, dtype=f"<U{max(map(len, STAGES))}")
    slope = np.full(n, np.nan)
    t_stat = np.full(n, np.nan)
    relative = np.full(n, np.nan)
    months = np.zeros(n, dtype=np.int64)

    history = last - first_revenue_month + 1  # months from the first revenue month to the last
    acquisition = never | (history < rules.min_history_months)
    lost_window = min(rules.lost_after_months, width)
    recent_positive = (y_all[:, width - lost_window :] > 0).any(axis=1)
    lost = ~acquisition & ~recent_positive
    regress = ~acquisition & ~lost
    stage_out[acquisition] = ACQUISITION
    stage_out[lost] = LOST

    beta, t_value, g, count, ok = _regression(y_all, first_revenue_month, regress, rules)
    t_threshold = float(rules.lifecycle_t_threshold)
    g_threshold = float(rules.lifecycle_slope_threshold)
    growth = ok & (t_value >= t_threshold) & (g >= g_threshold)
    decline = ok & (t_value <= -t_threshold) & (g <= -g_threshold)
    stage_out[growth] = GROWTH
    stage_out[decline] = DECLINE
    slope[ok] = beta[ok]
    t_stat[ok] = t_value[ok]
    relative[ok] = g[ok]
    months[ok] = count[ok]
    return Lifecycle(stage_out, slope, t_stat, relative, months)


def _regression(
    y_all: IntArray, first_revenue_month: IntArray, regress: npt.NDArray[np.bool_], rules: Rules
) -> tuple[FloatArray, FloatArray, FloatArray, IntArray, npt.NDArray[np.bool_]]:
    """OLS of y on t over each account's window: β, its t-statistic, g, window size, ran."""
    n, width = y_all.shape
    window = min(rules.lifecycle_window_months, width)
    y = y_all[:, width - window :]
    # Month index t counts from the window's first column, keeping the integer moments small.
    cols = np.arange(window, dtype=np.int64)
    start = np.clip(first_revenue_month - (width - window), 0, window)
    mask = (cols[None, :] >= start[:, None]) & regress[:, None]
    count = mask.sum(axis=1)
    t = np.broadcast_to(cols, y.shape)
    ym = np.where(mask, y, 0)
    tm = np.where(mask, t, 0)
    # Exact integer moments: n·Σty − Σt·Σy decides the sign and zero of β without rounding.
    sum_t = tm.sum(axis=1)
    sum_y = ym.sum(axis=1)
    sxy_n = count * (tm * ym).sum(axis=1) - sum_t * sum_y
    sxx_n = count * (tm * tm).sum(axis=1) - sum_t * sum_t
    ok = regress & (sxx_n > 0)
    beta = np.where(ok, sxy_n / np.where(ok, sxx_n, 1), 0.0)
    # Residuals in floating point, centred for accuracy.
    with np.errstate(invalid="ignore", divide="ignore"):
        mean_t = np.where(count > 0, sum_t / np.maximum(count, 1), 0.0)
        mean_y = np.where(count > 0, sum_y / np.maximum(count, 1), 0.0)
        fitted = mean_y[:, None] + beta[:, None] * (t - mean_t[:, None])
        resid = np.where(mask, y - fitted, 0.0)
        ssr = (resid * resid).sum(axis=1)
        sxx = sxx_n / np.maximum(count, 1)
        dof = count - 2
        se = np.sqrt(np.where(dof > 0, ssr / np.maximum(dof, 1), 0.0) / np.where(ok, sxx, 1.0))
    # The points lie exactly on a line when every step between consecutive months is equal.
    steps = np.diff(y, axis=1)
    step_mask = mask[:, 1:] & mask[:, :-1]
    if window > 1:
        at = np.clip(start, 0, window - 2)[:, None]
        first_step = np.take_along_axis(steps, at, axis=1)[:, 0]
    else:
        first_step = np.zeros(n, dtype=np.int64)
    collinear = ~(step_mask & (steps != first_step[:, None])).any(axis=1) | (dof <= 0)
    beta_zero = sxy_n == 0
    with np.errstate(invalid="ignore", divide="ignore"):
        t_value = np.where(
            beta_zero,
            0.0,
            np.where(collinear, np.sign(beta) * np.inf, beta / np.where(se > 0, se, 1.0)),
        )
        g = np.where(mean_y > 0, 12.0 * beta / np.where(mean_y > 0, mean_y, 1.0), np.nan)

    return beta, t_value, g, count, ok
