"""Form fields for numbers as people type and read them: money grouped by thousands, shares
as percentages. What such a field shows, it accepts back (docs/rules.md "Numbers and lists
on the pages")."""

from __future__ import annotations

import re
from decimal import Decimal, InvalidOperation
from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from kam.core.money import cents_grouped, decimal_to_cents

NOT_AN_AMOUNT = _("Enter an amount such as 1,250,000.00.")
NOT_A_PERCENTAGE = _("Enter a percentage such as 30 or 12.5.")
PERCENT_RANGE = _("Give a percentage from %(low)s to %(high)s.")
PERCENT_PLACES = _("Give at most %(places)s decimals in a percentage.")
# Grouping a person may type: commas, spaces (ordinary, no-break, thin), apostrophes.
_GROUPING = re.compile(r"[,\s\u00a0\u202f\u2009']")


def _text_input(**attrs: str) -> forms.TextInput:
    return forms.TextInput(attrs={"inputmode": "decimal", "autocomplete": "off", **attrs})


class MoneyField(forms.DecimalField):
    """An amount shown grouped (10,000,000.00) and accepted grouped or not, with at most two
    decimals; `unit` is the currency the page prints beside it."""

    def __init__(self, *args: Any, unit: str = "", **kwargs: Any) -> None:
        kwargs.setdefault("decimal_places", 2)
        kwargs.setdefault("widget", _text_input())
        super().__init__(*args, **kwargs)
        self.unit = unit

    def prepare_value(self, value: Any) -> Any:
        if isinstance(value, Decimal | int) and not isinstance(value, bool):
            return cents_grouped(decimal_to_cents(Decimal(value)))
        return value

    def to_python(self, value: Any) -> Any:
        if isinstance(value, str):
            value = _GROUPING.sub("", value)
            if value and not re.fullmatch(r"[+-]?(\d+(\.\d*)?|\.\d+)", value):
                raise ValidationError(NOT_AN_AMOUNT, code="invalid")
        return super().to_python(value)


class PercentField(forms.DecimalField):
    """A share kept as a fraction (0.3000) shown and typed as a percentage (30): "30",
    "30 %", "12.5%" are accepted; the bounds and decimals are said in percent."""

    unit = "%"

    def __init__(
        self,
        *args: Any,
        low: Decimal = Decimal(0),
        high: Decimal = Decimal(1),
        fraction_places: int = 4,
        **kwargs: Any,
    ) -> None:
        for name in ("max_digits", "decimal_places", "min_value", "max_value"):
            kwargs.pop(name, None)
        kwargs.setdefault("widget", _text_input())
        super().__init__(*args, **kwargs)
        self.low, self.high = low, high
        self.percent_places = max(0, fraction_places - 2)

    def prepare_value(self, value: Any) -> Any:
        if isinstance(value, Decimal | int | float) and not isinstance(value, bool):
            percent = (Decimal(str(value)) * 100).normalize()
            return f"{percent:f}"
        return value

    def to_python(self, value: Any) -> Any:
        if value in self.empty_values:
            return None
        text = str(value).strip().rstrip("%％").strip()
        try:
            percent = Decimal(_GROUPING.sub("", text))
        except InvalidOperation:
            raise ValidationError(NOT_A_PERCENTAGE, code="invalid") from None
        if not percent.is_finite():
            raise ValidationError(NOT_A_PERCENTAGE, code="invalid")
        exponent = percent.as_tuple().exponent
        if isinstance(exponent, int) and -exponent > self.percent_places:
            raise ValidationError(
                PERCENT_PLACES, code="max_decimal_places", params={"places": self.percent_places}
            )
        if not self.low * 100 <= percent <= self.high * 100:
            raise ValidationError(
                PERCENT_RANGE,
                code="range",
                params={"low": f"{self.low * 100:f}", "high": f"{(self.high * 100).normalize():f}"},
            )
        return percent / 100

    def validate(self, value: Any) -> None:
        forms.Field.validate(self, value)
