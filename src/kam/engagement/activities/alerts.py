"""The contact cadence's alert kinds (DOMAIN §9, §10; kam.alerts.registry), raised and cleared
by the engagement sweep (kam.engagement.activities.sweep)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django.utils.translation import gettext_lazy as _

from kam.alerts.models import AlertSeverity
from kam.alerts.registry import AlertKind, CauseRule, Clears, register, register_inputs

KIND_VISIT_OVERDUE = "visit_overdue"
KIND_DECISION_MAKER_UNCONTACTED = "decision_maker_uncontacted"

register_inputs(
    last_visit=_("Last visit or meeting"),
    visit_cadence=_("Visit cadence (days)"),
    last_contact=_("Last contact"),
    contact_cadence=_("Contact cadence (days)"),
)


def _visit_params(data: Mapping[str, Any]) -> Mapping[str, Any]:
    return {
        "klass": data["account_class"],
        "days": data["overdue_days"],
        "cadence": data["cadence_days"],
        "last": data["last_visit"] or _("never"),
    }


def _person_params(data: Mapping[str, Any]) -> Mapping[str, Any]:
    people = data["people"]
    return {
        "name": people[0]["name"],
        "days": people[0]["overdue_days"],
        "last": people[0]["last_contact"] or _("never"),
        "others": len(people) - 1,
    }


def _person_template(data: Mapping[str, Any]) -> Any:
    if len(data["people"]) > 1:
        return _(
            "Decision maker %(name)s not contacted for %(days)s days past the cadence (last "
            "contact %(last)s), and %(others)s more."
        )
    return _(
        "Decision maker %(name)s not contacted for %(days)s days past the cadence (last "
        "contact %(last)s)."
    )


register(
    AlertKind(
        code=KIND_VISIT_OVERDUE,
        title=_("Visit overdue"),
        template=_(
            "No visit or meeting for %(days)s days past the class %(klass)s cadence of every "
            "%(cadence)s days (last one %(last)s)."
        ),
        severity=AlertSeverity.WARNING,
        clears=Clears.WHEN_CONDITION_CLEARS,
        params=_visit_params,
        causes={
            "cadence": CauseRule(
                _("Plan a visit or a meeting: the customer has not seen us for too long."),
                AlertSeverity.WARNING,
            ),
            "never": CauseRule(
                _("No visit or meeting has ever been recorded for this account."),
                AlertSeverity.WARNING,
            ),
        },
    ),
    AlertKind(
        code=KIND_DECISION_MAKER_UNCONTACTED,
        title=_("Decision maker not contacted"),
        template=_person_template,
        severity=AlertSeverity.WARNING,
        clears=Clears.WHEN_CONDITION_CLEARS,
        params=_person_params,
        causes={
            "cadence": CauseRule(
                _("Get in touch: a decision maker has gone too long without contact."),
                AlertSeverity.WARNING,
            ),
        },
    ),
)
