"""API schemas of the portfolio: snapshots, settings, playbooks, overrides, costs."""

import datetime as dt
import math
import uuid
from decimal import Decimal
from typing import Any, Literal

from ninja import Field, Schema
from pydantic import StrictBool

from kam.accounts.models import MAX_MONEY, MONEY_DIGITS
from kam.core.model_schemas import out_schema, patch_schema
from kam.core.money import cents_to_decimal
from kam.core.schemas import IsoDate, MoneyOut, StrictIn, text
from kam.org.models import COMPANY_SETTINGS_FIELDS, CompanySettings
from kam.portfolio.models import (
    SETTINGS_FIELDS,
    SETTINGS_TABLE,
    AccountClass,
    CostKind,
    Lifecycle,
    PortfolioSettings,
    ProposalDecision,
    Scope,
    ScoreRun,
    Strategy,
)
from kam.portfolio.selectors import score_run_wait


def _money_or_none(cents: int | None) -> Decimal | None:
    return None if cents is None else cents_to_decimal(cents)


def slope_money(cents_per_month: float | None) -> Decimal | None:
    """The trend slope (cents per month, a float of the regression) as money per month."""
    if cents_per_month is None or not math.isfinite(cents_per_month):
        return None
    return cents_to_decimal(round(cents_per_month))


class SnapshotOut(Schema):
    account_id: int
    account_code: str = Field(..., alias="account.code")
    account_name: str = Field(..., alias="account.name")
    as_of: dt.date
    scope: str
    active: bool
    contribution: MoneyOut
    contribution_prev: MoneyOut
    margin: MoneyOut
    margin_pct: float | None
    growth: float | None
    potential_estimate: MoneyOut | None
    potential_estimated_on: dt.date | None
    potential: MoneyOut
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
    trend_slope: MoneyOut | None = Field(
        None, description="The lifecycle trend: money per month in the base currency (§5)."
    )
    trend_t: float | None
    trend_relative_slope: float | None
    trend_months: int
    strategy: str
    strategy_rule: str
    review_key_status: bool
    investment: MoneyOut
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

    @staticmethod
    def resolve_trend_slope(obj: Any) -> Decimal | None:
        return slope_money(obj.trend_slope)


class PortfolioRowOut(SnapshotOut):
    """A row of the portfolio: the snapshot and the buying centre's latest figures (§7,
    kam.portfolio.figures), null when the account has no relationship score yet."""

    overall_closeness: float | None = Field(None, ge=0, le=100)
    coverage: float | None = Field(None, ge=0, le=1)
    gap_count: int | None = None


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


RegionAmount = Field(None, ge=0, le=MAX_MONEY, max_digits=MONEY_DIGITS, decimal_places=2)


class MatrixRegionQuery(PortfolioQuery):
    """A rectangle of the matrix (§3) in the base currency, each side optional, with the
    portfolio's filters; `limit` caps the accounts answered (largest contribution first)."""

    potential_min: Decimal | None = RegionAmount
    potential_max: Decimal | None = RegionAmount
    contribution_min: Decimal | None = RegionAmount
    contribution_max: Decimal | None = RegionAmount
    limit: int = Field(200, ge=1, le=500)


class MatrixAccountOut(Schema):
    """One account as the matrix draws it."""

    account_id: int
    code: str = Field(..., alias="account.code")
    name: str = Field(..., alias="account.name")
    account_class: str
    lifecycle: str
    potential: MoneyOut
    contribution: MoneyOut
    margin: MoneyOut | None = Field(
        description="None on a month end of the monthly history, which does not keep it."
    )
    share_of_wallet: float | None
    class_reason: list[str] = Field(
        description="Why the account is in its class (§3), in the reader's language."
    )

    @staticmethod
    def resolve_potential(obj: Any) -> Decimal:
        return cents_to_decimal(obj.potential_cents)

    @staticmethod
    def resolve_contribution(obj: Any) -> Decimal:
        return cents_to_decimal(obj.contribution_cents)

    @staticmethod
    def resolve_margin(obj: Any) -> Decimal | None:
        return None if obj.margin_cents is None else cents_to_decimal(obj.margin_cents)


