"""API schemas of risk (DOMAIN §10): scores with their factors, the at-risk list, the CLV
ranking, the Markov forecast and the model runs. Money as decimal strings (kam.core.money)."""

import datetime as dt
from decimal import Decimal
from typing import Any, Literal

from ninja import Field, Schema

from kam.core.money import cents_to_decimal
from kam.core.schemas import MAX_ID, IsoDate, MoneyOut
from kam.risk.factors import factor_label, factor_value_text
from kam.risk.models import RiskLevel
from kam.risk.winback.links import plan_url


def _money(cents: float | int | None) -> Decimal | None:
    return None if cents is None else cents_to_decimal(round(cents))


class FactorOut(Schema):
    """One factor of the churn probability: its value and its signed push on the log-odds
    (positive toward churn)."""

    factor: str
    label: str
    value: float | None
    value_text: str
    contribution: float


def factors_out(top_factors: list[dict[str, Any]] | None) -> list[dict[str, Any]]:
    rows = []
    for item in top_factors or []:
        name = str(item.get("factor", ""))
        value = item.get("value")
        number = None if value is None else float(value)
        rows.append(
            {
                "factor": name,
                "label": factor_label(name),
                "value": number,
                "value_text": factor_value_text(name, number),
                "contribution": float(item.get("contribution") or 0.0),
            }
        )
    return rows


class RiskScoreOut(Schema):
    """An account's risk as of a scoring run's date (§10)."""

    account_id: int
    account_code: str = Field(..., alias="account.code")
    account_name: str = Field(..., alias="account.name")
    as_of: dt.date
    risk_level: str
    churn_probability: float | None
    p_alive: float | None
    expected_purchases: float | None
    clv: MoneyOut | None
    expected_spend: MoneyOut | None
    contribution: MoneyOut
    account_class: str
    is_key: bool
    top_factors: list[FactorOut]

    @staticmethod
    def resolve_clv(obj: Any) -> Decimal | None:
        return _money(obj.clv_cents)

    @staticmethod
    def resolve_expected_spend(obj: Any) -> Decimal | None:
        return _money(obj.expected_spend_cents)

    @staticmethod
    def resolve_contribution(obj: Any) -> Decimal | None:
        return _money(obj.contribution_cents)

    @staticmethod
    def resolve_top_factors(obj: Any) -> list[dict[str, Any]]:
        return factors_out(obj.top_factors)


class AtRiskOut(RiskScoreOut):
    """A row of the at-risk list: the score, the expected loss (churn probability × the
    contribution at stake), the manager and the open win-back plan, if any."""

    expected_loss: MoneyOut | None
    owner_id: int | None = Field(None, alias="account.owner_id")
    win_back_plan_id: int | None
    win_back_plan_url: str | None

    @staticmethod
    def resolve_expected_loss(obj: Any) -> Decimal | None:
        return _money(obj.expected_loss_cents)

    @staticmethod
    def resolve_win_back_plan_id(obj: Any) -> int | None:
        return obj.open_plan_id

    @staticmethod
    def resolve_win_back_plan_url(obj: Any) -> str | None:
        return plan_url(obj.account_id, obj.open_plan_id) or None


# The selectors' sorts (RISK_SORTS, CLV_SORTS; a test keeps them equal), so the schema
# names every choice a client may send.
RiskSort = Literal[
    "-expected_loss",
    "expected_loss",
    "-churn_probability",
    "churn_probability",
    "p_alive",
    "-p_alive",
    "-clv",
    "clv",
    "-contribution",
    "contribution",
    "code",
    "-code",
]
ClvSort = Literal[
    "-clv", "clv", "-expected_spend", "expected_spend", "-p_alive", "p_alive", "code", "-code"
]
AccountClassIn = Literal["A", "B", "C", "D"]


class AtRiskQuery(Schema):
    as_of: IsoDate | None = None
    level: RiskLevel | None = None
    account_class: AccountClassIn | None = None
    owner_id: int | None = Field(None, ge=1, le=MAX_ID)
    is_key: bool | None = None
    key_first: bool = False
    sort: RiskSort = "-expected_loss"


class ClvQuery(Schema):
    as_of: IsoDate | None = None
    account_class: AccountClassIn | None = None
    sort: ClvSort = "-clv"


class RiskMonthOut(Schema):
    month_end: dt.date
    churn_probability: float | None
    p_alive: float | None
    risk_level: str
    churned: bool | None


class AccountRiskOut(Schema):
    """An account's latest score (null before any), its monthly risk history, its open
    win-back plan and whether the churn model drives its risk level."""

    account_id: int
    score: RiskScoreOut | None
    history: list[RiskMonthOut]
    win_back_plan_id: int | None
    churn_model_used: bool | None


class ModelRunOut(Schema):
    id: int
    kind: str
    as_of: dt.date
    data_from: dt.date | None
    data_until: dt.date | None
    accounts: int
    parameters: dict[str, Any]
    quality: dict[str, Any]
    used: bool
    note: str
    fitted_at: dt.datetime


class MarkovOut(Schema):
    """The class-migration chain (§10) and the forecast of the reader's accounts' mix."""

    run_id: int
    fitted_at: dt.datetime
    data_from: dt.date | None
    data_until: dt.date | None
    states: list[str]
    transition: list[list[float]]
    counts: list[list[int]]
    start: dt.date | None
    start_mix: dict[str, float]
    months: list[str]
    mix: dict[str, list[float]]
    expected_months_to_lost: dict[str, float | None]
    whole_portfolio: bool


class MigrationOut(Schema):
    markov: MarkovOut | None
