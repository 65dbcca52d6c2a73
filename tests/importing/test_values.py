"""Parsing the numbers and dates real ERP exports contain (no database)."""

from __future__ import annotations

import datetime as dt

import pyarrow as pa
import pytest

from kam.importing.values import (
    AmbiguousDates,
    ColumnError,
    date_order,
    decimal_separator,
    looks_like_formula,
    month_start,
    normalise_header,
    outside,
    parse_cents,
    parse_dates,
    parse_scaled,
)


@pytest.mark.parametrize(
    ("raw", "cents"),
    [
        ("1234.56", 123456),
        ("1,234.56", 123456),
        ("1,234,567.8", 123456780),
        ("¥1,234.56", 123456),
        ("￥ 1 234.56", 123456),
        ("CNY 12.00", 1200),
        ("12.00 RMB", 1200),
        ("$-5", -500),
        ("(100.00)", -10000),
        ("100.00-", -10000),
        ("-0.5", -50),
        ("+7", 700),
        ("1.2e3", 120000),
        ("0.005", 0),
        ("0.015", 2),
        ("0.025", 2),
        ("1234.565", 123456),
        ("9999999999999.99", 999999999999999),
    ],
)
def test_amounts_with_a_decimal_point_become_exact_cents(raw: str, cents: int) -> None:
    parsed = parse_cents(pa.array([raw]), ".")
    assert parsed.values.to_pylist() == [cents]
    assert not parsed.invalid.any()


@pytest.mark.parametrize(
    ("raw", "cents"),
    [
        ("1.234,56", 123456),
        ("1234,5", 123450),
        ("12,00 €", 1200),
        ("-3", -300),
        ("1 234,56", 123456),
        ("1\u00a0234,56", 123456),
    ],
)
def test_amounts_with_a_decimal_comma_become_exact_cents(raw: str, cents: int) -> None:
    assert parse_cents(pa.array([raw]), ",").values.to_pylist() == [cents]


@pytest.mark.parametrize("raw", ["abc", "1.2.3", "12,34.5", "=1+2", "1e999", "--5", "١٢"])
def test_unreadable_amounts_are_flagged_not_guessed(raw: str) -> None:
    parsed = parse_cents(pa.array([raw, "1"]), ".")
    assert parsed.invalid.tolist() == [True, False]


def test_empty_cells_are_neither_values_nor_errors() -> None:
    parsed = parse_cents(pa.array(["", None, "  "]), ".")
    assert parsed.values.to_pylist() == [None, None, None]
    assert not parsed.invalid.any()


def test_ten_million_summed_from_invoice_lines_lands_exactly_on_the_boundary() -> None:
    lines = pa.array(["0.10"] * 9_999 + ["9,999,000.10"])
    assert sum(parse_cents(lines, ".").values.to_pylist()) == 1_000_000_000


@pytest.mark.parametrize(
    ("values", "delimiter", "separator"),
    [
        (["1,234.56", "12"], ",", "."),
        (["1.234,56", "12"], ";", ","),
        (["12,5"], ",", ","),
        (["12.50"], ";", "."),
        (["1,234"], ",", "."),
        (["1,234"], ";", ","),
    ],
)
def test_the_decimal_separator_follows_the_column_then_the_file(
    values: list[str], delimiter: str, separator: str
) -> None:
    assert decimal_separator(pa.array(values), delimiter) == separator


def test_iso_compact_chinese_and_day_first_dates() -> None:
    raw = pa.array(
        [
            "2026-11-24",
            "2026/1/5",
            "20261124",
            "2026年11月24日",
            "24/11/2026",
            "2026-11-24 13:45:00",
            "24.11.2026",
        ]
    )
    parsed = parse_dates(raw, date_order(raw))
    assert parsed.values.to_pylist() == [
        dt.date(2026, 11, 24),
        dt.date(2026, 1, 5),
        dt.date(2026, 11, 24),
        dt.date(2026, 11, 24),
        dt.date(2026, 11, 24),
        dt.date(2026, 11, 24),
        dt.date(2026, 11, 24),
    ]


