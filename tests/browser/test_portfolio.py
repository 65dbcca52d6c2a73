"""The portfolio in a real browser: the matrix, the Pareto curve, migration, and a manager
overriding a recommendation on the account page."""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import expect

from kam.core.dates import today
from kam.core.months import last_month_end, month_add
from kam.ledger.services import ledger_import
from kam.org.models import Role
from kam.portfolio.services.scoring import score_history
from tests.browser.conftest import sign_in
from tests.factories import PASSWORD, AccountFactory, PotentialEstimateFactory, UserFactory

pytestmark = [pytest.mark.browser, pytest.mark.slow, pytest.mark.django_db(transaction=True)]


def _scored_company(tmp_path: Path) -> Any:
    director = UserFactory(username="dora", role=Role.DIRECTOR)
    manager = UserFactory(username="mia", role=Role.MANAGER)
    last = last_month_end(today()).replace(day=1)
    lines = ["customer,date,amount,cost"]
    for index in range(12):
        account = AccountFactory(owner=manager, code=f"K{index:02d}", name=f"Customer {index:02d}")
        PotentialEstimateFactory(account=account, estimated_on=today() - dt.timedelta(days=40))
        for back in range(18):
            month = month_add(last, -back)
            amount = (index + 1) ** 3 * 10_000 * (1 + (back if index % 3 == 0 else 0) / 10)
            lines.append(
                f"K{index:02d},{month.replace(day=10).isoformat()},{amount:.2f},{amount * 0.7:.2f}"
            )
    path = tmp_path / "ledger.csv"
    path.write_text("\n".join(lines) + "\n")
    assert ledger_import(actor=director, path=path).status == "imported"
    score_history(as_of=today())
    return manager


def test_a_director_reads_the_matrix_pareto_and_migration(page, shoot, tmp_path) -> None:
    _scored_company(tmp_path)
    sign_in(page, "dora", PASSWORD)

    page.goto("/portfolio/")
    expect(page.locator("[data-chart=matrix][data-chart-ready] canvas")).to_be_visible()
    expect(page.locator(".tile.class-D")).to_contain_text("D")
    shoot("matrix")

    page.click(".tabs >> text=Pareto")
    expect(page.locator("[data-chart=pareto][data-chart-ready] svg")).to_be_visible()
    shoot("pareto")

    page.click(".tabs >> text=Migration")
    expect(page.locator("[data-chart=sankey][data-chart-ready] svg")).to_be_visible()
    expect(page.locator("table.migration")).to_be_visible()
    shoot("migration")


def test_a_manager_overrides_the_recommended_strategy(page, shoot, tmp_path) -> None:
    _scored_company(tmp_path)
    sign_in(page, "mia", PASSWORD)
    page.goto("/portfolio/")
    page.click("table >> text=K11")

    panel = page.locator("#strategy-panel")
    expect(panel.locator(".tiles")).to_be_visible()
    expect(panel.locator(".badge", has_text=re.compile(r"^R[1-5]$"))).to_be_visible()
    panel.locator("summary", has_text="Override").click()
    panel.locator("select[name=override-strategy]").select_option("promotion")
    panel.locator("textarea[name=override-reason]").fill("Their new plant opens next spring")
    panel.locator("button", has_text="Save").click()

    expect(page.locator("#strategy-panel")).to_contain_text("Their new plant opens next spring")
    expect(page.locator("#strategy-panel .badge", has_text="override")).to_be_visible()
    shoot("strategy-override")
