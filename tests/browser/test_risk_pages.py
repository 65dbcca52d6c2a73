"""Risk in a real browser (DOMAIN §10): the account's risk panel with its factor bars, the
director's at-risk list, the class forecast and the model quality, each screenshotted."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from playwright.sync_api import expect

from kam.accounts.models import Account
from kam.org.models import Role
from kam.risk.models import ModelKind, RiskLevel
from tests.browser.conftest import sign_in
from tests.factories import (
    PASSWORD,
    AccountFactory,
    ModelRunFactory,
    RiskMonthFactory,
    RiskScoreFactory,
    UserFactory,
)

pytestmark = [pytest.mark.browser, pytest.mark.slow, pytest.mark.django_db(transaction=True)]

AS_OF = dt.date(2026, 10, 31)
FACTORS = [
    {"factor": "recency_ratio", "value": 2.4, "contribution": 0.81},
    {"factor": "complaints", "value": 4, "contribution": 0.42},
    {"factor": "csat_change", "value": -0.8, "contribution": 0.31},
    {"factor": "share_of_wallet", "value": 0.35, "contribution": -0.18},
    {"factor": "closeness", "value": 4.2, "contribution": -0.12},
]
TRANSITION = [
    [0.93, 0.05, 0.015, 0.0, 0.005],
    [0.04, 0.88, 0.06, 0.01, 0.01],
    [0.005, 0.03, 0.92, 0.03, 0.015],
    [0.0, 0.005, 0.04, 0.9, 0.055],
    [0.0, 0.0, 0.0, 0.0, 1.0],
]


def _month_ends(count: int) -> list[dt.date]:
    ends, day = [], AS_OF
    for _ in range(count):
        ends.append(day)
        day = day.replace(day=1) - dt.timedelta(days=1)
    return list(reversed(ends))


def _models() -> None:
    ModelRunFactory(
        kind=ModelKind.CHURN,
        parameters={
            "intercept": -1.9,
            "coefficients": {"recency_ratio": 0.62, "complaints": 0.21, "share_of_wallet": -0.4},
        },
        quality={
            "auc": 0.812,
            "brier": 0.118,
            "calibration": [
                {"predicted": p, "actual": a, "count": n}
                for p, a, n in [
                    (0.05, 0.04, 120),
                    (0.2, 0.22, 60),
                    (0.4, 0.37, 30),
                    (0.7, 0.74, 12),
                ]
            ],
            "train_until": "2026-04-30",
            "test_as_of": "2026-10-31",
            "accounts": 222,
            "churned": 31,
            "baseline": {
                "auc": 0.701,
                "brier": 0.139,
                "calibration": [
                    {"predicted": p, "actual": a, "count": n}
                    for p, a, n in [(0.08, 0.1, 130), (0.25, 0.18, 60), (0.5, 0.35, 32)]
                ],
            },
            "beats_baseline": True,
        },
    )
    holdout = {
        "from": "2026-05-01",
        "until": "2026-10-31",
        "predicted": 812.4,
        "actual": 797.0,
        "by_frequency": [
            {"frequency": f, "customers": n, "predicted": p, "actual": a}
            for f, n, p, a in [
                (0, 40, 0.3, 0.25),
                (1, 35, 0.9, 1.0),
                (2, 30, 1.6, 1.5),
                (3, 28, 2.3, 2.4),
                (4, 25, 3.1, 2.9),
                (5, 20, 3.8, 4.0),
            ]
        ],
    }
    ModelRunFactory(
        kind=ModelKind.BGNBD,
        parameters={"r": 0.82, "alpha": 3.9, "a": 0.41, "b": 2.2},
        quality={
            "log_likelihood": -5120.4,
            "customers": 222,
            "period": "week",
            "holdout": holdout,
            "chosen": "bgnbd",
            "plain_holdout_error": 0.081,
            "covariate_holdout_error": 0.094,
        },
    )
    ModelRunFactory(
        kind=ModelKind.BGNBD_COVARIATES,
        used=False,
        parameters={
            "r": 0.8,
            "alpha": 3.7,
            "a": 0.4,
            "b": 2.1,
            "gamma_purchase": {"industry=chemicals": 0.12},
            "gamma_dropout": {"region=north": -0.05},
        },
        quality={"chosen": "bgnbd", "holdout": holdout},
    )
    ModelRunFactory(
        kind=ModelKind.GAMMA_GAMMA,
        parameters={"p": 6.25, "q": 3.74, "v": 15.44},
        quality={"log_likelihood": -4055.92, "customers": 180},
    )
    start = {"A": 12, "B": 18, "C": 40, "D": 30, "lost": 0}
    ModelRunFactory(
        kind=ModelKind.MARKOV,
        data_from=dt.date(2024, 10, 31),
        parameters={
            "states": ["A", "B", "C", "D", "lost"],
            "transition": TRANSITION,
            "counts": [[int(p * 300) for p in row] for row in TRANSITION],
            "smoothing": 0.5,
            "months": 24,
        },
        quality={
            "start": AS_OF.isoformat(),
            "start_mix": start,
            "expected_months_to_lost": {"A": 61.0, "B": 48.5, "C": 39.2, "D": 18.1},
        },
    )


def _company() -> Any:
    director = UserFactory(username="dora", role=Role.DIRECTOR)
    manager = UserFactory(username="mia", role=Role.MANAGER)
    drifting = None
    for index in range(14):
        probability = 0.9 - index * 0.06
        level = (
            RiskLevel.HIGH
            if probability >= 0.5
            else RiskLevel.MEDIUM
            if probability >= 0.25
            else RiskLevel.LOW
        )
        account = AccountFactory(
            owner=manager if index % 2 else director,
            code=f"R{index:02d}",
            name=f"Drifting Works {index:02d}",
            is_key=index % 3 == 0,
        )
        RiskScoreFactory(
            account=account,
            as_of=AS_OF,
            churn_probability=round(probability, 2),
            p_alive=round(0.35 + index * 0.04, 2),
            risk_level=level,
            top_factors=FACTORS,
            contribution_cents=(20 - index) * 4_000_000_00,
            clv_cents=(14 - index) * 9_000_000_00 + 1_000_00,
            expected_spend_cents=(index + 3) * 120_000_00,
            account_class="ABCD"[index % 4],
            is_key=index % 3 == 0,
        )
        if index == 0:
            drifting = account
            for step, month_end in enumerate(_month_ends(18)):
                RiskMonthFactory(
                    account=account,
                    month_end=month_end,
                    churn_probability=min(0.95, 0.12 + step * 0.045),
                    p_alive=max(0.3, 0.95 - step * 0.035),
                    risk_level=RiskLevel.MEDIUM,
                )
    _models()
    return drifting


def _drawn(page: Any, kind: str) -> None:
    expect(page.locator(f"[data-chart={kind}][data-chart-drawn] svg").first).to_be_visible()


def test_a_director_reads_the_risk_panel_list_forecast_and_models(page, shoot) -> None:
    drifting = _company()
    sign_in(page, "dora", PASSWORD)

    page.goto(f"/accounts/{drifting.pk}/")
    panel = page.locator("#risk-panel")
    expect(panel.locator(".churn-probability")).to_have_text("90 %")
    expect(panel.locator("table.risk-factor-table tbody tr").first).to_contain_text(
        "Purchase gap against its rhythm2.4×+0.81"
    )
    _drawn(page, "risk-factors")
    _drawn(page, "risk-trend")
    panel.scroll_into_view_if_needed()
    panel.screenshot(path=str(shoot("panel").with_name("test_risk_panel-only.png")))

    page.click(".mainnav >> text=Risk")
    expect(page.locator("table.risk-list tbody tr").first).to_contain_text("R00")
    expect(page.locator(".expected-loss-help")).to_contain_text("Expected loss")
    shoot("list")

    page.click("table.risk-list >> text=Churn probability")
    expect(page.locator("table.risk-list tbody tr").first).to_contain_text("R00")

    page.click(".tabs >> text=Lifetime value")
    expect(page.locator("table.clv-list tbody tr").first).to_contain_text("R00")
    shoot("clv")

    page.click(".tabs >> text=Class forecast")
    _drawn(page, "risk-mix")
    _drawn(page, "risk-transition")
    expect(page.locator("table.months-to-lost")).to_contain_text("18")
    shoot("migration")

    page.click(".tabs >> text=Model quality")
    _drawn(page, "risk-calibration")
    _drawn(page, "risk-holdout")
    expect(page.locator(".verdict")).to_contain_text("beats the recency-only baseline")
    shoot("models")


def test_a_manager_reads_her_risk_in_chinese(page, shoot) -> None:
    drifting = _company()
    sign_in(page, "mia", PASSWORD)
    page.goto("/risk/")
    page.click("button[name=language][value=zh-hans]")
    expect(page.locator("html")).to_have_attribute("lang", "zh-hans")

    expect(page.locator("h1")).to_have_text("有风险的客户")
    # Mia owns the odd accounts only; the director's R00 is not hers.
    expect(page.locator("table.risk-list tbody tr").first).to_contain_text("R01")
    expect(page.locator("table.risk-list")).not_to_contain_text("R00")
    shoot("list-zh")

    page.goto(f"/accounts/{drifting.pk}/risk/")
    assert page.locator("#risk-panel").count() == 0  # not hers: 404

    # Her own R01: the panel's figures and its factors read in Chinese
    page.goto(f"/accounts/{Account.objects.get(code='R01').pk}/")
    panel = page.locator("#risk-panel")
    expect(panel.locator("table.risk-factor-table tbody tr").first).to_contain_text(
        "购买间隔与其节奏之比"
    )
    _drawn(page, "risk-factors")
    panel.scroll_into_view_if_needed()
    panel.screenshot(path=str(shoot("panel-zh").with_name("test_risk_panel-only-zh.png")))

    page.goto("/risk/migration/")
    _drawn(page, "risk-mix")
    expect(page.locator(".markov-window")).to_contain_text("7")
    shoot("migration-zh")
