"""The registry of alert kinds: each area declares its kinds once, in its own `alerts.py`.

A kind says what it is called, how it is worded (one gettext template, so the English stored
for API readers and the reader's language on pages come from one text), what **causes** it
can have and how severe each cause is (DOMAIN §10: the severity follows the cause), and what
clears it. `AlertsConfig.ready()` imports every installed app's `alerts` module, so a new
area registers its kinds without touching this app.

A finding's cause is stored structured on the alert (docs/rules.md "Alerts")::

    {"rule": "contribution", "from_date": "2026-03-31", "to_date": "2026-04-30",
     "currency": "CNY",
     "changes": [{"input": "contribution", "unit": "money", "from": "12000000.00",
                  "to": "4000000.00", "driver": true}, ...]}

`rule` names the cause (one of the kind's `causes`); each change names an input (see
`INPUTS`), its unit (`UNITS`), its value before and after (money as decimal strings in the
base currency, shares and ratios as fractions, months as numbers, dates as ISO text; null:
none) and whether it drove the alert.
"""

from __future__ import annotations

import contextlib
import enum
import threading
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.utils import translation
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

Data = Mapping[str, Any]
Cause = Mapping[str, Any]

# Units of a cause's values, as the pages format them.
UNITS = ("money", "share", "months", "class", "date", "text", "flag")

# The inputs a cause may name; apps add theirs with `register_inputs`.
INPUTS: dict[str, Promise | str] = {
    "contribution": _("Contribution (last 12 months)"),
    "potential_estimate": _("Potential estimate"),
    "potential": _("Effective potential"),
    "share_of_wallet": _("Share of wallet"),
    "estimate_age": _("Age of the estimate"),
    "estimated_on": _("Estimated on"),
    "account_class": _("Class"),
    "investment": _("Cost to serve (last 12 months)"),
    "investment_ratio": _("Investment ratio"),
    "band": _("Class band"),
    "is_key": _("Key account"),
    "owner": _("Manager"),
    "settings": _("Matrix thresholds"),
}


def register_inputs(**labels: Promise | str) -> None:
    """Declare the inputs an area's causes name (code → label)."""
    INPUTS.update(labels)


def input_label(code: str) -> str:
    return _str(INPUTS.get(code, code))


# English texts worded already, by the lazy text they come from (which the entry keeps
# alive, so its id is never another's): a sweep words thousands of messages from a handful.
_ENGLISH: dict[int, tuple[Promise, str]] = {}
_wording = threading.local()


@contextlib.contextmanager
def english() -> Iterator[None]:
    """Word stored messages (English) inside: the language switched once, however many
    messages or nested uses; their texts are memoised meanwhile."""
    if getattr(_wording, "english", False):
        yield
        return
    with translation.override("en"):
        _wording.english = True
        try:
            yield
        finally:
            _wording.english = False


def _str(text: Promise | str) -> str:
    """str(text), memoised while wording in English (`english`)."""
    if isinstance(text, str) or not getattr(_wording, "english", False):
        return str(text)
    known = _ENGLISH.get(id(text))
    if known is None or known[0] is not text:
        if len(_ENGLISH) > 2000:  # texts made on the fly: never let the memo grow
            _ENGLISH.clear()
        known = _ENGLISH[id(text)] = (text, str(text))
    return known[1]


class Clears(enum.Enum):
    """What closes an open alert of a kind."""

    # A later run that no longer finds the condition resolves it (sync leaves it open while
    # the condition holds; acknowledging only records who took it on).
    WHEN_CONDITION_CLEARS = "condition"
    # An event that happened: only a person resolves it, by hand with a reason.
    BY_HAND = "hand"


@dataclass(frozen=True)
class Finding:
    """What one run found for one account: the data the message is worded from and the
    structured cause the severity follows."""

    data: Data = field(default_factory=dict)
    cause: Cause = field(default_factory=dict)


@dataclass(frozen=True)
class CauseRule:
    """One cause a kind can have: its sentence and the severity it carries."""

    text: Promise | str
    severity: str


def _no_params(data: Data) -> Mapping[str, Any]:
    return data


def _as_finding(value: Finding | Data) -> Finding:
    return value if isinstance(value, Finding) else Finding(data=dict(value))


@dataclass(frozen=True)
class AlertKind:
    """One kind of alert (DOMAIN §10): code, title, template, causes, severity, what clears
    it.

    `template` is a lazy gettext string with %(name)s placeholders filled from `params(data)`,
    or a function choosing one such string by the data. The severity of a finding is its
    cause rule's (`causes[cause["rule"]]`); `severity` is the fallback for a finding with no
    known cause (a value, or a function of the finding).
    """

    code: str
    title: Promise | str
    template: Promise | str | Callable[[Data], Promise | str]
    severity: str | Callable[[Finding], str]
    clears: Clears
    params: Callable[[Data], Mapping[str, Any]] = field(default=_no_params)
    causes: Mapping[str, CauseRule] = field(default_factory=dict)

    def severity_for(self, finding: Finding | Data) -> str:
        found = _as_finding(finding)
        rule = self.causes.get(str(found.cause.get("rule", "")))
        if rule is not None:
            return rule.severity
        return self.severity(found) if callable(self.severity) else self.severity

    def text(self, data: Data) -> str:
        """The message in the active language; raises KeyError, TypeError or ValueError when
        the data does not carry what the template needs."""
        template = self.template(data) if callable(self.template) else self.template
        return _str(template) % self.params(data)

    def cause_text(self, cause: Cause) -> str:
        """The cause's sentence in the active language ("" when the kind does not know it)."""
        rule = self.causes.get(str(cause.get("rule", "")))
        return _str(rule.text) if rule is not None else ""

    def message(self, finding: Finding | Data) -> str:
        """The message as stored: English, for API readers, with the cause's sentence and
        the changes that drove it."""
        found = _as_finding(finding)
        with english():
            parts = [self.text(found.data)]
            sentence = self.cause_text(found.cause)
            if sentence:
                parts.append(sentence)
            drivers = [
                change_text(change, found.cause)
                for change in found.cause.get("changes", [])
                if change.get("driver")
            ]
            if drivers:
                parts.append("; ".join(drivers) + ".")
            return " ".join(parts)[:500]


MONTHS, YES, NO, NONE = _("%(months)s months"), _("yes"), _("no"), _("none")


def value_text(value: Any, unit: str, currency: str = "") -> str:
    """One value of a change as plain text (the stored message; pages format their own)."""
    if value is None:
        return _str(NONE)
    if unit == "money":
        amount = f"{Decimal(str(value)):,.2f}"  # exact: money never goes through a float
        return f"{amount} {currency}".strip()
    if unit == "share":
        return f"{float(value):.1%}"
    if unit == "months":
        return _str(MONTHS) % {"months": f"{float(value):.1f}"}
    if unit == "flag":
        return _str(YES if value else NO)
    return str(value)


def change_text(change: Mapping[str, Any], cause: Cause) -> str:
    """ "Contribution (last 12 months) 12,000,000.00 CNY → 4,000,000.00 CNY"."""
    unit = str(change.get("unit", "text"))
    currency = str(cause.get("currency", ""))
    after = value_text(change.get("to"), unit, currency)
    label = input_label(str(change.get("input", "")))
    if change.get("from") is None:
        return f"{label}: {after}"
    return f"{label}: {value_text(change.get('from'), unit, currency)} → {after}"


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
