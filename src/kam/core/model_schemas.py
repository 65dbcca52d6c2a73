"""API schemas derived from model fields, so that a setting is declared once, on its model.

The field's type, bounds (its Min/MaxValueValidators), digits and length become the schema's;
a wrong value is refused by the schema with 422 before the model's own validation runs.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Collection, Sequence
from decimal import Decimal
from typing import Any

from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from ninja import Field, Schema
from pydantic import StrictInt, create_model

from kam.core.schemas import MoneyOut, StrictIn, text


def _limit(validator: MinValueValidator | MaxValueValidator) -> Any:
    value = validator.limit_value
    return value() if callable(value) else value


def field_constraints(field: models.Field[Any, Any]) -> dict[str, Any]:
    """The bounds, digits and description a model field declares, as pydantic constraints."""
    constraints: dict[str, Any] = {}
    lows = [_limit(v) for v in field.validators if isinstance(v, MinValueValidator)]
    highs = [_limit(v) for v in field.validators if isinstance(v, MaxValueValidator)]
    if lows:
        constraints["ge"] = max(lows)
    if highs:
        constraints["le"] = min(highs)
    if isinstance(field, models.DecimalField):
        constraints["max_digits"] = field.max_digits
        constraints["decimal_places"] = field.decimal_places
    if field.help_text:
        constraints["description"] = str(field.help_text)
    return constraints


def field_type(field: models.Field[Any, Any], *, strict: bool) -> Any:
    """The Python type of a field's value; `strict` for input (an integer must be a number)."""
    if isinstance(field, models.DecimalField):
        return Decimal
    if isinstance(field, models.IntegerField):
        return StrictInt if strict else int
    if isinstance(field, models.CharField):
        return text(field.max_length or 10_000) if strict else str
    if isinstance(field, models.DateTimeField):
        return dt.datetime
    raise TypeError(f"no schema type for {type(field).__name__} {field.name}")


def out_schema(
    name: str, fields: Sequence[models.Field[Any, Any]], money: Collection[str] = ()
) -> type[Schema]:
    """A response schema with one attribute per field; those named in `money` are amounts
    in the base currency (decimal strings)."""
    definitions: dict[str, Any] = {
        f.name: (MoneyOut if f.name in money else field_type(f, strict=False), ...) for f in fields
    }
    return create_model(name, __base__=Schema, **definitions)


def patch_schema(name: str, fields: Sequence[models.Field[Any, Any]]) -> type[Schema]:
    """A partial update: every field optional, bounded as the model bounds it, no others."""
    definitions: dict[str, Any] = {
        f.name: (field_type(f, strict=True) | None, Field(None, **field_constraints(f)))
        for f in fields
    }
    return create_model(name, __base__=StrictIn, **definitions)
