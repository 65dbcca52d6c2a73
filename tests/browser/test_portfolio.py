"""The portfolio in a real browser: the matrix, the Pareto curve, migration, and a manager
overriding a recommendation on the account page."""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from playwright.sync_api import expect

from kam.accounts.models import Account
from kam.core.dates import today
from kam.core.months import last_month_end, month_add
from kam.ledger.services import ledger_import
from kam.org.models import Role
from kam.portfolio.models import Snapshot
from kam.portfolio.services.scoring import score_history
from tests.browser.conftest import sign_in
from tests.factories import (
    PASSWORD,
    AccountFactory,
    PotentialEstimateFactory,
    SnapshotFactory,
    UserFactory,
)

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
    expect(panel.locator(".scope-views")).to_be_visible()
    expect(panel.locator(".governing .badge", has_text=re.compile(r"^R[1-5]$"))).to_be_visible()
    panel.locator("summary", has_text="Override").click()
    panel.locator("select[name=override-strategy]").select_option("promotion")
    panel.locator("textarea[name=override-reason]").fill("Their new plant opens next spring")
    panel.locator("button", has_text="Save").click()

    expect(page.locator("#strategy-panel")).to_contain_text("Their new plant opens next spring")
    expect(page.locator("#strategy-panel .badge", has_text="override")).to_be_visible()
    shoot("strategy-override")


def _large_portfolio(accounts: int) -> None:
    """`accounts` scored accounts of one manager's, written in bulk (lognormal figures)."""
    rng = np.random.default_rng(7)
    manager = UserFactory(username="mia-10k", role=Role.MANAGER)
    Account.objects.bulk_create(
        Account(code=f"B{i:05d}", name=f"Bulk {i:05d}", owner=manager, industry="Machinery")
        for i in range(accounts)
    )
    contribution = rng.lognormal(12, 2, accounts).astype(np.int64) * 100
    potential = contribution * rng.uniform(1, 20, accounts).astype(np.int64)
    defaults = SnapshotFactory.build(account=Account(pk=1))
    fields = {
        f.attname: getattr(defaults, f.attname)
        for f in Snapshot._meta.concrete_fields
        if f.attname not in {"id", "account_id"}
    }
    fields["as_of"] = today()
    Snapshot.objects.bulk_create(
        Snapshot(
            **{
                **fields,
                "account_id": pk,
                "contribution_cents": int(contribution[i]),
                "potential_cents": int(potential[i]),
                "margin_cents": int(contribution[i]) // 4,
                "lifecycle": ("growth", "maturity", "decline")[i % 3],
            }
        )
        for i, pk in enumerate(Account.objects.order_by("pk").values_list("pk", flat=True))
    )


def test_the_matrix_and_the_list_hold_10000_accounts(page, shoot) -> None:
    # Given 10,000 scored accounts
    _large_portfolio(10_000)
    UserFactory(username="dora", role=Role.DIRECTOR)
    sign_in(page, "dora", PASSWORD)

    # When the director opens the matrix, it draws the largest as bubbles and says so
    page.goto("/portfolio/")
    expect(page.locator("[data-chart=matrix][data-chart-ready] canvas")).to_be_visible()
    caption = page.locator("#matrix-shows")
    expect(caption).to_contain_text("Showing the 200 largest accounts as bubbles and the other")
    shoot("matrix-10000")

    # And zooming in loads that part's accounts from the API
    page.evaluate(
        """() => {
          const chart = echarts.getInstanceByDom(document.querySelector('[data-chart=matrix]'));
          const zoom = (index, from, to) => chart.dispatchAction(
            {type: 'dataZoom', dataZoomIndex: index, startValue: from, endValue: to});
          zoom(0, 1e6, 3e7);
          zoom(1, 1e5, 3e6);
        }"""
    )
    expect(caption).to_contain_text(re.compile(r"Showing the 200 largest of the \d+ accounts"))
    shoot("matrix-10000-zoomed")

    # And the account list is one page of 50 with page links that keep the filters
    page.goto("/accounts/?industry=Machinery&sort=-name")
    expect(page.locator("#account-table tbody tr")).to_have_count(50)
    expect(page.locator(".pager")).to_contain_text("1–50 of 10000")
    page.locator(".pager a", has_text="2").first.click()
    expect(page).to_have_url(re.compile(r"industry=Machinery.*page=2|page=2.*industry=Machinery"))
    expect(page.locator("#account-table tbody tr").first).to_contain_text("B09949")
    shoot("accounts-10000")
