"""Page forms of satisfaction surveys (DOMAIN §9); they validate and hand over to services."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from kam.core.dates import today
from kam.core.validators import validate_in_calendar
from kam.engagement.surveys.models import SurveyMethod, SurveySchedule

CSAT_CHOICES = [("", "—"), *[(str(i), str(i)) for i in range(1, 6)]]
NPS_CHOICES = [("", "—"), *[(str(i), str(i)) for i in range(11)]]
# The five questions of §9, as the page and the public form ask them.
CSAT_QUESTIONS = {
    "csat_product": _("Product"),
    "csat_service": _("Service"),
    "csat_delivery": _("Delivery"),
    "csat_price": _("Price"),
    "csat_relationship": _("Relationship"),
}


def _score(choices: list[tuple[str, str]], label: Any) -> forms.TypedChoiceField:
    return forms.TypedChoiceField(
        choices=choices, coerce=int, empty_value=None, required=False, label=label
    )


class ScoresForm(forms.Form):
    """NPS 0–10 and CSAT 1–5 on the five dimensions; each optional (the service asks for at
    least one)."""

    nps = _score(NPS_CHOICES, _("How likely are you to recommend us (0–10)?"))
    csat_product = _score(CSAT_CHOICES, CSAT_QUESTIONS["csat_product"])
    csat_service = _score(CSAT_CHOICES, CSAT_QUESTIONS["csat_service"])
    csat_delivery = _score(CSAT_CHOICES, CSAT_QUESTIONS["csat_delivery"])
    csat_price = _score(CSAT_CHOICES, CSAT_QUESTIONS["csat_price"])
    csat_relationship = _score(CSAT_CHOICES, CSAT_QUESTIONS["csat_relationship"])
    comments = forms.CharField(
        required=False,
        max_length=5000,
        label=_("Comments"),
        widget=forms.Textarea(attrs={"rows": 3}),
    )


class ResponseForm(ScoresForm):
    """A response entered by a manager on the account page."""

    responded_on = forms.DateField(
        label=_("responded on"),
        validators=[validate_in_calendar],
        widget=forms.DateInput(attrs={"type": "date"}),
    )
    method = forms.ChoiceField(choices=SurveyMethod.choices, label=_("method"))
    contact_id = forms.TypedChoiceField(
        coerce=int, empty_value=None, required=False, label=_("respondent")
    )

    def __init__(self, *args: Any, contacts: Sequence[tuple[int, str]] = (), **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["contact_id"].choices = [("", "—"), *contacts]
        self.fields["responded_on"].initial = today()
        self.order_fields(["responded_on", "method", "contact_id"])


class InvitationForm(forms.Form):
    contact_id = forms.TypedChoiceField(coerce=int, label=_("contact"))
    days = forms.IntegerField(min_value=1, max_value=90, initial=14, label=_("open for (days)"))

    def __init__(self, *args: Any, contacts: Sequence[tuple[int, str]] = (), **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["contact_id"].choices = list(contacts)


class PlanForm(forms.Form):
    """A survey plan for the account: why, what, how often, how and whom (§9)."""

    purpose = forms.CharField(max_length=200, label=_("purpose"))
    schedule = forms.ChoiceField(
        choices=SurveySchedule.choices, initial=SurveySchedule.QUARTERLY, label=_("schedule")
    )
    method = forms.ChoiceField(choices=SurveyMethod.choices, label=_("method"))
    next_due_on = forms.DateField(
        required=False,
        label=_("next due"),
        validators=[validate_in_calendar],
        widget=forms.DateInput(attrs={"type": "date"}),
    )
    contact_ids = forms.TypedMultipleChoiceField(
        coerce=int, required=False, label=_("who is surveyed"), widget=forms.CheckboxSelectMultiple
    )
    content = forms.CharField(
        required=False,
        max_length=5000,
        label=_("content and questions"),
        widget=forms.Textarea(attrs={"rows": 2}),
    )

    def __init__(self, *args: Any, contacts: Sequence[tuple[int, str]] = (), **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["contact_ids"].choices = list(contacts)
