"""Forms of the portfolio pages; the services do the validating that matters."""

from __future__ import annotations

import copy
from typing import TYPE_CHECKING, Any

from django import forms
from django.core.exceptions import ValidationError
from django.forms import BoundField
from django.utils.translation import gettext_lazy as _

if TYPE_CHECKING:
    from django_stubs_ext import StrOrPromise

from kam.accounts.models import MAX_MONEY, MONEY_DIGITS
from kam.core.forms import MoneyField, PercentField
from kam.core.validators import validate_in_calendar
from kam.org.models import COMPANY_SETTINGS_FIELDS, CompanySettings
from kam.portfolio.models import (
    SETTINGS_FIELDS,
    SETTINGS_TABLE,
    CostKind,
    PortfolioSettings,
    ProposalDecision,
    Scope,
    Strategy,
)

COMPANY = _("Company")


class SettingsForm(forms.ModelForm):
    """The settings page: the company's settings, then the portfolio's, each field derived
    from its model field and validated by its model (bounds and the rules between fields)."""

    class Meta:
        model = PortfolioSettings
        fields = list(SETTINGS_FIELDS)

    def __init__(self, *args: Any, company: CompanySettings, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.company = company
        company_fields = forms.fields_for_model(CompanySettings, fields=COMPANY_SETTINGS_FIELDS)
        for field in company_fields.values():
            field.show_hidden_initial = False  # a callable default (the currency's) asks for it
        self.fields = {**company_fields, **self.fields}
        for name in COMPANY_SETTINGS_FIELDS:
            self.initial.setdefault(name, getattr(company, name))
        # Shares read as percentages and money grouped, each accepting what it shows.
        for name, setting in SETTINGS_TABLE.items():
            field = self.fields[name]
            if setting.percent:
                self.fields[name] = PercentField(
                    label=field.label, required=field.required, help_text=field.help_text
                )
            elif setting.cents:
                self.fields[name] = MoneyField(
                    label=field.label,
                    required=field.required,
                    max_digits=MONEY_DIGITS,
                    min_value=0,
                    max_value=MAX_MONEY,
                    unit=company.currency,
                )

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        given = [name for name in COMPANY_SETTINGS_FIELDS if name in data]
        company = copy.copy(self.company)
        for name in given:
            setattr(company, name, data[name])
        try:
            company.full_clean(exclude=set(COMPANY_SETTINGS_FIELDS) - set(given))
        except ValidationError as error:
            self.add_error(None, error)
        return data

    def groups(self) -> list[tuple[StrOrPromise, list[BoundField]]]:
        """The page's sections: the company's, then each group of the settings table."""
        sections: dict[StrOrPromise, list[BoundField]] = {
            COMPANY: [self[name] for name in COMPANY_SETTINGS_FIELDS]
        }
        for name in SETTINGS_FIELDS:
            sections.setdefault(SETTINGS_TABLE[name].group, []).append(self[name])
        return list(sections.items())


class MatrixFilterForm(forms.Form):
    as_of = forms.DateField(
        label=_("As of"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        validators=[validate_in_calendar],
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


FLOW_STATES = [(s, s) for s in ("A", "B", "C", "D", "lost", "new")]


class MigrationForm(forms.Form):
    start = forms.DateField(label=_("From"), required=False, validators=[validate_in_calendar])
    end = forms.DateField(label=_("To"), required=False, validators=[validate_in_calendar])
    scope = forms.ChoiceField(label=_("View"), choices=Scope.choices, required=False)
    # One flow of the Sankey, its accounts listed in full (`from` and `to` in the URL).
    flow_from = forms.ChoiceField(choices=FLOW_STATES, required=False)
    flow_to = forms.ChoiceField(choices=FLOW_STATES, required=False)

    def __init__(self, data: Any = None, **kwargs: Any) -> None:
        if data is not None:
            data = data.copy()
            data.setdefault("flow_from", data.get("from", ""))
            data.setdefault("flow_to", data.get("to", ""))
        super().__init__(data, **kwargs)


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
        widget=forms.DateInput(attrs={"type": "month"}, format="%Y-%m"),
        input_formats=["%Y-%m", "%Y-%m-%d"],
        validators=[validate_in_calendar],
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
