"""The settings page shows shares as percentages and money grouped, and accepts back what it
shows (issue 16 part 7)."""

from __future__ import annotations

import re
from decimal import Decimal

import pytest
from django.urls import reverse

from kam.portfolio.models import SETTINGS_TABLE
from kam.portfolio.selectors import portfolio_settings
from tests.conftest import signed_in

pytestmark = pytest.mark.django_db


def shown(html: str) -> dict[str, str]:
    """name → the value attribute of each input of the page."""
    return dict(re.findall(r'<input type="text" name="(\w+)" value="([^"]*)"', html))


@pytest.mark.parametrize("language", ["en", "zh-hans"])
def test_shares_read_as_percentages_and_money_grouped(director, language) -> None:
    # Given the default settings, when the director opens the page in either language
    html = signed_in(director, language).get(reverse("portfolio_settings")).text
    values = shown(html)

    # Then a share of 0.30 reads 30 with a % beside it, and money is grouped by thousands
    assert values["relative_share_threshold"] == "30"
    assert values["weight_technical_fit"] == "5"
    assert values["band_d_low"] == "0"
    assert values["contribution_high"] == "10,000,000.00"
    assert '<span class="unit">%</span>' in html
    assert '<span class="unit">CNY</span>' in html


def test_saving_what_the_page_shows_changes_nothing(director) -> None:
    # Given the page's own values, posted back as they are shown
    client = signed_in(director)
    before = portfolio_settings()
    form = client.get(reverse("portfolio_settings")).context["form"]
    data = {name: form[name].value() for name in form.fields}

    # When the director saves without typing anything
    response = client.post(reverse("portfolio_settings"), data)

    # Then the page accepts it and every setting is what it was
    assert response.status_code == 302
    after = portfolio_settings()
    for name in SETTINGS_TABLE:
        assert getattr(after, name) == getattr(before, name), name


def test_percentages_and_grouped_amounts_are_saved_exactly(director) -> None:
    # Given the page's values with a share typed as "12.5 %" and money with separators
    client = signed_in(director)
    form = client.get(reverse("portfolio_settings")).context["form"]
    data = {name: form[name].value() for name in form.fields}
    data["relative_share_threshold"] = "12.5 %"
    data["weight_growth"] = "25"
    data["contribution_high"] = "12,000,000"
    data["potential_medium"] = "10 000 000.50"

    # When the director saves
    response = client.post(reverse("portfolio_settings"), data)

    # Then each is kept exactly as the fraction or amount it means
    assert response.status_code == 302
    saved = portfolio_settings()
    assert saved.relative_share_threshold == Decimal("0.125")
    assert saved.weight_growth == Decimal("0.25")
    assert saved.contribution_high == Decimal("12000000")
    assert saved.potential_medium == Decimal("10000000.50")


@pytest.mark.parametrize(
    ("name", "typed", "message"),
    [
        ("relative_share_threshold", "120", "Give a percentage from 0 to 100."),
        ("relative_share_threshold", "-5", "Give a percentage from 0 to 100."),
        ("relative_share_threshold", "12.345", "Give at most 2 decimals in a percentage."),
        ("relative_share_threshold", "thirty", "Enter a percentage such as 30 or 12.5."),
        ("contribution_high", "ten million", "Enter an amount such as 1,250,000.00."),
        ("contribution_high", "1,000.005", "no more than 2 decimal places"),
    ],
)
def test_bad_numbers_are_refused_in_the_terms_the_page_uses(director, name, typed, message) -> None:
    # Given the page's values with one bad number
    client = signed_in(director)
    form = client.get(reverse("portfolio_settings")).context["form"]
    data = {field: form[field].value() for field in form.fields}
    data[name] = typed

    # When the director saves, then the page says what is wrong there and saves nothing,
    # showing back what was typed
    response = client.post(reverse("portfolio_settings"), data)
    assert response.status_code == 200
    assert message in response.text
    assert shown(response.text)[name] == typed
    assert portfolio_settings().relative_share_threshold == Decimal("0.30")
    assert portfolio_settings().contribution_high == Decimal("10000000")


def test_a_reader_who_cannot_edit_sees_percentages_too(manager) -> None:
    # Given a manager, who reads the settings without a form
    html = signed_in(manager).get(reverse("portfolio_settings")).text
    # Then the values are shown the same way, with their units
    assert '<span class="value">30</span><span class="unit">%</span>' in html
    assert '<span class="value">10,000,000.00</span><span class="unit">CNY</span>' in html


def test_the_history_shows_changes_in_the_page_s_units(director) -> None:
    # Given a share and a threshold changed from the page
    client = signed_in(director)
    form = client.get(reverse("portfolio_settings")).context["form"]
    data = {name: form[name].value() for name in form.fields}
    data["relative_share_threshold"] = "25"
    data["contribution_high"] = "12,000,000"
    client.post(reverse("portfolio_settings"), data)

    # When the history is read, then it speaks percentages and grouped money
    history = client.get(reverse("portfolio_settings")).text
    history = history[history.rindex("<tbody>") :]
    assert "<del>30 %</del> → <ins>25 %</ins>" in history
    assert "<del>10,000,000.00</del> → <ins>12,000,000.00</ins>" in history
