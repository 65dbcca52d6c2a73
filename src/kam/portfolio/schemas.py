"""API schemas of the portfolio: snapshots, settings, playbooks, overrides, costs."""

import datetime as dt
import uuid
from decimal import Decimal
from typing import Any, Literal

from ninja import Field, Schema
from pydantic import StrictBool, StrictInt

from kam.accounts.models import MAX_MONEY, MONEY_DIGITS
from kam.core.money import cents_to_decimal
from kam.core.schemas import IsoDate, StrictIn, text
from kam.portfolio.models import (
    AccountClass,
    CostKind,
    Lifecycle,
    ProposalDecision,
    Scope,
    Strategy,
)

Money = Field(..., ge=0, le=MAX_MONEY, max_digits=MONEY_DIGITS, decimal_places=2)
Share = Field(..., ge=0, le=1, max_digits=5, decimal_places=4)


def _money_or_none(cents: int | None) -> Decimal | None:
    return None if cents is None else cents_to_decimal(cents)


class SnapshotOut(Schema):
    account_id: int
    account_code: str = Field(..., alias="account.code")
    account_name: str = Field(..., alias="account.name")
    as_of: dt.date
    scope: str
    active: bool
    contribution: Decimal
    contribution_prev: Decimal
    margin: Decimal
    margin_pct: float | None
    growth: float | None
    potential_estimate: Decimal | None
    potential_estimated_on: dt.date | None
    potential: Decimal
    share_of_wallet: float | None
    potential_missing: bool
    potential_below_contribution: bool
    potential_stale: bool
    relative_rule: bool
    contribution_level: str
    potential_level: str
    account_class: str
    score: float | None
    score_factors: dict[str, float | None]
    pareto_rank: int | None
    revenue_share: float | None
    cumulative_share: float | None
    pareto_candidate: bool
    key_proposal: bool
    is_key: bool
    lifecycle: str
    trend_slope: float | None
    trend_t: float | None
    trend_relative_slope: float | None
    trend_months: int
    strategy: str
    strategy_rule: str
    review_key_status: bool
    investment: Decimal
    investment_ratio: float | None
    roi: float | None
    investment_band: str

    @staticmethod
    def resolve_contribution(obj: Any) -> Decimal | None:
        return _money_or_none(obj.contribution_cents)

    @staticmethod
    def resolve_contribution_prev(obj: Any) -> Decimal | None:
        return _money_or_none(obj.contribution_prev_cents)

    @staticmethod
    def resolve_margin(obj: Any) -> Decimal | None:
        return _money_or_none(obj.margin_cents)

    @staticmethod
    def resolve_potential_estimate(obj: Any) -> Decimal | None:
        return _money_or_none(obj.potential_estimate_cents)

    @staticmethod
    def resolve_potential(obj: Any) -> Decimal | None:
        return _money_or_none(obj.potential_cents)

    @staticmethod
    def resolve_investment(obj: Any) -> Decimal | None:
        return _money_or_none(obj.investment_cents)


class PortfolioQuery(Schema):
    as_of: IsoDate | None = None
    scope: Scope = Scope.ENTITY
    account_class: AccountClass | None = None
    lifecycle: Lifecycle | None = None
    strategy: Strategy | None = None
    owner_id: int | None = Field(None, ge=1, le=2**63 - 1)
    industry: text(100) | None = None  # type: ignore[valid-type]
    region: text(100) | None = None  # type: ignore[valid-type]
    is_key: bool | None = None
    proposed: bool | None = None


class ScoreRunIn(StrictIn):
    as_of: IsoDate | None = None
    history: StrictBool = False


class ScoreRunOut(Schema):
    id: uuid.UUID
    as_of: dt.date
    history: bool
    reason: str
    status: str
    dates_total: int
    dates_done: int
    accounts: int
    message: str
    created_at: dt.datetime
    finished_at: dt.datetime | None


class SettingsOut(Schema):
    currency: str
    fiscal_year_start_month: int
    pareto_revenue_share: Decimal
    pareto_max_account_share: Decimal
    key_score_threshold: Decimal
    potential_max_age_months: int
    contribution_high: Decimal
    contribution_medium: Decimal
    potential_high: Decimal
    potential_medium: Decimal
    relative_share_threshold: Decimal
    lost_after_months: int
    min_history_months: int
    lifecycle_window_months: int
    lifecycle_t_threshold: Decimal
    lifecycle_slope_threshold: Decimal
    weight_contribution: Decimal
    weight_potential: Decimal
    weight_growth: Decimal
    weight_margin: Decimal
    weight_strategic_importance: Decimal
    weight_technical_fit: Decimal
    weight_credit_reputation: Decimal
    band_a_low: Decimal
    band_a_high: Decimal
    band_b_low: Decimal
    band_b_high: Decimal
    band_c_low: Decimal
    band_c_high: Decimal
    band_d_low: Decimal
    band_d_high: Decimal
    updated_at: dt.datetime


Months = Field(None, ge=1, le=120)
ShareOpt = Field(None, ge=0, le=1, max_digits=5, decimal_places=4)
MoneyOpt = Field(None, ge=0, le=MAX_MONEY, max_digits=MONEY_DIGITS, decimal_places=2)


