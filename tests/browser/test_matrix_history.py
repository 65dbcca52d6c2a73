"""The matrix on a past month end, and class migration, in a real browser: class areas as
the rules make them, a tooltip that says why, both languages, desktop and phone."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from contextlib import contextmanager
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import expect

from kam.accounts.models import Account
from kam.core.dates import today
from kam.core.months import last_month_end, month_add
from kam.ledger.services import ledger_import
from kam.org.models import Role
from kam.portfolio.selectors import stored_dates
from kam.portfolio.services.scoring import score_history
from tests.browser.conftest import SHOTS
from tests.factories import PASSWORD, AccountFactory, PotentialEstimateFactory, UserFactory

pytestmark = [pytest.mark.browser, pytest.mark.slow, pytest.mark.django_db(transaction=True)]

# (monthly revenue, potential estimate or None): a large customer held down by the relative
# rule (class C), A, B, C, D, a filled-in potential, and smaller ones.
CUSTOMERS = [
    (1_025_000, 61_500_000),
    (1_500_000, 40_000_000),
    (1_000_000, 20_000_000),
    (500_000, 15_000_000),
    (200_000, 5_000_000),
    (700_000, None),
    (90_000, 12_000_000),
    (40_000, 800_000),
    (300_000, 35_000_000),
    (1_200_000, 100_000_000),
]
DESKTOP = {"width": 1360, "height": 900}
PHONE = {"width": 390, "height": 844}


def _company(tmp_path: Path) -> None:
    director = UserFactory(username="dora", role=Role.DIRECTOR, first_name="Dora")
    last = last_month_end(today()).replace(day=1)
    lines = ["customer,date,amount,cost"]
    for index, (monthly, potential) in enumerate(CUSTOMERS):
        account = AccountFactory(owner=director, code=f"K{index:02d}", name=f"Customer {index:02d}")
        if potential is not None:
            PotentialEstimateFactory(
                account=account,
                amount=Decimal(potential),
                estimated_on=today() - dt.timedelta(days=600),
            )
        for back in range(20):
            month = month_add(last, -back)
            # The first ones fell over the last months: their class moves.
            amount = monthly * (1 + (back / 8 if index % 3 == 0 else 0))
            lines.append(
                f"K{index:02d},{month.replace(day=10).isoformat()},{amount:.2f},{amount * 0.7:.2f}"
            )
    # One customer lost over the year and one new in it: small nodes beside large ones.
    for code, months in (("LOST", range(13, 20)), ("NEW", range(3))):
        AccountFactory(owner=director, code=code, name=f"Customer {code}")
        lines += [
            f"{code},{month_add(last, -back).replace(day=10).isoformat()},50000.00,30000.00"
            for back in months
        ]
    path = tmp_path / "ledger.csv"
    path.write_text("\n".join(lines) + "\n")
    assert ledger_import(actor=director, path=path).status == "imported"
    score_history(as_of=today())


@contextmanager
def _signed_in(
    browser: Any, live_server: Any, viewport: dict[str, int], locale: str
) -> Iterator[Any]:
    context = browser.new_context(viewport=viewport, base_url=live_server.url, locale=locale)
    page = context.new_page()
    page.set_default_timeout(10_000)
    page.goto("/login/")
    page.fill("#id_username", "dora")
    page.fill("#id_password", PASSWORD)
    page.click("button[type=submit].primary")
    try:
        yield page
    finally:
        context.close()


def _shot(page: Any, name: str, chart: str | None = None) -> None:
    """The page, and the chart alone (to read it at full size)."""
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / f"matrix-history-{name}.png"), full_page=True)
    if chart:
        page.locator(f"[data-chart={chart}]").screenshot(
            path=str(SHOTS / f"matrix-history-{name}-chart.png")
        )


def _hover_bubble(page: Any, code: str) -> None:
    """Move the mouse onto the bubble of account `code`."""
    x, y = page.evaluate(
        """(code) => {
          const element = document.querySelector('[data-chart=matrix]');
          const chart = echarts.getInstanceByDom(element);
          const series = chart.getOption().series;
          for (let i = 0; i < series.length; i++) {
            for (const point of series[i].data || []) {
              if (point && point.code === code) {
                const [px, py] = chart.convertToPixel({seriesIndex: i}, point.value);
                const box = element.getBoundingClientRect();
                return [box.left + px, box.top + py];
              }
            }
          }
          return null;
        }""",
        code,
    )
    page.mouse.move(x, y)


def _texts(page: Any, chart: str) -> list[str]:
    return page.evaluate(
        "(chart) => Array.from(document.querySelectorAll(`[data-chart=${chart}] svg text`))"
        ".map((t) => t.textContent)",
        chart,
    )


def _label_boxes(page: Any) -> list[dict[str, float]]:
    return page.evaluate(
        """() => Array.from(document.querySelectorAll('[data-chart=sankey] svg text'))
            .filter((t) => t.textContent.trim())
            .map((t) => {
              const b = t.getBoundingClientRect();
              return {x: b.x, y: b.y, w: b.width, h: b.height, text: t.textContent};
            })"""
    )


def _overlapping(boxes: list[dict[str, float]]) -> list[tuple[str, str]]:
    found = []
    for i, a in enumerate(boxes):
        for b in boxes[i + 1 :]:
            apart = (
                a["x"] + a["w"] <= b["x"]
                or b["x"] + b["w"] <= a["x"]
                or a["y"] + a["h"] <= b["y"]
                or b["y"] + b["h"] <= a["y"]
            )
            if not apart:
                found.append((a["text"], b["text"]))
    return found


def test_the_matrix_on_a_past_month_end_says_why_each_class(browser, live_server, tmp_path) -> None:
    # Given a scored company with a monthly history
    _company(tmp_path)
    past = [d.day for d in stored_dates() if not d.full][5]

    for locale, lang, why in (("en-US", "en", "Why this class"), ("zh-CN", "zh", "为何是此类")):
        for viewport, device in ((DESKTOP, "desktop"), (PHONE, "phone")):
            with _signed_in(browser, live_server, viewport, locale) as page:
                # When the director picks a past month end of the monthly history
                page.goto("/portfolio/")
                page.select_option("#id_as_of", past.isoformat())
                page.locator("form.filters button[type=submit]").click()

                # Then the matrix draws it with the class areas and says what the date lacks
                expect(page.locator("[data-chart=matrix][data-chart-drawn] canvas")).to_be_visible()
                expect(page.locator("#date-lacks")).to_be_visible()
                expect(page.locator("#id_as_of")).to_have_value(past.isoformat())
                areas = page.evaluate(
                    """() => echarts.getInstanceByDom(document.querySelector('[data-chart=matrix]'))
                        .getOption().series.find((s) => s.id === 'classes').data.length"""
                )
                assert areas == 4
                _shot(page, f"{lang}-{device}")

                # And hovering the large customer's bubble says why it is its class
                page.locator("[data-chart=matrix]").scroll_into_view_if_needed()
                _hover_bubble(page, "K09")
                tooltip = page.locator("[data-chart=matrix] div", has_text=why).last
                expect(tooltip).to_be_visible()
                _shot(page, f"{lang}-{device}-tooltip", "matrix")

                # And the Pareto curve of that month end is ranked from the history
                page.goto(f"/portfolio/pareto/?as_of={past.isoformat()}")
                expect(page.locator("[data-chart=pareto][data-chart-drawn] svg")).to_be_visible()
                expect(page.locator("#date-lacks")).to_be_visible()
                _shot(page, f"pareto-{lang}-{device}", "pareto")

                # And the account's sales chart speaks the same units as the matrix's axes
                page.goto(f"/accounts/{Account.objects.get(code='K09').pk}/")
                sales = page.locator("[data-chart=monthly-revenue][data-chart-drawn] svg")
                expect(sales).to_be_visible()
                unit = "万" if lang == "zh" else "M"
                assert any(unit in t for t in _texts(page, "monthly-revenue"))
                assert "CNY" in _texts(page, "monthly-revenue")
                _shot(page, f"sales-{lang}-{device}", "monthly-revenue")


def test_the_migration_names_the_accounts_of_each_flow(browser, live_server, tmp_path) -> None:
    # Given a scored company whose classes moved over the year
    _company(tmp_path)

    for viewport, device in ((DESKTOP, "desktop"), (PHONE, "phone")):
        for locale, lang in (("en-US", "en"), ("zh-CN", "zh")):
            with _signed_in(browser, live_server, viewport, locale) as page:
                # When the director opens class migration
                page.goto("/portfolio/migration/")
                expect(page.locator("[data-chart=sankey][data-chart-drawn] svg")).to_be_visible()

                # Then no two labels of the Sankey overlap
                boxes = _label_boxes(page)
                texts = " ".join(b["text"] for b in boxes)
                assert ("lost · 1" if lang == "en" else "流失 · 1") in texts
                assert len(boxes) >= 8
                assert _overlapping(boxes) == []
                # And a table names the accounts behind each flow, each a link
                flows = page.locator("table.flows tbody tr")
                expect(flows.first).to_be_visible()
                expect(flows.first.locator("a[href^='/accounts/']").first).to_be_visible()
                _shot(page, f"migration-{lang}-{device}", "sankey")

                # And following a flow lists its accounts
                flows.first.locator("td.num a").click()
                expect(page.locator("#flow table tbody tr").first).to_be_visible()
                expect(page.locator("#flow h2")).to_contain_text(" A ")
                expect(page.locator("[data-chart=sankey][data-chart-drawn] svg")).to_be_visible()
                _shot(page, f"migration-{lang}-{device}-flow")
