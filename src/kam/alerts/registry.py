"""The registry of alert kinds: each area declares its kinds once, in its own `alerts.py`.

A kind says what it is called, how severe it is, how it is worded (one gettext template, so
the English stored for API readers and the reader's language on pages come from one text) and
what clears it. `AlertsConfig.ready()` imports every installed app's `alerts` module, so a new
area registers its kinds without touching this app.
"""

from __future__ import annotations

import enum
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

from django.utils import translation
from django.utils.functional import Promise

Data = Mapping[str, Any]


class Clears(enum.Enum):
    """What closes an open alert of a kind."""

    # A later run that no longer finds the condition resolves it (sync leaves it open while
    # the condition holds; acknowledging only records who took it on).
    WHEN_CONDITION_CLEARS = "condition"
    # An event that happened: only a person closes it, by acknowledging it.
    BY_HAND = "hand"


def _no_params(data: Data) -> Mapping[str, Any]:
    return data


@dataclass(frozen=True)
class AlertKind:
    """One kind of alert (DOMAIN §10): code, title, severity rule, template, what clears it.

    `template` is a lazy gettext string with %(name)s placeholders filled from `params(data)`,
    or a function choosing one such string by the data. `severity` is a severity value, or a
    function of the data returning one.
    """

    code: str
    title: Promise | str
    template: Promise | str | Callable[[Data], Promise | str]
    severity: str | Callable[[Data], str]
    clears: Clears
    params: Callable[[Data], Mapping[str, Any]] = field(default=_no_params)

    def severity_for(self, data: Data) -> str:
        return self.severity(data) if callable(self.severity) else self.severity

    def text(self, data: Data) -> str:
        """The message in the active language; raises KeyError, TypeError or ValueError when
        the data does not carry what the template needs."""
        template = self.template(data) if callable(self.template) else self.template
        return str(template) % self.params(data)

    def message(self, data: Data) -> str:
        """The message as stored: English, for API readers."""
        with translation.override("en"):
            return self.text(data)


_KINDS: dict[str, AlertKind] = {}


def register(*kinds: AlertKind) -> None:
    """Declare kinds; a code registered twice with a different declaration is an error."""
    for kind in kinds:
        known = _KINDS.get(kind.code)
        if known is not None and known != kind:
            raise ValueError(f"alert kind {kind.code!r} is registered twice")
        _KINDS[kind.code] = kind


def kind_get(code: str) -> AlertKind:
    """The registered kind; raises LookupError for a code nobody registered."""
    try:
        return _KINDS[code]
    except KeyError:
        raise LookupError(f"unknown alert kind {code!r}") from None


def kind_find(code: str) -> AlertKind | None:
    return _KINDS.get(code)


def kinds() -> list[AlertKind]:
    return sorted(_KINDS.values(), key=lambda kind: kind.code)
