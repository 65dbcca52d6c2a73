"""Forms of the portfolio pages; the services do the validating that matters."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from kam.portfolio.models import (
    CostKind,
    PortfolioSettings,
    ProposalDecision,
    Scope,
    Strategy,
)
from kam.portfolio.services.settings import SETTINGS_FIELDS


class SettingsForm(forms.ModelForm):
    class Meta:
        model = PortfolioSettings
        fields = list(SETTINGS_FIELDS)


class MatrixFilterForm(forms.Form):
    as_of = forms.DateField(
        label=_("As of"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    scope = forms.ChoiceField(label=_("View"), choices=Scope.choices, required=False)
    owner = forms.TypedChoiceField(label=_("Manager"), coerce=int, required=False, empty_value=None)
    industry = forms.ChoiceField(label=_("Industry"), required=False)
    region = forms.ChoiceField(label=_("Region"), required=False)

    def __init__(
        self, *args: Any, owners: list[tuple[int, str]], facets: dict[str, list[str]], **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        self.fields["owner"].choices = [("", _("All managers")), *owners]
        self.fields["industry"].choices = [("", _("All industries"))] + [
            (v, v) for v in facets["industry"]
        ]
        self.fields["region"].choices = [("", _("All regions"))] + [
            (v, v) for v in facets["region"]
        ]


class MigrationForm(forms.Form):
    start = forms.DateField(label=_("From"), required=False)
    end = forms.DateField(label=_("To"), required=False)
    scope = forms.ChoiceField(label=_("View"), choices=Scope.choices, required=False)


class OverrideForm(forms.Form):
    # Prefixed: the account page holds other forms with a `reason` field.
    prefix = "override"

    strategy = forms.ChoiceField(label=_("Strategy"), choices=Strategy.choices)
    reason = forms.CharField(
        label=_("Reason"), max_length=1000, widget=forms.Textarea(attrs={"rows": 2})
    )


class ProposalForm(forms.Form):
    decision = forms.ChoiceField(choices=ProposalDecision.choices)
    reason = forms.CharField(label=_("Reason"), max_length=1000)


class CostForm(forms.Form):
    # Prefixed: the account page holds the potential form with its own `amount` field.
    prefix = "cost"

    month = forms.DateField(
        label=_("Month"),
        widget=forms.DateInput(attrs={"type": "month"}),
        input_formats=["%Y-%m", "%Y-%m-%d"],
    )
    kind = forms.ChoiceField(label=_("Kind"), choices=CostKind.choices)
    amount = forms.DecimalField(
        label=_("Amount"), required=False, min_value=0, max_digits=15, decimal_places=2
    )
    hours = forms.DecimalField(
        label=_("Hours"), required=False, min_value=0, max_digits=9, decimal_places=2
    )
    rate = forms.DecimalField(
        label=_("Rate per hour"), required=False, min_value=0, max_digits=12, decimal_places=2
    )
    description = forms.CharField(label=_("Description"), required=False, max_length=500)

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        people = data.get("kind") == CostKind.PEOPLE
        if people and data.get("hours") is not None and data.get("rate") is not None:
            return data
        if data.get("amount") is None and "amount" not in self.errors:
            self.add_error("amount", _("Give an amount, or hours and a rate for people's time."))
        return data


class PlaybookForm(forms.Form):
    summary = forms.CharField(
        label=_("Summary"), max_length=2000, widget=forms.Textarea(attrs={"rows": 2})
    )
    tactics = forms.CharField(
        label=_("Tactics, one per line"), max_length=15000, widget=forms.Textarea(attrs={"rows": 6})
    )

    def tactic_lines(self) -> list[str]:
        return [line.strip() for line in self.cleaned_data["tactics"].splitlines() if line.strip()]