class MatrixRegionOut(Schema):
    as_of: dt.date | None
    count: int
    items: list[MatrixAccountOut]


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
    queued_at: dt.datetime | None
    finished_at: dt.datetime | None
    waiting_for_worker: bool = Field(
        description="Queued while no worker is running: start one with `kam worker`."
    )
    queued_seconds: int | None = Field(description="How long a queued run has waited.")

    @staticmethod
    def resolve_waiting_for_worker(obj: ScoreRun) -> bool:
        return score_run_wait(obj).waiting_for_worker

    @staticmethod
    def resolve_queued_seconds(obj: ScoreRun) -> int | None:
        return score_run_wait(obj).queued_seconds


# The settings as the API shows them: the company's (in org) first, then the portfolio's, as
# before they moved; each derived from its model field.
_SETTINGS = [
    *(CompanySettings._meta.get_field(name) for name in COMPANY_SETTINGS_FIELDS),
    *(PortfolioSettings._meta.get_field(name) for name in SETTINGS_FIELDS),
]


_UPDATED = PortfolioSettings._meta.get_field("updated_at")


_MONEY_SETTINGS = {name for name, setting in SETTINGS_TABLE.items() if setting.cents}


class SettingsOut(out_schema("SettingsOut", [*_SETTINGS, _UPDATED], _MONEY_SETTINGS)):  # type: ignore[misc]
    """Every setting of DOMAIN §2–§6 and the company's base currency and fiscal year."""


class SettingsPatch(patch_schema("SettingsPatch", _SETTINGS)):  # type: ignore[misc]
    """The settings to change; absent or null ones stay."""


MoneyOpt = Field(None, ge=0, le=MAX_MONEY, max_digits=MONEY_DIGITS, decimal_places=2)


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
    """The account's strategy: the recommendation, its rule, the override in force and the
    strategy that governs the work (docs/rules.md "Groups and their entities")."""

    as_of: dt.date | None
    recommended: str | None = Field(description="The entity's own recommendation (§6).")
    rule: str | None
    override: StrategyOverrideOut | None
    strategy: str | None = Field(description="The strategy that governs the account's work.")
    governed_by: str | None = Field(
        description="own, override, group (the group's recommendation) or group_override."
    )
    group_account_id: int | None = Field(description="The group's top parent, if in a group.")
    group_recommended: str | None = Field(description="The group's recommendation (§6).")
    group_rule: str | None
    override_matches_recommendation: bool = Field(
        description="The override chooses what would govern anyway: it can be removed."
    )
    rescore_pending: bool = Field(
        description="A re-score queued by an input on the account or its group has not landed."
    )
    tactics: list[str]

    @staticmethod
    def resolve_group_account_id(obj: Any) -> int | None:
        return obj.group_account.pk if obj.group_account else None

    @staticmethod
    def resolve_group_recommended(obj: Any) -> str | None:
        return obj.group_snapshot.strategy if obj.group_snapshot else None

    @staticmethod
    def resolve_group_rule(obj: Any) -> str | None:
        return obj.group_snapshot.strategy_rule if obj.group_snapshot else None


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
    rate: MoneyOut | None
    amount: MoneyOut
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
    contribution: MoneyOut
    potential: MoneyOut
    score: float | None

    @staticmethod
    def resolve_contribution(obj: Any) -> Decimal:
        return cents_to_decimal(obj.contribution_cents)

    @staticmethod
    def resolve_potential(obj: Any) -> Decimal:
        return cents_to_decimal(obj.potential_cents)


class KeyProposalPendingOut(SnapshotOut):
    """A pending proposal: `proposal_group` is "proposal" (decide first), "key_review" (a key
    account due a review) or "apart" (class D or no contribution: to review before deciding,
    docs/rules.md "Key-account proposals on the dashboard")."""

    proposal_group: str
