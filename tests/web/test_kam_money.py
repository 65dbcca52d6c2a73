"""The money filters pages use (kam_money): exact, grouped and compact with the exact amount
on hover, in both languages."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.template import Context, Template
from django.utils import translation


def render(source: str, **context: object) -> str:
    return Template("{% load kam_money %}" + source).render(Context(context))


@pytest.mark.parametrize("language", ["en", "zh-hans"])
def test_compact_amounts_carry_the_exact_amount_on_hover(language: str) -> None:
    # Given a large amount in cents on an English or a Chinese page
    with translation.override(language):
        # When it is shown compact
        html = render("{{ value|cents_compact }}", value=11_849_551_942)
    # Then the short form is an abbreviation whose title is the exact grouped amount
    short = "1.18 亿" if language == "zh-hans" else "118.5 M"
    assert html == f'<abbr class="amount" title="118,495,519.42">{short}</abbr>'


def test_small_amounts_are_shown_whole_and_missing_ones_as_a_dash() -> None:
    # Given amounts below the first unit, zero and none
    with translation.override("zh-hans"):
        small = render("{{ value|cents_compact }}", value=999_999)  # 9,999.99 < 1 万
        zero = render("{{ value|cents_compact }}", value=0)
        missing = render("{{ value|cents_compact }}", value=None)
    # Then they are exact (grouped) and a missing one is a dash, not "0"
    assert small == '<span class="amount">9,999.99</span>'
    assert zero == '<span class="amount">0.00</span>'
    assert missing == "—"


@pytest.mark.parametrize("language", ["en", "zh-hans"])
def test_decimal_amounts_are_grouped_exactly(language: str) -> None:
    # Given a Decimal amount (an estimate, a setting, a cost)
    with translation.override(language):
        exact = render("{{ value|money }}", value=Decimal("-1234567.5"))
        compact = render("{{ value|money_compact }}", value=Decimal("30000000"))
    # Then it is grouped with two places, and compact in the language's units
    assert exact == "-1,234,567.50"
    assert compact.endswith(">3,000 万</abbr>" if language == "zh-hans" else ">30 M</abbr>")


def test_chinese_pages_group_thousands_in_floatformat_too() -> None:
    # Given Django's own floatformat with grouping ("g") on a Chinese page
    with translation.override("zh-hans"):
        # Then it groups by thousands with a comma, as the English page does
        assert render('{{ value|floatformat:"2g" }}', value=Decimal("1234567.5")) == "1,234,567.50"