class SettingsPatch(StrictIn):
    currency: text(3, 3) | None = None  # type: ignore[valid-type]
    fiscal_year_start_month: StrictInt | None = Field(None, ge=1, le=12)
    pareto_revenue_share: Decimal | None = ShareOpt
    pareto_max_account_share: Decimal | None = ShareOpt
    key_score_threshold: Decimal | None = Field(None, ge=0, le=100, max_digits=5, decimal_places=2)
    potential_max_age_months: StrictInt | None = Months
    contribution_high: Decimal | None = MoneyOpt
    contribution_medium: Decimal | None = MoneyOpt
    potential_high: Decimal | None = MoneyOpt
    potential_medium: Decimal | None = MoneyOpt
    relative_share_threshold: Decimal | None = ShareOpt
    lost_after_months: StrictInt | None = Months
    min_history_months: StrictInt | None = Months
    lifecycle_window_months: StrictInt | None = Field(None, ge=3, le=120)
    lifecycle_t_threshold: Decimal | None = Field(
        None, ge=0, le=100, max_digits=5, decimal_places=2
    )
    lifecycle_slope_threshold: Decimal | None = ShareOpt
    weight_contribution: Decimal | None = ShareOpt
    weight_potential: Decimal | None = ShareOpt
    weight_growth: Decimal | None = ShareOpt
    weight_margin: Decimal | None = ShareOpt
    weight_strategic_importance: Decimal | None = ShareOpt
    weight_technical_fit: Decimal | None = ShareOpt
    weight_credit_reputation: Decimal | None = ShareOpt
    band_a_low: Decimal | None = ShareOpt
    band_a_high: Decimal | None = ShareOpt
    band_b_low: Decimal | None = ShareOpt
    band_b_high: Decimal | None = ShareOpt
    band_c_low: Decimal | None = ShareOpt
    band_c_high: Decimal | None = ShareOpt
    band_d_low: Decimal | None = ShareOpt
    band_d_high: Decimal | None = ShareOpt


class TacticOut(Schema):
    id: int
    position: int
    text: str


class PlaybookOut(Schema):
    strategy: str
    summary: str
    tactics: list[TacticOut]


class PlaybookIn(StrictIn):
    strategy: Strategy
    summary: text(2000, 1) | None = None  # type: ignore[valid-type]
    tactics: list[text(500, 1)] | None = Field(None, min_length=1, max_length=30)  # type: ignore[valid-type]


class StrategyOverrideIn(StrictIn):
    strategy: Strategy
    reason: text(1000, 1)  # type: ignore[valid-type]


class StrategyOverrideOut(Schema):
    id: int
    strategy: str
    reason: str
    recommended: str
    recommended_rule: str
    decided_by_id: int | None
    decided_at: dt.datetime
    withdrawn_at: dt.datetime | None


class StrategyOut(Schema):
    """The account's strategy: the recommendation, its rule and the override in force."""

    as_of: dt.date | None
    recommended: str | None
    rule: str | None
    override: StrategyOverrideOut | None
    strategy: str | None
    tactics: list[str]


class KeyProposalIn(StrictIn):
    decision: ProposalDecision
    reason: text(1000, 1)  # type: ignore[valid-type]


class KeyProposalOut(Schema):
    id: int
    account_id: int
    as_of: dt.date
    score: float | None
    pareto_candidate: bool
    decision: str
    reason: str
    decided_by_id: int | None
    decided_at: dt.datetime


class CostIn(StrictIn):
    month: IsoDate
    kind: CostKind
    amount: Decimal | None = MoneyOpt
    hours: Decimal | None = Field(None, ge=0, le=10_000_000, max_digits=9, decimal_places=2)
    rate: Decimal | None = Field(None, ge=0, le=10_000_000_000, max_digits=12, decimal_places=2)
    description: text(500) = ""  # type: ignore[valid-type]


class CostPatch(StrictIn):
    month: IsoDate | None = None
    kind: CostKind | None = None
    amount: Decimal | None = MoneyOpt
    hours: Decimal | None = Field(None, ge=0, le=10_000_000, max_digits=9, decimal_places=2)
    rate: Decimal | None = Field(None, ge=0, le=10_000_000_000, max_digits=12, decimal_places=2)
    description: text(500) | None = None  # type: ignore[valid-type]


class CostOut(Schema):
    id: int
    account_id: int
    month: dt.date
    kind: str
    hours: Decimal | None
    rate: Decimal | None
    amount: Decimal
    description: str
    created_by_id: int | None
    created_at: dt.datetime


SnapshotScope = Literal["entity", "group"]


class HistoryMonthOut(Schema):
    """One month end of the monthly history: class, lifecycle, rule, C, P and score (§2)."""

    as_of: dt.date
    account_class: str
    lifecycle: str
    strategy_rule: str
    contribution: Decimal
    potential: Decimal
    score: float | None

    @staticmethod
    def resolve_contribution(obj: Any) -> Decimal:
        return cents_to_decimal(obj.contribution_cents)

    @staticmethod
    def resolve_potential(obj: Any) -> Decimal:
        return cents_to_decimal(obj.potential_cents)
