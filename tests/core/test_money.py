"""Amounts as people read them (issue 16 part 7): exact and grouped in both languages, and
compact with each language's own units."""

from __future__ import annotations

import pytest
from django.utils import translation

from kam.core.money import cents_compact, cents_grouped


@pytest.mark.parametrize("language", ["en", "zh-hans"])
@pytest.mark.parametrize(
    ("cents", "text"),
    [
        (0, "0.00"),
        (5, "0.05"),
        (99_999, "999.99"),
        (100_000, "1,000.00"),
        (11_849_551_942, "118,495,519.42"),
        (-11_849_551_942, "-118,495,519.42"),
        (-1, "-0.01"),
    ],
)
def test_grouped_amounts_carry_thousands_separators_in_both_languages(
    language: str, cents: int, text: str
) -> None:
    # Given a page in English or Chinese (Django's zh_Hans formats group by nothing)
    with translation.override(language):
        # When an exact amount is printed, then it is grouped by thousands with a comma
        assert cents_grouped(cents) == text


@pytest.mark.parametrize(
    ("cents", "english", "chinese"),
    [
        (0, None, None),
        (99_999, None, None),  # 999.99: below a thousand, shown whole
        (100_000, "1 K", None),  # exactly 1,000: the first English unit
        (999_999, "10 K", None),  # 9,999.99 rounds up to ten thousand
        (1_000_000, "10 K", "1 万"),  # exactly 10,000: the first Chinese unit
        (123_456, "1.23 K", None),
        (11_849_551_942, "118.5 M", "1.18 亿"),  # the example
        (4_765_892_502, "47.66 M", "4,766 万"),
        (10_000_000_000, "100 M", "1 亿"),  # exactly 1 亿
        (9_999_500_000, "100 M", "1 亿"),  # 99,995,000: 万 would round to 10,000 万
        (9_999_400_000, "99.99 M", "9,999 万"),
        (99_999_999_999, "1 B", "10 亿"),  # 999,999,999.99: no "1,000 M"
        (150_000_000_000_000, "1.5 T", "1.5 万亿"),
        (10**19, "100,000 T", "100,000 万亿"),  # past the last unit, grouped
    ],
)
def test_compact_amounts_use_each_language_s_units(
    cents: int, english: str | None, chinese: str | None
) -> None:
    # Given an amount in cents, when it is shown compact in each language
    # then English counts in K/M/B/T and Chinese in 万/亿/万亿, rounded half up, no trailing
    # zeros, and an amount below the first unit is left to be shown whole (None)
    assert cents_compact(cents, language="en") == english
    assert cents_compact(cents, language="zh-hans") == chinese


def test_compact_negative_amounts_keep_their_sign_and_round_away_from_zero() -> None:
    # Given credit notes larger than what was sold
    # When shown compact, then the minus stays and a half rounds away from zero as a plus would
    assert cents_compact(-11_849_551_942, language="en") == "-118.5 M"
    assert cents_compact(-11_849_551_942, language="zh-hans") == "-1.18 亿"
    assert cents_compact(-123_500, language="en") == "-1.24 K"
    assert cents_compact(123_500, language="en") == "1.24 K"
    assert cents_compact(-99_999, language="en") is None


def test_compact_follows_the_active_language_when_none_is_given() -> None:
    # Given no language argument, when the active language is Chinese, then 亿 is used
    with translation.override("zh-hans"):
        assert cents_compact(10_000_000_000) == "1 亿"
    with translation.override("en"):
        assert cents_compact(10_000_000_000) == "100 M"
