"""Filters of the risk pages; a value outside the choices is ignored, never a 500."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from kam.core.validators import validate_in_calendar
from kam.risk.models import RiskLevel
from kam.risk.selectors import CLV_SORTS, DEFAULT_CLV_SORT, DEFAULT_RISK_SORT, RISK_SORTS

CLASS_CHOICES = [("", _("All classes"))] + [(c, c) for c in "ABCD"]


class RiskFilterForm(forms.Form):
    """The at-risk list's filters (§10): level, class, manager, key accounts first."""

    as_of = forms.DateField(
        label=_("As of"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        validators=[validate_in_calendar],
    )
    level = forms.ChoiceField(
        label=_("Risk"),
        required=False,
        choices=[
            ("", _("High and medium")),
            (RiskLevel.HIGH, pgettext_lazy("risk level", "High")),
            (RiskLevel.MEDIUM, pgettext_lazy("risk level", "Medium")),
            (RiskLevel.LOW, pgettext_lazy("risk level", "Low")),
        ],
    )
    account_class = forms.ChoiceField(label=_("Class"), required=False, choices=CLASS_CHOICES)
    owner = forms.TypedChoiceField(label=_("Manager"), coerce=int, required=False, empty_value=None)
    key_first = forms.BooleanField(label=_("Key accounts first"), required=False)
    sort = forms.ChoiceField(required=False, choices=[(s, s) for s in RISK_SORTS])

    def __init__(self, *args: Any, owners: list[tuple[int, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["owner"].choices = [("", _("All managers")), *owners]

    def value(self, name: str, default: Any = None) -> Any:
        """A filter's cleaned value; a bad one reads as not given."""
        if not self.is_bound:
            return default
        self.is_valid()
        if name in self.errors:
            return default
        value = self.cleaned_data.get(name)
        return default if value in (None, "") else value

    @property
    def sort_value(self) -> str:
        return str(self.value("sort", DEFAULT_RISK_SORT))


class ClvFilterForm(forms.Form):
    account_class = forms.ChoiceField(label=_("Class"), required=False, choices=CLASS_CHOICES)
    sort = forms.ChoiceField(required=False, choices=[(s, s) for s in CLV_SORTS])

    def value(self, name: str, default: Any = None) -> Any:
        if not self.is_bound:
            return default
        self.is_valid()
        if name in self.errors:
            return default
        value = self.cleaned_data.get(name)
        return default if value in (None, "") else value

    @property
    def sort_value(self) -> str:
        return str(self.value("sort", DEFAULT_CLV_SORT))
