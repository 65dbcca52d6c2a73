"""API schemas of the intervention report (DOMAIN §10)."""

from __future__ import annotations

import datetime as dt

from ninja import Schema

from kam.core.schemas import IsoDate


class InterventionQuery(Schema):
    as_of: IsoDate | None = None


class GroupChangeOut(Schema):
    accounts: int
    before: float | None
    after: float | None
    change: float | None


class OutcomeOut(Schema):
    """One outcome's difference in differences: δ = treated change − untreated change."""

    treated: GroupChangeOut
    untreated: GroupChangeOut
    estimate: float | None
    standard_error: float | None
    degrees_of_freedom: float | None
    low: float | None
    high: float | None
    confidence: float
    verdict: str
    conclusive: bool
    statement: str


class ReportAccountOut(Schema):
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


class InterventionReportOut(Schema):
    until: dt.date
    plans_from: dt.date
    plans_until: dt.date
    first_index: dt.date
    last_index: dt.date
    months: int
    minimum: int
    treated_accounts: int
    untreated_accounts: int
    plans_in_window: int
    plans_not_at_risk: int
    churn: OutcomeOut
    csat: OutcomeOut
    accounts: list[ReportAccountOut]