def test_month_first_dates_are_detected() -> None:
    raw = pa.array(["11/24/2026", "01/02/2026"])
    assert date_order(raw) == "mdy"
    assert parse_dates(raw, "mdy").values.to_pylist() == [
        dt.date(2026, 11, 24),
        dt.date(2026, 1, 2),
    ]


def test_ambiguous_dates_are_refused_until_a_format_is_given() -> None:
    raw = pa.array(["01/02/2026", "03/04/2026"])
    with pytest.raises(AmbiguousDates, match="day-first or month-first"):
        date_order(raw)
    parsed = parse_dates(raw, date_format="%m/%d/%Y")
    assert parsed.values.to_pylist() == [dt.date(2026, 1, 2), dt.date(2026, 3, 4)]


def test_a_column_mixing_both_orders_is_refused() -> None:
    with pytest.raises(ColumnError, match="mixes"):
        date_order(pa.array(["13/02/2026", "02/13/2026"]))


@pytest.mark.parametrize("raw", ["2026-02-30", "2026-13-01", "31/04/2026", "tomorrow", "2026"])
def test_impossible_dates_are_flagged(raw: str) -> None:
    assert parse_dates(pa.array([raw]), "dmy").invalid.tolist() == [True]


def test_a_given_format_refuses_roll_overs() -> None:
    parsed = parse_dates(pa.array(["30.02.2026", "1.2.2026"]), date_format="%d.%m.%Y")
    assert parsed.values.to_pylist() == [None, dt.date(2026, 2, 1)]
    assert parsed.invalid.tolist() == [True, False]


def test_month_start() -> None:
    dates = pa.array([dt.date(2026, 11, 24), dt.date(2024, 2, 29)], pa.date32())
    assert month_start(dates).to_pylist() == [dt.date(2026, 11, 1), dt.date(2024, 2, 1)]


def test_formula_looking_cells_are_recognised_but_negative_numbers_are_not() -> None:
    raw = pa.array(
        ['=HYPERLINK("http://x")', "+cmd|' /C calc'!A0", "@SUM(A1)", "-12.5", "Pumps", None]
    )
    assert looks_like_formula(raw).tolist() == [True, True, True, False, False, False]


def test_quantities_keep_four_places() -> None:
    assert parse_scaled(pa.array(["0.125", "3", "1,5"]), ",", 4).values.to_pylist() == [
        None,
        30000,
        15000,
    ]


@pytest.mark.parametrize(
    ("name", "key"),
    [
        (" Customer Code ", "customercode"),
        ("customer_code", "customercode"),
        ("\ufeffInvoice-Date", "invoicedate"),
        ("客户编码", "客户编码"),
        ("Net Amount (CNY)", "netamountcny"),
    ],
)
def test_column_names_match_ignoring_case_spaces_and_punctuation(name: str, key: str) -> None:
    assert normalise_header(name) == key


def test_plain_numbers_read_the_same_alone_as_beside_decorated_ones() -> None:
    # Given plain numbers (read on the fast path) and the same beside a decorated cell
    plain = ["1234.565", "-0.5", "0.015", "", "9999999999999.99", "12"]

    alone = parse_cents(pa.array(plain), ".")
    mixed = parse_cents(pa.array([*plain, "¥1,000.00"]), ".")

    # Then both paths give the same exact cents, rounded half to even
    assert alone.values.to_pylist() == mixed.values.to_pylist()[:-1]
    assert alone.values.to_pylist() == [123456, -50, 2, None, 999999999999999, 1200]
    assert not alone.invalid.any() and not mixed.invalid.any()


def test_dates_outside_a_range_are_found_and_nulls_are_not() -> None:
    dates = pa.array([dt.date(1899, 12, 31), dt.date(1900, 1, 1), None, dt.date(3000, 1, 1)])
    assert outside(dates, dt.date(1900, 1, 1), dt.date(2999, 12, 31)).tolist() == [
        True,
        False,
        False,
        True,
    ]
