"""Every way people and ERP exports write an amount reads back exactly (docs/rules.md, Input).

Hypothesis draws amounts, writes each in one of the forms below with a decimal separator and
a thousands separator, and the column must read back to the same cents, alone or mixed.
"""

from __future__ import annotations

from decimal import Decimal

import pyarrow as pa
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from kam.importing.values import AmbiguousAmounts, decimal_separator, parse_cents

# decimal separator → the thousands separators a locale writes beside it
THOUSANDS = {
    ".": ["", ",", " ", "\u00a0", "\u202f", "'", "\u2019"],
    ",": ["", ".", " ", "\u00a0", "\u202f", "'"],
}
# How a negative amount (a credit note) is written; {n} is the digits, {c} a currency sign.
NEGATIVE_FORMS = [
    "-{n}",
    "-{c}{n}",
    "{c}-{n}",
    "- {c}{n}",
    "{c} -{n}",
    "({n})",
    "({c}{n})",
    "{c}({n})",
    "{n}-",
    "{c}{n}-",
    "{n}- {c}",
    "-{n} {c}",
    "({n} {c})",
    "\u2212{c}{n}",  # U+2212 MINUS SIGN
]
POSITIVE_FORMS = ["{n}", "{c}{n}", "{c} {n}", "{n} {c}", "+{n}", "{c}+{n}"]
CURRENCIES = ["¥", "$", "€", "£", "CNY", "USD", "RMB"]
FULL_WIDTH = str.maketrans("0123456789-(),.$", "０１２３４５６７８９－（），．＄")


def digits(amount: Decimal, decimal: str, thousands: str) -> str:
    """|amount| with two places, grouped by three."""
    whole, cents = f"{abs(amount):.2f}".split(".")
    groups = []
    while len(whole) > 3:
        groups.insert(0, whole[-3:])
        whole = whole[:-3]
    return thousands.join([whole, *groups]) + decimal + cents


def written(amount: Decimal, decimal: str, thousands: str, form: int, currency: str) -> str:
    forms = NEGATIVE_FORMS if amount < 0 else POSITIVE_FORMS
    return forms[form % len(forms)].format(n=digits(amount, decimal, thousands), c=currency)


amounts = st.decimals(min_value=-(10**12), max_value=10**12, places=2, allow_nan=False)
cells = st.tuples(amounts, st.integers(0, 100), st.sampled_from(CURRENCIES))


@settings(max_examples=300, deadline=None)
@given(
    decimal=st.sampled_from([".", ","]),
    data=st.data(),
    column=st.lists(cells, min_size=1, max_size=12),
    full_width=st.booleans(),
)
def test_a_column_of_amounts_in_any_form_reads_back_exactly(
    decimal: str, data: st.DataObject, column: list[tuple[Decimal, int, str]], full_width: bool
) -> None:
    # given amounts written in any of the forms, one decimal and one thousands separator
    thousands = data.draw(st.sampled_from(THOUSANDS[decimal]))
    texts = [written(amount, decimal, thousands, form, c) for amount, form, c in column]
    if full_width:
        texts = [text.translate(FULL_WIDTH) for text in texts]

    # when the column is read as an import reads it (the delimiter says nothing)
    values = pa.array(texts)
    parsed = parse_cents(values, decimal_separator(values, "\t"))

    # then every cell is read, to the cent
    assert not parsed.invalid.any(), texts
    assert parsed.values.to_pylist() == [int(amount * 100) for amount, _f, _c in column], texts


@pytest.mark.parametrize(
    ("raw", "cents"),
    [
        ("-¥1,234.56", -123456),
        ("-$10", -1000),
        ("¥-1,234.56", -123456),
        ("- $10", -1000),
        ("(¥1,234.56)", -123456),
        ("¥(1,234.56)", -123456),
        ("1,234.56-", -123456),
        ("－￥1,234.56", -123456),
        ("（１，２３４．５６）", -123456),
        ("￥-1,234.56", -123456),
        ("1'234.56", 123456),
        ("100元", 10000),
    ],
)
def test_the_credit_notes_the_issue_names_are_read(raw: str, cents: int) -> None:
    values = pa.array([raw])
    assert parse_cents(values, decimal_separator(values)).values.to_pylist() == [cents]


def test_credit_notes_that_outnumber_plain_values_still_tell_the_decimal_comma() -> None:
    # given a column whose only values showing the separator are credit notes
    values = pa.array(["(1.234,56)", "1.234,56-", "-€1.234,56", "1.000", "5"])

    # then the credit notes say it is a decimal comma, and every value reads
    assert decimal_separator(values, ",") == ","
    parsed = parse_cents(values, ",")
    assert parsed.values.to_pylist() == [-123456, -123456, -123456, 100000, 500]


@pytest.mark.parametrize(
    "raw", ["-(5)", "(5", "5)", "--5", "(5-)", "¥5€", "-5-", "((5))", "5-3", "¥", "(-¥5)"]
)
def test_two_signs_or_unbalanced_parentheses_are_not_an_amount(raw: str) -> None:
    parsed = parse_cents(pa.array([raw, "1.00"]), ".")
    assert parsed.invalid.tolist() == [True, False]


def test_a_column_with_both_a_decimal_point_and_a_decimal_comma_is_refused() -> None:
    # given one value written 1,234.56 and another 12,5
    values = pa.array(["1,234.56", "(12,5)", "7"])

    # then the column is refused naming one of each, not guessed by majority
    with pytest.raises(AmbiguousAmounts) as refused:
        decimal_separator(values, ",", "cost")
    assert str(refused.value) == (
        "cost: the column writes a decimal point (1,234.56) and a decimal comma (12,5); "
        "correct one of them"
    )
