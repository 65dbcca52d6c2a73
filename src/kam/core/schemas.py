"""Types shared by every router: errors, bounded ids and texts, pagination."""

import datetime as dt
import re
from typing import Annotated, Any

from ninja import Field, Path, Schema
from ninja.pagination import PaginationBase
from pydantic import AfterValidator, BeforeValidator, ConfigDict, StrictInt, StringConstraints

MAX_ID = 2**63 - 1
MAX_OFFSET = 10**9
# NUL and other C0 controls are refused: PostgreSQL cannot store NUL in text.
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


def _no_control_characters(value: str) -> str:
    if _CONTROL.search(value):
        raise ValueError("must not contain control characters")
    return value


def text(max_length: int, min_length: int = 0) -> Any:
    """A stripped string of bounded length without control characters."""
    return Annotated[
        str,
        StringConstraints(strip_whitespace=True, min_length=min_length, max_length=max_length),
        AfterValidator(_no_control_characters),
    ]


def _iso_date_only(value: Any) -> Any:
    """Dates are ISO text (2026-11-24) or dates; numbers are not read as timestamps."""
    if isinstance(value, str) and not _ISO_DATE.fullmatch(value):
        raise ValueError("must be a date in the form YYYY-MM-DD")
    if isinstance(value, int | float):
        raise ValueError("must be a date in the form YYYY-MM-DD")
    return value


_ISO_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")
ObjectId = Annotated[int, Field(ge=1, le=MAX_ID)]
# In JSON bodies an id, a rating or a flag must have its own type: "5" is not 5.
BodyId = Annotated[StrictInt, Field(ge=1, le=MAX_ID)]
Rating = Annotated[StrictInt, Field(ge=1, le=5)]
IsoDate = Annotated[dt.date, BeforeValidator(_iso_date_only)]
PathId = Annotated[int, Path(ge=1, le=MAX_ID)]


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
