"""The intervention report (DOMAIN §10; docs/rules.md "Intervention report (§10)"): did the
win-back plans work? At-risk accounts that a plan treated against at-risk accounts left
alone, over the same window, before against after, for the churn rate and for CSAT.

The window, as of a date (default today): plans started in the 12 calendar months that
ended 6 months before the last month end (`PLANS_FROM_MONTHS` to `PLANS_UNTIL_MONTHS` ago),
so every treated account has a full 6 months after its start to measure. Each account has an
index month end t:
- treated: the month end before the month its first plan in the window started, when its
  risk level in the monthly history (`RiskMonth`) was high or medium then;
- untreated: the first month end in the same span at which it was high or medium, when no
  plan started in its 6 months before or after t.
Churned before is the §10 label at t − 6 months (revenue in the 6 months up to t below half
of the 6 months before), churned after the label at t (the 6 months after t against the 6
before); both are read from `RiskMonth.churned`, the label the scoring run stores. CSAT
before and after is the mean of the account's survey responses in the 6 months up to t and
the 6 months after it, each response counting the mean of the CSAT dimensions it answered.
The difference in differences is `kam.analytics.intervention`'s.
"""

from __future__ import annotations

import datetime as dt
import math
from collections import defaultdict
from dataclasses import dataclass

import numpy as np

from kam.accounts.models import Account
from kam.accounts.selectors import accounts_visible_to
from kam.analytics.intervention import MIN_GROUP, DifferenceInDifferences, difference_in_differences
from kam.core.dates import today
from kam.core.months import last_month_end, month_end, month_index
from kam.engagement.surveys.models import CSAT_FIELDS
from kam.engagement.surveys.selectors import survey_responses_visible_to
from kam.org.models import User
from kam.risk.models import RiskLevel, RiskMonth, WinBackPlan

PERIOD_MONTHS = 6  # before and after: the §10 churn horizon
PLANS_FROM_MONTHS = 18  # plans started 18 …
PLANS_UNTIL_MONTHS = 6  # … to 6 months ago
AT_RISK = (RiskLevel.HIGH, RiskLevel.MEDIUM)
TREATED = "treated"
UNTREATED = "untreated"


@dataclass(frozen=True)
class ReportWindow:
    """The report's dates: plans started from `plans_from` to `plans_until` (inclusive), read
    up to the month end `until`; index month ends from `first_index` to `last_index`."""

    until: dt.date
    plans_from: dt.date
    plans_until: dt.date
    first_index: dt.date
    last_index: dt.date
    months: int = PERIOD_MONTHS


@dataclass(frozen=True)
class ReportAccount:
    """One account of the report, in its group, with its index month and its measures."""

    account_id: int
    code: str
    name: str
    group: str
    index_month: dt.date
    risk_level: str
    plan_id: int | None
    started_on: dt.date | None
    churned_before: bool | None
    churned_after: bool | None
    csat_before: float | None
    csat_after: float | None


@dataclass(frozen=True)
class InterventionReport:
    window: ReportWindow
    minimum: int
    treated_accounts: int
    untreated_accounts: int
    plans_in_window: int
    plans_not_at_risk: int  # plans in the window whose account was not high or medium at t
    churn: DifferenceInDifferences
    csat: DifferenceInDifferences
    accounts: list[ReportAccount]


def report_window(as_of: dt.date | None = None) -> ReportWindow:
    """The default window as of a date (§10 report; see the module docstring)."""
    until = last_month_end(as_of or today())
    last = month_index(until)
    plans_from = month_end(last - PLANS_FROM_MONTHS) + dt.timedelta(days=1)
    plans_until = month_end(last - PLANS_UNTIL_MONTHS)
    return ReportWindow(
        until=until,
        plans_from=plans_from,
        plans_until=plans_until,
        first_index=month_end(month_index(plans_from) - 1),
        last_index=month_end(month_index(plans_until) - 1),
    )


def _shift(day: dt.date, months: int) -> dt.date:
    return month_end(month_index(day) + months)


def _response_csat(values: tuple[int | None, ...]) -> float | None:
    answered = [v for v in values if v is not None]
    return sum(answered) / len(answered) if answered else None


def _mean(values: list[float]) -> float | None:
    return sum(values) / len(values) if values else None


def _label(value: bool | None) -> float:
    return math.nan if value is None else float(value)


def _value(value: float | None) -> float:
    return math.nan if value is None else value


