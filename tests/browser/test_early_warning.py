"""Early warning on the demo company, in a real browser (DOMAIN §10, issue 19's "Done when"):
the director reads who is drifting away and why — the at-risk list, the drifting group's
risk panel with its factors, the Markov forecast, the intervention report and the models'
quality — and the group's manager starts a win-back plan from the high-risk alert, whose
intervention then stands on her agenda. Screenshots of every step."""

from __future__ import annotations

from typing import Any

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from kam.accounts.models import Account
from kam.alerts.models import Alert
from kam.ops.demo import demo_load
from kam.org.demo import DEMO_PASSWORD
from kam.risk.models import ModelKind, ModelRun, RiskScore, WinBackPlan
from tests.browser.conftest import sign_in

pytestmark = [pytest.mark.browser, pytest.mark.slow, pytest.mark.django_db(transaction=True)]

S0_GROUP = "G200"  # the demo's drifting group (kam.accounts.demo.S0_GROUP)


def _drawn(page: Any, kind: str) -> None:
    expect(page.locator(f"[data-chart={kind}][data-chart-drawn] svg").first).to_be_visible()


def _drifting_codes() -> set[str]:
    group = Account.objects.get(code=S0_GROUP)
    return {S0_GROUP, *Account.objects.filter(parent=group).values_list("code", flat=True)}


def test_the_director_sees_who_drifts_away_and_the_manager_starts_the_win_back(page, shoot) -> None:
    # Given the demo company, scored over its whole history (risk included)
    demo_load(seed=7, accounts=40, years=3)
    drifting = _drifting_codes()
    latest = RiskScore.objects.order_by("-as_of").values_list("as_of", flat=True).first()
    scores = list(
        RiskScore.objects.filter(as_of=latest, risk_level__in=["high", "medium"]).select_related(
            "account"
        )
    )
    by_loss = sorted(scores, key=lambda s: -(s.churn_probability or 0) * s.contribution_cents)
    # Then the drifting group ranks among the highest risks by what is at stake
    assert {s.account.code for s in by_loss[:3]} & drifting, [s.account.code for s in by_loss]

    # When the director opens the at-risk list
    sign_in(page, "director", DEMO_PASSWORD)
    page.goto("/risk/")
    rows = page.locator("table.risk-list tbody tr")
    expect(rows.first).to_contain_text(by_loss[0].account.code)
    expect(page.locator(".expected-loss-help")).to_be_visible()
    shoot("at-risk-list")

    # And the risk panel of the drifting group's riskiest member
    member = next(s for s in by_loss if s.account.code in drifting and s.account.parent_id)
    page.goto(f"/accounts/{member.account.pk}/")
    panel = page.locator("#risk-panel")
    expect(panel.locator(".churn-probability")).to_be_visible()
    expect(panel.locator("table.risk-factor-table tbody tr").first).to_be_visible()
    _drawn(page, "risk-factors")
    # with the reasons its records show, each with the records behind it
    reasons = panel.locator(".risk-reasons article.reason")
    expect(reasons.first).to_be_visible()
    expect(reasons.first.locator("ul.evidence a").first).to_be_visible()
    panel.scroll_into_view_if_needed()
    shoot("risk-panel")
    shoot("risk-panel-alone", panel)

    # And the class forecast, the models' quality and the intervention report
    page.goto("/risk/migration/")
    _drawn(page, "risk-mix")
    _drawn(page, "risk-transition")
    shoot("markov")
    churn = ModelRun.objects.filter(kind=ModelKind.CHURN).order_by("-fitted_at").first()
    assert churn is not None
    assert churn.quality["auc"] > churn.quality["baseline"]["auc"]  # §10: beats the baseline
    page.goto("/risk/models/")
    expect(page.locator(".verdict")).to_contain_text("beats the recency-only baseline")
    shoot("models")
    page.goto("/risk/interventions/")
    expect(page.locator("#outcome-churn [data-verdict]")).to_have_count(1)
    expect(page.locator("#outcome-churn [data-chart-drawn]")).to_have_count(1)
    shoot("interventions")

    # When the drifting member's manager opens its high-risk alert and starts a plan from it
    alert = (
        Alert.objects.filter(kind="churn_risk_high", is_open=True, account__code__in=drifting)
        .select_related("account__owner")
        .exclude(account__win_back_plans__status="open")
        .first()
    )
    assert alert is not None, "no open churn-risk alert on the drifting group without a plan"
    account = alert.account
    page.context.clear_cookies()
    sign_in(page, account.owner.username, DEMO_PASSWORD)
    page.goto(f"/alerts/{alert.pk}/")
    page.get_by_role("link", name="Start a win-back plan").click()
    page.fill("#id_goal", "Orders back to last year's level within two quarters")
    shoot("start")
    page.get_by_role("button", name="Start the plan").click()

    # Then the reasons are proposed with the records behind them; she confirms the first
    expect(page.get_by_role("heading", name=f"Win-back plan: {account.name}")).to_be_visible()
    reason = page.locator("article.reason").first
    expect(reason.locator("a").first).to_be_visible()  # a record behind it
    reason.get_by_role("button", name="Confirm").click()
    expect(page.locator("article.reason-confirmed")).to_have_count(1)

    # And plans an intervention, due in three days, which lands on her agenda
    due = timezone.localdate() + timezone.timedelta(days=3)
    form = page.locator("#intervention-form")
    form.locator("#id_kind").select_option("executive_visit")
    form.locator("#id_description").fill("Our director visits their purchasing director")
    form.locator("#id_due_on").fill(due.isoformat())
    form.get_by_role("button", name="Plan it").click()
    expect(page.locator("#interventions tbody tr")).to_contain_text("Our director visits")
    shoot("plan")
    assert WinBackPlan.objects.filter(account=account, status="open", alert=alert).exists()
    page.goto("/agenda/")
    expect(page.get_by_text("Win-back: Executive visit")).to_be_visible()
    shoot("agenda")
