"""Types shared by every router: errors, bounded ids and texts, dates, pagination.

Each refusal is also written into the OpenAPI schema (maxLength, pattern), so a client, and
schemathesis, knows what the API refuses before it asks.
"""

import datetime as dt
import re
from decimal import Decimal
from typing import Annotated, Any

from django.utils.translation import gettext as _
from ninja import Field, Path, Schema
from ninja.pagination import PaginationBase
from pydantic import (
    AfterValidator,
    BeforeValidator,
    ConfigDict,
    PlainSerializer,
    StrictInt,
    StringConstraints,
    WithJsonSchema,
)

from kam.core.validators import formula_message, in_calendar, outside_calendar_message
from kam.importing.values import (
    IDENTIFIER_PATTERN,
    hidden_character,
    hidden_character_message,
    is_formula,
)

MAX_ID = 2**63 - 1
MAX_OFFSET = 10**9
# NUL and other C0 controls are refused (PostgreSQL cannot store NUL in text), and lone
# surrogates (no database encoding holds one); tab, line feed and carriage return are text.
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\ud800-\udfff]")
TEXT_PATTERN = r"^[^\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f]*$"


def _no_control_characters(value: Any) -> Any:
    # Checked before stripping: the schema's pattern speaks of the text as sent.
    if isinstance(value, str) and _CONTROL.search(value):
        raise ValueError(_("must not contain control characters"))
    return value


def _no_hidden_characters(value: Any) -> Any:
    character = hidden_character(value) if isinstance(value, str) else None
    if character is not None:
        raise ValueError(hidden_character_message(character))
    if isinstance(value, str) and is_formula(value):
        raise ValueError(formula_message())
    return value


def text(max_length: int, min_length: int = 0) -> Any:
    """A stripped string of bounded length without control characters (free text)."""
    return Annotated[
        str,
        BeforeValidator(_no_control_characters),
        StringConstraints(strip_whitespace=True, min_length=min_length, max_length=max_length),
        Field(json_schema_extra={"pattern": TEXT_PATTERN}),
    ]


def identifier(max_length: int, min_length: int = 0) -> Any:
    """An identifying text (a code, a name, a category): stripped, bounded, and free of
    controls, bidirectional overrides and zero-width characters (core.validators)."""
    return Annotated[
        str,
        BeforeValidator(_no_hidden_characters),
        StringConstraints(strip_whitespace=True, min_length=min_length, max_length=max_length),
        Field(json_schema_extra={"pattern": IDENTIFIER_PATTERN}),
    ]


def _iso_date_only(value: Any) -> Any:
    """Dates are ISO text (2026-11-24) or dates; numbers are not read as timestamps."""
    if isinstance(value, str) and not _ISO_DATE.fullmatch(value):
        raise ValueError(_("must be a date in the form YYYY-MM-DD"))
    if isinstance(value, int | float):
        raise ValueError(_("must be a date in the form YYYY-MM-DD"))
    return value


def _within_calendar(value: dt.date) -> dt.date:
    if not in_calendar(value):
        raise ValueError(outside_calendar_message())
    return value


_ISO_DATE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")
# The calendar's years (1900–2999, core.months) as the schema can say them.
DATE_PATTERN = r"^(19|2[0-9])[0-9]{2}-[0-9]{2}-[0-9]{2}$"
ObjectId = Annotated[int, Field(ge=1, le=MAX_ID)]
# In JSON bodies an id, a rating or a flag must have its own type: "5" is not 5.
BodyId = Annotated[StrictInt, Field(ge=1, le=MAX_ID)]
Rating = Annotated[StrictInt, Field(ge=1, le=5)]
IsoDate = Annotated[
    dt.date,
    BeforeValidator(_iso_date_only),
    AfterValidator(_within_calendar),
    Field(json_schema_extra={"pattern": DATE_PATTERN}),
]
PathId = Annotated[int, Path(ge=1, le=MAX_ID)]

# Money the API answers: an exact decimal string in the base currency, two places ("-1234.50"),
# never a JSON number (which a client would read as a binary float). A rate per month (the
# trend slope) is money too.
MONEY_PATTERN = r"^-?[0-9]+\.[0-9]{2}$"
MONEY_SCHEMA = {"type": "string", "format": "decimal", "pattern": MONEY_PATTERN}


def _money_text(amount: Decimal) -> str:
    return f"{amount:.2f}"


MoneyOut = Annotated[
    Decimal,
    PlainSerializer(_money_text, return_type=str),
    WithJsonSchema(MONEY_SCHEMA),
]


class StrictIn(Schema):
    """Input schemas refuse unknown fields, so a typo never passes silently."""

    model_config = ConfigDict(extra="forbid")


# Every error status kam answers with; all carry ErrorOut (ninja's codes_4xx lacks 422).
ERROR_CODES = frozenset({400, 401, 403, 404, 405, 409, 413, 422})


class FieldErrorOut(Schema):
    field: str
    message: str


class ErrorOut(Schema):
    detail: str
    errors: list[FieldErrorOut] = []


class Page(PaginationBase):
    """Limit/offset pagination with bounds, answering {count, items}."""

    class Input(Schema):
        limit: int = Field(50, ge=1, le=500)
        offset: int = Field(0, ge=0, le=MAX_OFFSET)

    class Output(Schema):
        count: int
        items: list[Any]

    items_attribute: str = "items"

    def paginate_queryset(
        self, queryset: Any, pagination: Any, request: Any = None, **params: Any
    ) -> Any:
        return {
            "count": self._items_count(queryset),
            "items": queryset[pagination.offset : pagination.offset + pagination.limit],
        }
