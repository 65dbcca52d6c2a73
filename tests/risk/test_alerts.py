"""The churn-risk alert (§10): raised for key accounts at high risk with what moved, critical
when the contribution at stake is at the matrix's high level, resolved when the risk falls."""

from __future__ import annotations

import pytest

from kam.alerts.models import Alert, AlertSeverity
from kam.engagement.competitors.models import CompetitorMove
from kam.engagement.complaints.models import Complaint
from kam.portfolio.services.scoring import score_portfolio
from kam.risk.alerts import CAUSE_HIGH_LARGE, KIND_CHURN_RISK_HIGH
from kam.risk.factors import factor_label
from kam.risk.models import RiskLevel, RiskScore
from tests.risk.world import AS_OF, build

pytestmark = pytest.mark.django_db


def test_a_high_risk_key_account_raises_an_alert_that_clears_when_the_risk_falls(
    director,
) -> None:
    # Given the company scored: the large key account shows the leavers' warning signs
    world = build(director)
    score_portfolio(dates=[AS_OF])

    # Then one alert is open, on the key account only (leavers at high risk are not key)
    alerts = Alert.objects.filter(kind=KIND_CHURN_RISK_HIGH, is_open=True)
    assert [alert.account_id for alert in alerts] == [world.target.pk]
    high_not_key = RiskScore.objects.filter(
        as_of=AS_OF, risk_level=RiskLevel.HIGH, is_key=False
    ).count()
    assert high_not_key > 0
    alert = alerts.get()
    # And its cause says what moved: the churn probability (no earlier score), p(alive), the
    # top factors; critical because the contribution at stake reaches the high level
    assert alert.severity == AlertSeverity.CRITICAL
    assert alert.cause["rule"] == CAUSE_HIGH_LARGE
    changes = {change["input"]: change for change in alert.cause["changes"]}
    score = RiskScore.objects.get(account=world.target, as_of=AS_OF)
    assert changes["churn_probability"]["from"] is None
    assert changes["churn_probability"]["to"] == pytest.approx(score.churn_probability, abs=1e-4)
    assert changes["churn_probability"]["driver"] is True
    assert changes["p_alive"]["to"] == pytest.approx(score.p_alive, abs=1e-4)
    assert factor_label(score.top_factors[0]["factor"]) in changes["top_factors"]["to"]
    assert "Churn risk is high" in alert.message

    # When the complaints are dealt with and the competitor's offer is gone, and it is
    # scored again
    Complaint.objects.filter(account=world.target).delete()
    CompetitorMove.objects.filter(account=world.target).delete()
    score_portfolio(dates=[AS_OF])

    # Then the risk fell and the alert was resolved by the run
    assert RiskScore.objects.get(account=world.target, as_of=AS_OF).risk_level != RiskLevel.HIGH
    alert.refresh_from_db()
    assert alert.is_open is False
    assert alert.resolution == "condition_cleared"
