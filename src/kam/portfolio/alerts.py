"""The portfolio's alert kinds, raised by each scoring (§3, §4, §13; kam.alerts.registry)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django.utils.translation import gettext_lazy as _

from kam.alerts.models import AlertSeverity
from kam.alerts.registry import AlertKind, Clears, register

KIND_POTENTIAL_STALE = "potential_stale"
KIND_POTENTIAL_MISSING = "potential_missing"
KIND_INVESTMENT_BAND = "investment_out_of_band"
KIND_NO_MANAGER = "key_account_without_manager"
KIND_CLASS_DROP = "class_drop"

_BAND_TEMPLATES = {
    "below": _("Investment ratio %(ratio)s is below the class %(klass)s band."),
    "above": _("Investment ratio %(ratio)s is above the class %(klass)s band."),
}


def _band_params(data: Mapping[str, Any]) -> Mapping[str, Any]:
    return {"ratio": f"{data['ratio']:.1%}", "klass": data["account_class"]}


def _drop_params(data: Mapping[str, Any]) -> Mapping[str, Any]:
    return {
        "before": data["previous_class"],
        "after": data["account_class"],
        "date": data["dropped_on"],
    }


register(
    AlertKind(
        code=KIND_POTENTIAL_MISSING,
        title=_("Potential estimate is missing"),
        template=_("Key account without a potential estimate."),
        severity=AlertSeverity.WARNING,
        clears=Clears.WHEN_CONDITION_CLEARS,
    ),
    AlertKind(
        code=KIND_POTENTIAL_STALE,
        title=_("Potential estimate is stale"),
        template=_("The potential estimate of this key account is out of date."),
        severity=AlertSeverity.WARNING,
        clears=Clears.WHEN_CONDITION_CLEARS,
    ),
    AlertKind(
        code=KIND_NO_MANAGER,
        title=_("Key account without a manager"),
        template=_("Key account without a manager."),
        severity=AlertSeverity.CRITICAL,
        clears=Clears.WHEN_CONDITION_CLEARS,
    ),
    AlertKind(
        code=KIND_INVESTMENT_BAND,
        title=_("Investment outside its class band"),
        template=lambda data: _BAND_TEMPLATES[data["band"]],
        severity=AlertSeverity.WARNING,
        clears=Clears.WHEN_CONDITION_CLEARS,
        params=_band_params,
    ),
    AlertKind(
        code=KIND_CLASS_DROP,
        title=_("Class dropped from A/B to C/D"),
        template=_("Class dropped from %(before)s to %(after)s as of %(date)s."),
        severity=AlertSeverity.CRITICAL,
        # A drop is an event, not a state: it stays open until someone acknowledges it.
        clears=Clears.BY_HAND,
        params=_drop_params,
    ),
)
