"""The relationship map's alert kinds (DOMAIN §7, §10; kam.alerts.registry): on a key
account, a sponsor who left and a buying centre with no coach. Raised and cleared whenever
the series is recorded (kam.relationships.services.alerting); docs/rules.md "Relationship
alerts" states the rules.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from kam.alerts.models import AlertSeverity
from kam.alerts.registry import AlertKind, CauseRule, Clears, register, register_inputs
from kam.relationships.models import Attitude, BuyingRole

KIND_SPONSOR_LEFT = "sponsor_left"
KIND_NO_COACH = "no_coach"

WARNING, CRITICAL = AlertSeverity.WARNING, AlertSeverity.CRITICAL

# Cause rules of a sponsor who left: a decision maker among them weighs more.
SPONSOR_LEFT = "sponsor_left"
DECISION_MAKER_LEFT = "decision_maker_left"
NO_COACH = "no_coach"


def _choice(choices: Any, value: str) -> str:
    return str(choices(value).label) if value in choices.values else ""


def person_text(person: Mapping[str, Any]) -> str:
    """ "Wang Wei (Coach, Champion, left on 2026-05-01)" in the active language."""
    details = [
        text
        for text in (
            _choice(BuyingRole, str(person.get("role") or "")),
            _choice(Attitude, str(person.get("attitude") or "")),
        )
        if text
    ]
    left_on = person.get("left_on")
    if left_on:
        details.append(gettext("left on %(date)s") % {"date": left_on})
    else:
        details.append(gettext("left, date not known"))
    return f"{person['name']} ({', '.join(details)})"


def _sponsor_params(data: Mapping[str, Any]) -> Mapping[str, Any]:
    return {"people": "; ".join(person_text(person) for person in data["people"])}


register_inputs(
    sponsor_left_on=_("Sponsor left on"),
    coaches=_("Coaches and champions"),
    contacts=_("Active contacts"),
)

register(
    AlertKind(
        code=KIND_SPONSOR_LEFT,
        title=_("Sponsor left"),
        template=_("A sponsor of this key account has left: %(people)s."),
        severity=WARNING,
        clears=Clears.WHEN_CONDITION_CLEARS,
        params=_sponsor_params,
        causes={
            SPONSOR_LEFT: CauseRule(
                _(
                    "A coach or champion was marked as left within the last 180 days: find "
                    "who takes their place."
                ),
                WARNING,
            ),
            DECISION_MAKER_LEFT: CauseRule(
                _(
                    "A decision maker who championed us was marked as left within the last "
                    "180 days: the account's decision is open again."
                ),
                CRITICAL,
            ),
        },
    ),
    AlertKind(
        code=KIND_NO_COACH,
        title=_("No coach"),
        template=_(
            "None of the %(contacts)s active contacts of this key account is a coach or a champion."
        ),
        severity=WARNING,
        clears=Clears.WHEN_CONDITION_CLEARS,
        causes={
            NO_COACH: CauseRule(
                _("Nobody at the customer guides us from the inside: win a coach."), WARNING
            ),
        },
    ),
)
