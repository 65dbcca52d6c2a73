"""What people do in kam, in a real browser: sign in, find accounts, change one, switch
language."""

from __future__ import annotations

import re
from typing import Any

import pytest
from playwright.sync_api import expect

from kam.accounts.models import Account
from kam.org.models import Role
from tests.browser.conftest import sign_in
from tests.factories import PASSWORD, AccountFactory, UserFactory

pytestmark = [pytest.mark.browser, pytest.mark.slow, pytest.mark.django_db(transaction=True)]


def test_sign_in_fails_with_a_wrong_password_then_lands_on_the_dashboard(page, shoot) -> None:
    user = UserFactory(username="mia", first_name="Mia", last_name="Wu")

    sign_in(page, "mia", "not the password")
    expect(page.locator(".form-errors")).to_be_visible()
    shoot("wrong-password")
    sign_in(page, "mia", PASSWORD)

    expect(page).to_have_url(re.compile(r"/$"))
    expect(page.locator("h1")).to_contain_text(user.display_name)
    shoot("dashboard")
    page.click("text=Sign out")
    expect(page).to_have_url(re.compile(r"/login/"))


def test_a_protected_page_asks_for_sign_in_and_comes_back(page) -> None:
    UserFactory(username="mia")
    page.goto("/accounts/")
    expect(page).to_have_url(re.compile(r"/login/\?next=/accounts/"))
    page.fill("#id_username", "mia")
    page.fill("#id_password", PASSWORD)
    page.click("button[type=submit].primary")
    expect(page).to_have_url(re.compile(r"/accounts/$"))


def _manager_with_accounts() -> Any:
    manager = UserFactory(username="mia", role=Role.MANAGER)
    other = UserFactory(username="otto", role=Role.MANAGER)
    for index in range(130):
        AccountFactory(
            owner=manager,
            code=f"M{index:03d}",
            name=f"Mia Customer {index:03d}",
            industry="Energy" if index % 2 else "Machinery",
            status="prospect" if index % 5 == 0 else "customer",
            is_key=index % 10 == 1,
        )
    AccountFactory(owner=other, code="SECRET-1", name="Otto's secret customer")
    return manager


def test_the_account_list_searches_filters_sorts_and_pages_live(page, shoot) -> None:
    _manager_with_accounts()
    sign_in(page, "mia", PASSWORD)
    page.goto("/accounts/")
    expect(page.locator(".count")).to_contain_text("130 accounts")
    expect(page.locator("#account-table")).not_to_contain_text("SECRET-1")
    shoot("list")

    page.fill("#id_q", "Customer 01")
    expect(page.locator(".count")).to_contain_text("10 accounts")
    expect(page).to_have_url(re.compile(r"q=Customer(%20|\+)01"))
    page.fill("#id_q", "")
    page.select_option("select[name=industry]", "Energy")
    expect(page.locator(".count")).to_contain_text("65 accounts")
    page.select_option("select[name=key]", "yes")
    expect(page.locator(".count")).to_contain_text("13 accounts")
    shoot("filtered")

    page.select_option("select[name=key]", "")
    # Let the filter's answer land before sorting, as a person would see it (under load the
    # two requests could otherwise answer out of order).
    expect(page.locator(".count")).to_contain_text("65 accounts")
    page.click("#account-table th >> text=Code")
    expect(page.locator("#account-table tbody tr").first).to_contain_text("M129")
    page.click("text=Next")
    expect(page.locator(".pager")).to_contain_text("51–65 of 65")
    expect(page).to_have_url(re.compile(r"industry=Energy"))

    page.fill("#id_q", "nothing like this")
    expect(page.locator(".empty")).to_contain_text("No account matches these filters.")
    shoot("empty")


def test_editing_an_account_shows_in_its_history(page, shoot) -> None:
    manager = _manager_with_accounts()
    account = Account.objects.get(code="M001")
    sign_in(page, "mia", PASSWORD)

    page.goto(f"/accounts/{account.pk}/")
    page.click("text=Edit")
    page.fill("#id_name", "Mia Customer Renamed")
    page.fill("#id_industry", "Pharmaceuticals")
    page.click("button:has-text('Save')")

    expect(page.locator("h1")).to_contain_text("Mia Customer Renamed")
    history = page.locator("#history")
    expect(history).to_contain_text(manager.display_name)
    expect(history).to_contain_text("Mia Customer 001")
    expect(history).to_contain_text("Pharmaceuticals")
    page.fill("textarea[name=body]", "Met their buyer. @mia follow up.")
    page.click("button:has-text('Add note')")
    expect(page.locator("#notes")).to_contain_text("Met their buyer.")
    page.fill("input[name=amount]", "25000000")
    page.click("button:has-text('Add estimate')")
    expect(page.locator("#factors")).to_contain_text("25,000,000.00")
    shoot("account")


def test_the_director_records_a_key_account_decision(page) -> None:
    UserFactory(username="dora", role=Role.DIRECTOR)
    account = AccountFactory(code="K1", name="Key candidate")
    sign_in(page, "dora", PASSWORD)
    page.goto(f"/accounts/{account.pk}/")
    page.select_option("select[name=is_key]", "true")
    page.fill("input[name=reason]", "Top 5 by revenue")
    page.click("button:has-text('Record decision')")
    expect(page.locator("#key-status")).to_contain_text("This is a key account.")
    expect(page.locator("#key-status")).to_contain_text("Top 5 by revenue")


def test_another_managers_account_answers_404(page) -> None:
    _manager_with_accounts()
    secret = Account.objects.get(code="SECRET-1")
    sign_in(page, "mia", PASSWORD)
    response = page.goto(f"/accounts/{secret.pk}/")
    assert response is not None
    assert response.status == 404


def test_switching_to_chinese_is_kept_for_the_next_sign_in(page, shoot) -> None:
    _manager_with_accounts()
    sign_in(page, "mia", PASSWORD)
    page.goto("/accounts/")
    page.click("button[name=language][value=zh-hans]")
    expect(page.locator("html")).to_have_attribute("lang", "zh-hans")
    expect(page.locator("nav.mainnav")).to_contain_text("客户")
    shoot("chinese")

    page.click("form[action='/logout/'] button")
    page.context.clear_cookies()
    sign_in(page, "mia", PASSWORD)
    expect(page.locator("html")).to_have_attribute("lang", "zh-hans")
