"""The win-back pages' forms (DOMAIN §10): they parse and bound the input; the services
decide."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from kam.risk.models import InterventionKind, PlanOutcome, ReasonKind

CLOSING = [(value, label) for value, label in PlanOutcome.choices if value != PlanOutcome.PENDING]


class PlanStartForm(forms.Form):
    goal = forms.CharField(
        label=_("Goal"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("What winning the account back means here, e.g. orders back to last year's."),
    )
    alert = forms.IntegerField(required=False, widget=forms.HiddenInput, min_value=1)


class ReasonAddForm(forms.Form):
    kind = forms.ChoiceField(label=_("Reason"), choices=ReasonKind.choices)
    summary = forms.CharField(label=_("What it is about"), max_length=500)
    note = forms.CharField(
        label=_("Note"), required=False, max_length=2000, widget=forms.Textarea(attrs={"rows": 2})
    )


class InterventionForm(forms.Form):
    kind = forms.ChoiceField(label=_("Intervention"), choices=InterventionKind.choices)
    description = forms.CharField(
        label=_("What is done"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 2}),
    )
    reason = forms.TypedChoiceField(
        label=_("Reason addressed"), required=False, coerce=int, empty_value=None
    )
    owner = forms.TypedChoiceField(label=_("Owner"), coerce=int, empty_value=None)
    due_on = forms.DateField(label=_("Due on"), widget=forms.DateInput(attrs={"type": "date"}))

    def __init__(
        self,
        *args: Any,
        reasons: list[tuple[int, str]],
        owners: list[tuple[int, str]],
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        self.fields["reason"].choices = [("", "—"), *reasons]
        self.fields["owner"].choices = owners


class PlanCloseForm(forms.Form):
    outcome = forms.ChoiceField(label=_("Outcome"), choices=CLOSING)
    note = forms.CharField(
        label=_("Note"), required=False, max_length=2000, widget=forms.Textarea(attrs={"rows": 2})
    )
