"""The risk pages (DOMAIN §10): the account panel, the at-risk list, the CLV ranking, the
class forecast and the model quality, each with its empty state and its permissions."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from kam.risk.models import ModelKind, RiskLevel
from tests.conftest import signed_in
from tests.factories import (
    AccountFactory,
    ComplaintFactory,
    ModelRunFactory,
    RiskMonthFactory,
    RiskScoreFactory,
    WinBackPlanFactory,
    WinBackReasonFactory,
)
from tests.risk.test_selectors import markov_run

pytestmark = pytest.mark.django_db

CHURN_QUALITY = {
    "auc": 0.81,
    "brier": 0.12,
    "calibration": [{"predicted": 0.1, "actual": 0.12, "count": 40}],
    "train_until": "2026-04-30",
    "test_as_of": "2026-10-31",
    "accounts": 300,
    "churned": 42,
    "baseline": {"auc": 0.7, "brier": 0.15, "calibration": []},
    "beats_baseline": True,
}


def test_the_panel_shows_the_score_its_factors_and_trend(manager) -> None:
    account = AccountFactory(owner=manager)
    RiskScoreFactory(account=account)
    RiskMonthFactory(account=account)
    ModelRunFactory(quality=CHURN_QUALITY)
    ModelRunFactory(kind=ModelKind.BGNBD_COVARIATES, quality={"chosen": "bgnbd_covariates"})

    page = signed_in(manager).get(reverse("account_risk", args=[account.pk])).content.decode()

    assert "BG/NBD with account covariates" in page
    assert "62 %" in page  # churn probability
    assert "41 %" in page  # p(alive)
    assert "Purchase gap against its rhythm" in page
    assert "2.4×" in page  # the factor's value in its unit
    assert 'data-chart="risk-factors"' in page
    assert 'data-chart="risk-trend"' in page
    assert "2026-10-31" in page
    assert "churn-not-used" not in page


def test_the_panel_tells_the_reasons_the_records_show_before_any_plan(manager) -> None:
    # Given a scored account with four delivery complaints in the last six months, no plan
    account = AccountFactory(owner=manager)
    RiskScoreFactory(account=account)
    for days in (10, 20, 30, 40):
        ComplaintFactory(
            account=account,
            category="delivery",
            subject=f"Late by {days} days",
            received_at=timezone.now() - dt.timedelta(days=days),
        )

    # When the panel is read
    page = signed_in(manager).get(reverse("account_risk", args=[account.pk])).content.decode()

    # Then the service-quality reason is told with the newest three records and the count left
    assert "Service quality decline" in page
    assert "from the records" in page
    assert "Service and delivery complaints rose from 0 to 4" in page
    assert "Late by 10 days" in page and "Late by 30 days" in page
    assert "Late by 40 days" not in page
    assert "and 1 more record" in page


def test_the_panel_tells_the_open_plans_reasons_without_the_rejected(manager) -> None:
    account = AccountFactory(owner=manager)
    RiskScoreFactory(account=account)
    plan = WinBackPlanFactory(account=account)
    WinBackReasonFactory(plan=plan, kind="price", status="confirmed", summary="Rival undercuts")
    WinBackReasonFactory(plan=plan, kind="budget", status="rejected", summary="Not the budget")

    page = signed_in(manager).get(reverse("account_risk", args=[account.pk])).content.decode()

    assert "Rival undercuts" in page and "Confirmed" in page
    assert "Not the budget" not in page


def test_a_plain_account_has_no_reason_and_says_what_was_read(manager) -> None:
    account = AccountFactory(owner=manager)
    RiskScoreFactory(account=account)

    page = signed_in(manager).get(reverse("account_risk", args=[account.pk])).content.decode()

    assert "point to no reason" in page


def test_the_panel_says_when_the_churn_model_is_not_used(manager) -> None:
    account = AccountFactory(owner=manager)
    RiskScoreFactory(account=account)
    ModelRunFactory(used=False, quality={**CHURN_QUALITY, "beats_baseline": False})

    page = signed_in(manager).get(reverse("account_risk", args=[account.pk])).content.decode()

    assert "churn-not-used" in page


def test_the_panel_without_a_score_asks_for_a_scoring_run(manager) -> None:
    account = AccountFactory(owner=manager)

    page = signed_in(manager).get(reverse("account_risk", args=[account.pk])).content.decode()

    assert "Run a scoring run" in page


def test_another_users_account_panel_answers_404(manager, other_manager) -> None:
    account = AccountFactory(owner=other_manager)
    RiskScoreFactory(account=account)

    response = signed_in(manager).get(reverse("account_risk", args=[account.pk]))

    assert response.status_code == 404


def test_the_account_page_loads_the_risk_panel(manager) -> None:
    account = AccountFactory(owner=manager)

    page = signed_in(manager).get(reverse("account_detail", args=[account.pk])).content.decode()

    assert reverse("account_risk", args=[account.pk]) in page


def test_the_list_shows_the_at_risk_accounts_and_explains_expected_loss(
    manager, other_manager
) -> None:
    mine = RiskScoreFactory(account=AccountFactory(owner=manager, code="MINE-1"))
    RiskScoreFactory(account=AccountFactory(owner=other_manager, code="THEIRS-1"))
    RiskScoreFactory(account=AccountFactory(owner=manager, code="CALM-1"), risk_level=RiskLevel.LOW)
    WinBackPlanFactory(account=mine.account)

    page = signed_in(manager).get(reverse("risk_list")).content.decode()

    assert "MINE-1" in page
    assert "THEIRS-1" not in page
    assert "CALM-1" not in page
    assert "Expected loss</strong> = churn probability" in page
    assert "496 K" in page  # 0.62 × 800,000.00


def test_the_list_sorts_by_churn_probability_and_survives_bad_input(director) -> None:
    RiskScoreFactory(account=AccountFactory(code="LOW-P"), churn_probability=0.3)
    RiskScoreFactory(account=AccountFactory(code="HIGH-P"), churn_probability=0.9)
    client = signed_in(director)

    page = client.get(reverse("risk_list"), {"sort": "-churn_probability"}).content.decode()
    bad = client.get(
        reverse("risk_list"), {"sort": "nope", "level": "x", "owner": "y", "page": "z"}
    )

    assert page.index("HIGH-P") < page.index("LOW-P")
    assert bad.status_code == 200


def test_the_pages_before_any_scoring_say_what_to_do(manager) -> None:
    client = signed_in(manager)
    for name in ("risk_list", "risk_clv", "risk_migration", "risk_models"):
        page = client.get(reverse(name)).content.decode()
        assert "kam score" in page, name


def test_the_clv_ranking_lists_the_largest_first(director) -> None:
    RiskScoreFactory(account=AccountFactory(code="SMALL"), clv_cents=1_000_00)
    RiskScoreFactory(account=AccountFactory(code="LARGE"), clv_cents=9_000_000_00)

    page = signed_in(director).get(reverse("risk_clv")).content.decode()

    assert page.index("LARGE") < page.index("SMALL")


def test_the_migration_page_draws_the_forecast_and_the_matrix(director) -> None:
    markov_run()

    page = signed_in(director).get(reverse("risk_migration")).content.decode()

    assert 'data-chart="risk-mix"' in page
    assert 'data-chart="risk-transition"' in page
    assert "Expected months until lost" in page
    assert "whole portfolio" in page


def test_the_models_page_says_whether_the_churn_model_beats_the_baseline(director) -> None:
    ModelRunFactory(quality=CHURN_QUALITY)
    ModelRunFactory(
        kind=ModelKind.BGNBD,
        parameters={"r": 0.243, "alpha": 4.414, "a": 0.793, "b": 2.426},
        quality={
            "chosen": "bgnbd",
            "plain_holdout_error": 0.1,
            "covariate_holdout_error": 0.2,
            "holdout": {
                "from": "2026-05-01",
                "until": "2026-10-31",
                "predicted": 120.0,
                "actual": 118.0,
                "by_frequency": [{"frequency": 0, "customers": 5, "predicted": 0.4, "actual": 0.5}],
            },
        },
    )
    client = signed_in(director)

    page = client.get(reverse("risk_models")).content.decode()

    assert "beats the recency-only baseline" in page
    assert "0.810" in page
    assert 'data-chart="risk-calibration"' in page
    assert 'data-chart="risk-holdout"' in page
    assert "The plain model ran" in page
    assert "alpha = 4.414" in page

    ModelRunFactory(used=False, quality={**CHURN_QUALITY, "beats_baseline": False})
    again = client.get(reverse("risk_models")).content.decode()
    assert "does not beat the recency-only baseline" in again


def test_the_navigation_has_a_risk_entry(manager) -> None:
    page = signed_in(manager).get(reverse("dashboard")).content.decode()
    assert f'href="{reverse("risk_list")}"' in page
