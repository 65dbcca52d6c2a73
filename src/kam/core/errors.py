"""Domain errors raised by services and turned into 4xx answers by the API and pages."""

from __future__ import annotations

from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.db.models import Model
from django.utils.translation import gettext as _


@dataclass(frozen=True)
class FieldError:
    field: str
    message: str


class DomainError(Exception):
    """A request the domain refuses; `status` is the HTTP code the API answers with."""

    status = 400
    code = "invalid"

    def __init__(
        self, message: str, *, field: str | None = None, errors: list[FieldError] | None = None
    ) -> None:
        super().__init__(message)
        self.message = message
        self.errors = list(errors or [])
        if field is not None and not self.errors:
            self.errors.append(FieldError(field, message))


class InvalidInput(DomainError):
    status = 422
    code = "invalid"


class PermissionDenied(DomainError):
    status = 403
    code = "forbidden"


class Conflict(DomainError):
    status = 409
    code = "conflict"


def invalid_from_validation_error(error: ValidationError) -> InvalidInput:
    """Translate Django's model validation into one InvalidInput naming each field."""
    errors: list[FieldError] = []
    if hasattr(error, "error_dict"):
        for field, field_errors in error.message_dict.items():
            name = "__all__" if field == "__all__" else field
            errors.extend(FieldError(name, message) for message in field_errors)
    else:
        errors.extend(FieldError("__all__", message) for message in error.messages)
    first = errors[0].message if errors else _("The data is not valid.")
    return InvalidInput(first, errors=errors)


def full_clean_or_raise(
    instance: Model, *, exclude: list[str] | None = None, validate_unique: bool = True
) -> None:
    """Run a model's full_clean and raise InvalidInput (not ValidationError) when it fails."""
    try:
        instance.full_clean(exclude=exclude, validate_unique=validate_unique)
    except ValidationError as error:
        raise invalid_from_validation_error(error) from error
