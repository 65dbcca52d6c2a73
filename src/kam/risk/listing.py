"""The risk report's rows (DOMAIN §10; `kam report risk`): every visible account's stored
risk as of a date, through the visibility rule (§13)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from kam.accounts.selectors import accounts_visible_to
from kam.org.models import User
from kam.risk.models import RiskScore

RISK_REPORT_COLUMNS = ("code", "churn_probability", "p_alive", "risk_level", "clv", "top_factors")


def risk_score_date(*, on_or_before: dt.date | None = None) -> dt.date | None:
    """The newest date with stored risk scores (on or before the day); None: nothing scored."""
    rows = RiskScore.objects.order_by("-as_of")
    if on_or_before is not None:
        rows = rows.filter(as_of__lte=on_or_before)
    day: dt.date | None = rows.values_list("as_of", flat=True).first()
    return day


def risk_report_rows(*, actor: User, as_of: dt.date) -> list[dict[str, Any]]:
    """One row per visible account scored on the date, highest churn probability first:
    code, churn probability, p(alive), risk level, CLV (base currency) and the top factors."""
    rows = (
        RiskScore.objects.filter(as_of=as_of, account__in=accounts_visible_to(actor))
        .select_related("account")
        .order_by("account__code")
    )
    found = [
        {
            "code": score.account.code,
            "churn_probability": score.churn_probability,
            "p_alive": score.p_alive,
            "risk_level": score.risk_level,
            "clv": None if score.clv_cents is None else Decimal(score.clv_cents) / 100,
            "top_factors": score.top_factors,
        }
        for score in rows.only(
            "account__code",
            "churn_probability",
            "p_alive",
            "risk_level",
            "clv_cents",
            "top_factors",
        )
    ]
    found.sort(key=lambda row: -(row["churn_probability"] or 0.0))
    return found
