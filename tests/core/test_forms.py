"""Number fields that accept what they show (kam.core.forms)."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError

from kam.core.forms import MoneyField, PercentField


@pytest.mark.parametrize(
    ("fraction", "shown"),
    [
        (Decimal("0.3000"), "30"),
        (Decimal("0.0500"), "5"),
        (Decimal("0.1250"), "12.5"),
        (Decimal("0"), "0"),
        (Decimal("1.0000"), "100"),
    ],
)
def test_a_share_is_shown_as_a_percentage_and_read_back_exactly(fraction, shown) -> None:
    # Given a share kept as a fraction, when the field shows it and reads it back
    field = PercentField()
    # Then it reads as a percentage, and what it shows cleans to the same fraction
    assert field.prepare_value(fraction) == shown
    assert field.clean(shown) == fraction
    assert field.clean(f"{shown} %") == fraction


@pytest.mark.parametrize(
    "amount", [Decimal("10000000.00"), Decimal("0.00"), Decimal("999.99"), Decimal("1234567.5")]
)
def test_an_amount_is_shown_grouped_and_read_back_exactly(amount) -> None:
    # Given an amount, when the field shows it grouped and reads that back, then it is equal
    field = MoneyField(max_digits=15)
    assert field.clean(field.prepare_value(amount)) == amount


def test_what_is_typed_is_shown_back_as_typed() -> None:
    # Given a bound form's raw text (after an error), then it is not reformatted
    assert PercentField().prepare_value("12,5") == "12,5"
    assert MoneyField(max_digits=15).prepare_value("1,0") == "1,0"


@pytest.mark.parametrize("typed", ["abc", "1.2.3", "--5", "1e3x"])
def test_a_money_field_refuses_what_is_not_an_amount(typed) -> None:
    with pytest.raises(ValidationError):
        MoneyField(max_digits=15).clean(typed)
