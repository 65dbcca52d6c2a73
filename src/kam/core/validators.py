"""Validators declared once and used by the models, the page forms, the API and the CLI: the
calendar kam accepts and the characters no code or name may hold."""

from __future__ import annotations

import datetime as dt

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from kam.core.months import EARLIEST_DAY, LATEST_DAY
from kam.importing.messages import translated
from kam.importing.values import (
    LOOKS_LIKE_FORMULA,
    hidden_character,
    hidden_character_message,
    is_formula,
)


def in_calendar(day: dt.date) -> bool:
    """Whether `day` lies in the calendar kam accepts (the ledger's years, 1900–2999)."""
    return EARLIEST_DAY <= day <= LATEST_DAY


def outside_calendar_message() -> str:
    """The one message for a date outside the calendar, in the active language."""
    return _("outside the years %(first)s–%(last)s") % {
        "first": EARLIEST_DAY.year,
        "last": LATEST_DAY.year,
    }


def validate_in_calendar(value: dt.date) -> None:
    """A model and form validator: refuse a date outside the years 1900–2999 (a year 1 or
    9999 would widen every month array to it, or overflow the calendar)."""
    if not in_calendar(value):
        raise ValidationError(outside_calendar_message(), code="outside_calendar")


def validate_identifier(value: str) -> None:
    """A model and form validator for identifying texts (codes and names): refuse controls,
    bidirectional overrides and zero-width characters, which make one text look like another
    (kam.importing.values.HIDDEN_RANGES), and a value a spreadsheet would run as a formula
    (=HYPERLINK(…), @SUM(…)): no code or name is one, and the import refuses it too."""
    character = hidden_character(value)
    if character is not None:
        raise ValidationError(hidden_character_message(character), code="hidden_character")
    if is_formula(value):
        raise ValidationError(formula_message(), code="formula")


def formula_message() -> str:
    """The one message, in the active language, for a code or name that looks like a formula."""
    return translated(LOOKS_LIKE_FORMULA)