def intervention_report(*, actor: User, as_of: dt.date | None = None) -> InterventionReport:
    """§10's intervention report over the accounts the actor sees (§13)."""
    window = report_window(as_of)
    visible = accounts_visible_to(actor)
    months = window.months
    plans = list(
        WinBackPlan.objects.filter(
            account__in=visible,
            started_on__gt=_shift(window.first_index, -months),
            started_on__lte=window.until,
        )
        .order_by("started_on", "id")
        .values_list("pk", "account_id", "started_on")
    )
    at_risk: dict[tuple[int, dt.date], str] = {
        (account_id, month): level
        for account_id, month, level in RiskMonth.objects.filter(
            account__in=visible,
            month_end__gte=window.first_index,
            month_end__lte=window.last_index,
            risk_level__in=AT_RISK,
        )
        .order_by()
        .values_list("account_id", "month_end", "risk_level")
    }
    starts: dict[int, list[dt.date]] = defaultdict(list)
    for _pk, account_id, started_on in plans:
        starts[account_id].append(started_on)

    # (account, index month, level, plan id, started on)
    chosen: dict[int, tuple[dt.date, str, int | None, dt.date | None]] = {}
    in_window = not_at_risk = 0
    for pk, account_id, started_on in plans:
        if not window.plans_from <= started_on <= window.plans_until or account_id in chosen:
            continue
        in_window += 1
        index = month_end(month_index(started_on) - 1)
        level = at_risk.get((account_id, index))
        if level is None:
            not_at_risk += 1
            continue
        chosen[account_id] = (index, level, pk, started_on)
    for (account_id, index), level in sorted(at_risk.items(), key=lambda item: item[0][1]):
        if account_id in chosen or (
            account_id in starts and _treated_near(starts[account_id], index, months)
        ):
            continue
        chosen[account_id] = (index, level, None, None)

    ids = sorted(chosen)
    labels: dict[tuple[int, dt.date], bool | None] = {
        (account_id, month): churned
        for account_id, month, churned in RiskMonth.objects.filter(
            account_id__in=ids,
            month_end__gte=_shift(window.first_index, -months),
            month_end__lte=window.last_index,
        )
        .order_by()
        .values_list("account_id", "month_end", "churned")
    }
    scores: dict[int, list[tuple[dt.date, float]]] = defaultdict(list)
    for account_id, responded_on, *values in (
        survey_responses_visible_to(actor)
        .filter(
            account_id__in=ids,
            responded_on__gt=_shift(window.first_index, -months),
            responded_on__lte=_shift(window.last_index, months),
        )
        .order_by()
        .values_list("account_id", "responded_on", *CSAT_FIELDS)
    ):
        csat = _response_csat(tuple(values))
        if csat is not None:
            scores[account_id].append((responded_on, csat))
    names = {
        pk: (code, name)
        for pk, code, name in Account.objects.filter(pk__in=ids).values_list("pk", "code", "name")
    }

    rows = []
    for account_id in ids:
        index, level, plan_id, plan_started = chosen[account_id]
        start, end = _shift(index, -months), _shift(index, months)
        own = scores.get(account_id, [])
        code, name = names[account_id]
        rows.append(
            ReportAccount(
                account_id=account_id,
                code=code,
                name=name,
                group=TREATED if plan_id is not None else UNTREATED,
                index_month=index,
                risk_level=level,
                plan_id=plan_id,
                started_on=plan_started,
                churned_before=labels.get((account_id, start)),
                churned_after=labels.get((account_id, index)),
                csat_before=_mean([v for day, v in own if start < day <= index]),
                csat_after=_mean([v for day, v in own if index < day <= end]),
            )
        )
    rows.sort(key=lambda r: (r.group != TREATED, r.index_month, r.code))
    treated = [r for r in rows if r.group == TREATED]
    untreated = [r for r in rows if r.group == UNTREATED]
    return InterventionReport(
        window=window,
        minimum=MIN_GROUP,
        treated_accounts=len(treated),
        untreated_accounts=len(untreated),
        plans_in_window=in_window,
        plans_not_at_risk=not_at_risk,
        churn=difference_in_differences(
            np.array([_label(r.churned_before) for r in treated]),
            np.array([_label(r.churned_after) for r in treated]),
            np.array([_label(r.churned_before) for r in untreated]),
            np.array([_label(r.churned_after) for r in untreated]),
            binary=True,
        ),
        csat=difference_in_differences(
            np.array([_value(r.csat_before) for r in treated]),
            np.array([_value(r.csat_after) for r in treated]),
            np.array([_value(r.csat_before) for r in untreated]),
            np.array([_value(r.csat_after) for r in untreated]),
        ),
        accounts=rows,
    )


def _treated_near(starts: list[dt.date], index: dt.date, months: int) -> bool:
    """Whether a plan started in the 6 months before or after `index`: such an account is
    neither a clean control nor (outside the window) a treated one."""
    return any(_shift(index, -months) < day <= _shift(index, months) for day in starts)
