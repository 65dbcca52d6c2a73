"""The relationship map in a real browser (issue 17 part 3): a manager builds a map from
nothing, drags a person onto another and undoes it, scores a person in place; the map stays
legible at 8 and at 200 people, in English and Chinese, and on a 390 px phone."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import expect

from kam.relationships.models import Contact, InfluenceLink
from tests.browser.conftest import SHOTS, sign_in
from tests.factories import PASSWORD, AccountFactory, UserFactory, believable_buying_centre

pytestmark = [pytest.mark.browser, pytest.mark.slow, pytest.mark.django_db(transaction=True)]

SCREENS = {"desktop": {"width": 1360, "height": 900}, "phone": {"width": 390, "height": 844}}


@pytest.fixture
def screens(browser: Any, live_server: Any) -> Iterator[Any]:
    """open(screen) → a page of a fresh browser context of that size."""
    contexts: list[Any] = []

    def open_page(screen: str) -> Any:
        context = browser.new_context(
            viewport=SCREENS[screen], base_url=live_server.url, locale="en-US"
        )
        contexts.append(context)
        page = context.new_page()
        page.set_default_timeout(15_000)
        return page

    yield open_page
    for context in contexts:
        context.close()


def _shoot(page: Any, name: str) -> Path:
    SHOTS.mkdir(parents=True, exist_ok=True)
    path = SHOTS / f"{name}.png"
    page.screenshot(path=str(path), full_page=True)
    return path


def _chinese(page: Any) -> None:
    toggle = page.locator(".menu-toggle")
    if toggle.is_visible():
        toggle.click()
    page.click("button[name=language][value=zh-hans]")
    expect(page.locator("html")).to_have_attribute("lang", "zh-hans")


def _drawn(page: Any, people: int) -> None:
    chart = page.locator("#relmap-chart")
    expect(chart).to_have_attribute("data-people", str(people))
    expect(chart).to_have_attribute("data-chart-drawn", "1")


@pytest.mark.parametrize("size", [8, 200])
@pytest.mark.parametrize("language", ["en", "zh"])
def test_the_map_stays_legible(screens: Any, size: int, language: str) -> None:
    # Given a manager's account with a buying centre of `size` people
    manager = UserFactory(username="mia", first_name="Mia", last_name="Wu")
    account = AccountFactory(owner=manager, code="ACME", name="Acme Tools")
    believable_buying_centre(account, size)
    page = screens("desktop")

    # When she opens its relationship map
    sign_in(page, "mia", PASSWORD)
    if language == "zh":
        _chinese(page)
    page.goto(f"/accounts/{account.pk}/relationship-map/")

    # Then everyone is drawn and the picture is kept for a look
    _drawn(page, size)
    _shoot(page, f"relationship-map-{size}-{language}")

    # And zoomed in on the top of the chart, the names show
    box = page.locator("#relmap-chart").bounding_box()
    page.mouse.move(box["x"] + box["width"] / 2, box["y"] + 120)
    for _ in range(12):
        page.mouse.wheel(0, -300)
        page.wait_for_timeout(100)
    page.wait_for_function(
        "() => echarts.getInstanceByDom(document.getElementById('relmap-chart'))"
        ".getOption().series[0].label.show === true"
    )
    page.locator("#relmap-chart").screenshot(
        path=str(SHOTS / f"relationship-map-{size}-{language}-zoomed.png")
    )

    # And the table view lists the same people
    page.goto(f"/accounts/{account.pk}/relationship-map/?view=table")
    expect(page.locator("table.relmap-table tbody tr")).to_have_count(size)
    _shoot(page, f"relationship-map-{size}-{language}-table")


def _node(page: Any, name: str) -> tuple[float, float]:
    """Where on the screen the map draws `name` (zoom and pan included)."""
    page.locator("#relmap-chart").scroll_into_view_if_needed()
    return tuple(
        page.evaluate(
            """(name) => {
              const element = document.getElementById('relmap-chart');
              const chart = echarts.getInstanceByDom(element);
              const node = chart.getOption().series[0].data.find((n) => n.name === name);
              const p = chart.convertToPixel({seriesIndex: 0}, [node.x, node.y]);
              const box = element.getBoundingClientRect();
              return [box.left + p[0], box.top + p[1]];
            }""",
            name,
        )
    )


def _redrawn(page: Any, before: str) -> None:
    """Wait until the chart has been drawn again since it was drawn `before` times."""
    page.wait_for_function(
        "(before) => { const e = document.getElementById('relmap-chart');"
        " return e.getAttribute('data-draws') !== before"
        " && e.getAttribute('data-chart-drawn') === '1'; }",
        arg=before,
    )


def _draws(page: Any) -> str:
    return page.locator("#relmap-chart").get_attribute("data-draws")


def _add_person(page: Any, name: str, boss: str | None = None, **fields: str) -> None:
    page.click("#add-person")
    form = page.locator("#person-add-form")
    form.locator("[name=name]").fill(name)
    if boss:
        form.locator("[name=reports_to]").select_option(label=boss)
    for field, value in fields.items():
        form.locator(f"[name={field}]").select_option(value) if field in (
            "buying_role",
            "attitude",
        ) else form.locator(f"[name={field}]").fill(value)
    form.locator("button[type=submit]").click()
    expect(page.locator("#map-panel .relmap-person h2")).to_contain_text(name)


def test_a_manager_builds_a_map_from_nothing(screens: Any) -> None:
    # Given a manager's brand-new account with nobody on it
    UserFactory(username="mia", first_name="Mia", last_name="Wu")
    manager = UserFactory(username="mia")
    account = AccountFactory(owner=manager, code="NEW", name="New Customer")
    page = screens("desktop")
    sign_in(page, "mia", PASSWORD)

    # When she opens the map, it explains what to do and offers the first person
    page.goto(f"/accounts/{account.pk}/")
    page.click("text=Open the relationship map")
    expect(page.locator(".relmap-empty")).to_contain_text("Nobody is on this map yet")
    _shoot(page, "relationship-map-empty-en")
    page.click("#add-first-person")
    form = page.locator("#person-add-form")
    form.locator("[name=name]").fill("Wang Wei")
    form.locator("[name=department]").fill("General management")
    form.locator("[name=buying_role]").select_option("decision_maker")
    form.locator("button[type=submit]").click()

    # Then the page draws the map with her, and two more people join under her
    _drawn(page, 1)
    _add_person(page, "Li Na", "Wang Wei", department="Purchasing")
    _drawn(page, 2)
    _add_person(page, "Zhang San", "Wang Wei", department="Engineering")
    _drawn(page, 3)

    # When she links Zhang San to Li Na as an opponent
    page.click("#add-link")
    link = page.locator("#link-add-form")
    link.locator("[name=source]").select_option(label="Zhang San")
    link.locator("[name=kind]").select_option("opposes")
    link.locator("[name=target]").select_option(label="Li Na")
    link.locator("button[type=submit]").click()
    expect(page.locator("#map-panel .relmap-links")).to_contain_text("Opposes")
    assert InfluenceLink.objects.filter(
        source__name="Zhang San", target__name="Li Na", kind="opposes"
    ).exists()

    # And drags Zhang San onto Li Na
    zhang = Contact.objects.get(account=account, name="Zhang San")
    page.wait_for_function(
        "() => document.getElementById('relmap-chart').getAttribute('data-chart-drawn') === '1'"
    )
    start, target = _node(page, "Zhang San"), _node(page, "Li Na")
    draws = _draws(page)
    page.mouse.move(*start)
    page.mouse.down()
    page.mouse.move((start[0] + target[0]) / 2, (start[1] + target[1]) / 2 + 20, steps=5)
    page.mouse.move(*target, steps=5)
    page.mouse.up()

    # Then he reports to her, and Undo — reachable by keyboard — restores Wang Wei
    toast = page.locator("#map-toast")
    expect(toast).to_contain_text("Zhang San now reports to Li Na.")
    zhang.refresh_from_db()
    assert zhang.reports_to.name == "Li Na"
    expect(page.locator("#map-panel [name=reports_to]")).to_have_value(str(zhang.reports_to_id))
    _redrawn(page, draws)
    _shoot(page, "relationship-map-dragged-en")
    undo = toast.locator("button.relmap-undo-button")
    expect(undo).to_be_focused()
    draws = _draws(page)
    page.keyboard.press("Enter")
    expect(toast).to_contain_text("Undone: Zhang San reports to Wang Wei again.")
    zhang.refresh_from_db()
    assert zhang.reports_to.name == "Wang Wei"
    expect(page.locator("#map-panel [name=reports_to]")).to_have_value(str(zhang.reports_to_id))
    _redrawn(page, draws)

    # When she clicks Li Na and scores her in place
    li = Contact.objects.get(account=account, name="Li Na")
    page.mouse.click(*_node(page, "Li Na"))
    expect(page.locator("#map-panel [data-person-panel]")).to_have_attribute(
        "data-person-panel", str(li.pk)
    )
    panel = page.locator("#person-form")
    panel.locator("[name=influence]").select_option("4")
    panel.locator("[name=attitude]").select_option("champion")
    panel.locator("[name=closeness]").select_option("5")
    panel.locator("[name=solution_approval]").select_option("4")
    panel.locator("button[type=submit]").click()

    # Then the ratings are saved, and every change is in the contacts' history
    expect(page.locator("#map-panel .message.success")).to_have_text("Saved.")
    li.refresh_from_db()
    assert (li.influence, li.attitude, li.closeness, li.solution_approval) == (
        4,
        "champion",
        5,
        4,
    )
    bosses = [h.reports_to_id for h in Contact.history.filter(id=zhang.pk).order_by("history_date")]
    assert bosses[-2:] == [li.pk, zhang.reports_to_id]
    assert {h.history_user_id for h in Contact.history.filter(account_id=account.pk)} == {
        manager.pk
    }
    _shoot(page, "relationship-map-built-en")

    # And the account's history tells the story: people added, the link, the drag, the score
    page.goto(f"/accounts/{account.pk}/")
    history = page.locator("#history")
    expect(history).to_contain_text("added Zhang San to the buying centre")
    expect(history).to_contain_text("added an influence link")
    expect(
        history.locator("li.tl-entry", has_text="changed whom Zhang San reports to")
    ).to_have_count(2)
    expect(history).to_contain_text("changed Li Na")


def test_the_map_on_a_phone(screens: Any) -> None:
    # Given a buying centre of 8 people
    manager = UserFactory(username="mia", first_name="Mia", last_name="Wu")
    account = AccountFactory(owner=manager, code="ACME", name="Acme Tools")
    people = believable_buying_centre(account, 8)
    page = screens("phone")
    sign_in(page, "mia", PASSWORD)

    # When she opens the map on a 390 px phone
    page.goto(f"/accounts/{account.pk}/relationship-map/")
    _drawn(page, 8)

    # Then the chart fits the screen, with the side panel below it
    chart = page.locator("#relmap-chart").bounding_box()
    panel = page.locator("#map-panel").bounding_box()
    assert chart["width"] <= 390
    assert panel["y"] >= chart["y"] + chart["height"]
    overflow = page.evaluate(
        "() => { const w = document.documentElement.clientWidth;"
        " return [...document.querySelectorAll('main *')]"
        ".filter(e => e.getBoundingClientRect().right > w + 1).map(e => e.outerHTML.slice(0, 80)) }"
    )
    assert overflow == []
    _shoot(page, "relationship-map-8-phone-en")

    # When she taps the general manager, the panel opens below with his ratings
    page.mouse.click(*_node(page, people[0].name))
    expect(page.locator("#map-panel [data-person-panel]")).to_have_attribute(
        "data-person-panel", str(people[0].pk)
    )
    expect(page.locator("#map-panel")).to_be_in_viewport()
    _shoot(page, "relationship-map-8-phone-panel-en")
