"""Page forms of competitor moves (DOMAIN §9); they validate and hand over to services."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from kam.core.dates import today
from kam.core.validators import validate_identifier, validate_in_calendar
from kam.engagement.competitors.models import CompetitorOffer, MoveSource


class MoveForm(forms.Form):
    """What a competitor offered, on which products, seen when and from which source."""

    competitor = forms.CharField(
        max_length=200, label=_("competitor"), validators=[validate_identifier]
    )
    offer = forms.ChoiceField(choices=CompetitorOffer.choices, label=_("what was offered"))
    products = forms.CharField(
        required=False,
        max_length=500,
        label=_("products concerned"),
        help_text=_("The products or lines the offer is about, e.g. “valves, pumps”."),
    )
    seen_on = forms.DateField(
        label=_("seen on"),
        validators=[validate_in_calendar],
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
    )
    source = forms.ChoiceField(choices=MoveSource.choices, label=_("source"))
    source_detail = forms.CharField(
        required=False,
        max_length=500,
        label=_("source details"),
        help_text=_("Who said it, which tender, which article."),
    )
    description = forms.CharField(
        required=False,
        max_length=5000,
        label=_("details"),
        widget=forms.Textarea(attrs={"rows": 2}),
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["seen_on"].initial = today()


class MoveFilterForm(forms.Form):
    """The portfolio list's filters: competitor, offer, account code or name, date range."""

    competitor = forms.CharField(required=False, max_length=200, label=_("competitor"))
    offer = forms.ChoiceField(
        required=False, choices=[("", _("any offer")), *CompetitorOffer.choices], label=_("offer")
    )
    date_from = forms.DateField(
        required=False,
        label=_("seen from"),
        validators=[validate_in_calendar],
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
    )
    date_to = forms.DateField(
        required=False,
        label=_("to"),
        validators=[validate_in_calendar],
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
    )
    account = forms.IntegerField(required=False, min_value=1, widget=forms.HiddenInput)
