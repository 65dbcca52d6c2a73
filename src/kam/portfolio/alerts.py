"""The portfolio's alert kinds, raised by each scoring (§3, §4, §10, §13; kam.alerts.registry).

Each kind lists its causes and the severity each carries; docs/rules.md "Alerts" states how
a run decides the cause (kam.portfolio.services.alerting).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django.utils.translation import gettext_lazy as _

from kam.alerts.models import AlertSeverity
from kam.alerts.registry import AlertKind, CauseRule, Clears, register

KIND_POTENTIAL_STALE = "potential_stale"
KIND_POTENTIAL_MISSING = "potential_missing"
KIND_POTENTIAL_BELOW = "potential_below_contribution"
KIND_INVESTMENT_BAND = "investment_out_of_band"
KIND_NO_MANAGER = "key_account_without_manager"
KIND_CLASS_DROP = "class_drop"

INFO, WARNING, CRITICAL = AlertSeverity.INFO, AlertSeverity.WARNING, AlertSeverity.CRITICAL

_BAND_TEMPLATES = {
    "below": _("Investment ratio %(ratio)s is below the class %(klass)s band."),
    "above": _("Investment ratio %(ratio)s is above the class %(klass)s band."),
}

# Class drop causes (kam.analytics.causes), key account or not.
DROP_CAUSES = {
    "contribution": CauseRule(
        _("The contribution fell: revenue is dropping on a key account."), CRITICAL
    ),
    "contribution_and_potential": CauseRule(
        _(
            "The contribution fell while the potential estimate moved; together they dropped "
            "the class: revenue is dropping on a key account."
        ),
        CRITICAL,
    ),
    "contribution_not_key": CauseRule(_("The contribution fell: revenue is dropping."), WARNING),
    "contribution_and_potential_not_key": CauseRule(
        _(
            "The contribution fell while the potential estimate moved; together they dropped "
            "the class."
        ),
        WARNING,
    ),
    "potential": CauseRule(
        _(
            "A new potential estimate moved the class (the relative rule of §3: the share of "
            "wallet fell below its threshold); the customer's revenue did not cause it. "
            "Information for the manager."
        ),
        INFO,
    ),
    "settings": CauseRule(
        _(
            "The matrix thresholds changed in the settings; the customer's figures did not "
            "cause it."
        ),
        INFO,
    ),
    "combined": CauseRule(
        _(
            "The potential estimate and the contribution moved together; the contribution did "
            "not fall. Information for the manager."
        ),
        INFO,
    ),
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
        severity=WARNING,
        clears=Clears.WHEN_CONDITION_CLEARS,
        causes={
            "no_estimate": CauseRule(
                _(
                    "No estimate on file: the contribution stands in for the potential, so the "
                    "class is a guess."
                ),
                WARNING,
            ),
            "became_key": CauseRule(
                _("The account has just become a key account and has no estimate yet."), INFO
            ),
        },
    ),
    AlertKind(
        code=KIND_POTENTIAL_STALE,
        title=_("Potential estimate is stale"),
        template=_("The potential estimate of this key account is out of date."),
        severity=INFO,
        clears=Clears.WHEN_CONDITION_CLEARS,
        causes={
            "estimate_aged": CauseRule(
                _(
                    "The estimate has grown older than the limit; it is still used. "
                    "Information for the manager: renew it."
                ),
                INFO,
            ),
        },
    ),
    AlertKind(
        code=KIND_POTENTIAL_BELOW,
        title=_("Potential estimate below the contribution"),
        template=_("The customer buys more than its potential estimate."),
        severity=INFO,
        clears=Clears.WHEN_CONDITION_CLEARS,
        causes={
            "contribution_passed": CauseRule(
                _(
                    "The contribution grew past the estimate, so the contribution stands in for "
                    "the potential. Information for the manager: raise the estimate."
                ),
                INFO,
            ),
            "estimate_lowered": CauseRule(
                _(
                    "A new estimate is below what the customer already buys. Information for "
                    "the manager: check the estimate."
                ),
                INFO,
            ),
        },
    ),
    AlertKind(
        code=KIND_NO_MANAGER,
        title=_("Key account without a manager"),
        template=_("Key account without a manager."),
        severity=WARNING,
        clears=Clears.WHEN_CONDITION_CLEARS,
        causes={
            "no_manager": CauseRule(_("Nobody owns this key account: assign a manager."), WARNING),
        },
    ),
    AlertKind(
        code=KIND_INVESTMENT_BAND,
        title=_("Investment outside its class band"),
        template=lambda data: _BAND_TEMPLATES[data["band"]],
        severity=WARNING,
        clears=Clears.WHEN_CONDITION_CLEARS,
        params=_band_params,
        causes={
            "no_cost_recorded": CauseRule(
                _(
                    "No cost to serve is recorded for the last 12 months: record it to judge "
                    "the investment."
                ),
                INFO,
            ),
            "class_changed": CauseRule(
                _("The class changed, and with it the band; the spending did not move it out."),
                INFO,
            ),
            "investment_rose": CauseRule(
                _("The cost to serve rose beyond the class band."), WARNING
            ),
            "contribution_fell": CauseRule(
                _(
                    "The contribution fell, so the same cost to serve weighs more than the band "
                    "allows."
                ),
                WARNING,
            ),
            "under_invested": CauseRule(
                _("Less is spent than the class needs: classes A and C are the ones to invest in."),
                WARNING,
            ),
            "below_band": CauseRule(
                _("Less is spent than the band; the class needs little investment."), INFO
            ),
            "above_band": CauseRule(_("More is spent than the class band allows."), WARNING),
        },
    ),
    AlertKind(
        code=KIND_CLASS_DROP,
        title=_("Class dropped from A/B to C/D"),
        template=_("Class dropped from %(before)s to %(after)s as of %(date)s."),
        severity=CRITICAL,
        # Resolved when the class is back to A or B on a later run, or by hand.
        clears=Clears.WHEN_CONDITION_CLEARS,
        params=_drop_params,
        causes=DROP_CAUSES,
    ),
)
