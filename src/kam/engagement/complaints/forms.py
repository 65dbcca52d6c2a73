"""Page forms for complaints; they validate input and hand it to the services (§9)."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from kam.engagement.complaints.models import (
    COMPLAINT_SETTINGS_FIELDS,
    Category,
    Channel,
    ComplaintSettings,
    Severity,
    Status,
)
from kam.org.models import Department


class ComplaintForm(forms.Form):
    """A new complaint; `contacts` are the account's contacts the reporter may be."""

    subject = forms.CharField(label=_("subject"), max_length=200)
    channel = forms.ChoiceField(label=_("channel"), choices=Channel.choices)
    category = forms.ChoiceField(label=_("category"), choices=Category.choices)
    severity = forms.ChoiceField(label=_("severity"), choices=Severity.choices)
    received_at = forms.DateTimeField(
        label=_("received"),
        required=False,
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
        help_text=_("Leave empty for now."),
    )
    contact_id = forms.TypedChoiceField(
        label=_("reported by (contact)"), required=False, coerce=int, empty_value=None
    )
    reporter_name = forms.CharField(
        label=_("or the reporter's name"), max_length=200, required=False
    )
    description = forms.CharField(
        label=_("description"),
        max_length=5000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
    )
    department_id = forms.TypedChoiceField(
        label=_("internal department"), required=False, coerce=int, empty_value=None
    )

    def __init__(self, *args: Any, contacts: list[tuple[int, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        none = [("", "—")]
        self.fields["contact_id"].choices = none + contacts
        departments = [(d.pk, str(d)) for d in Department.objects.all()]
        self.fields["department_id"].choices = none + departments


class ComplaintFilterForm(forms.Form):
    account = forms.IntegerField(
        required=False, min_value=1, max_value=2**63 - 1, widget=forms.HiddenInput
    )
    status = forms.ChoiceField(
        label=_("status"), required=False, choices=[("", _("All statuses")), *Status.choices]
    )
    severity = forms.ChoiceField(
        label=_("severity"),
        required=False,
        choices=[("", _("All severities")), *Severity.choices],
    )
    category = forms.ChoiceField(
        label=_("category"),
        required=False,
        choices=[("", _("All categories")), *Category.choices],
    )
    department = forms.TypedChoiceField(
        label=_("internal department"), required=False, coerce=int, empty_value=None
    )
    breached = forms.BooleanField(label=_("SLA breached"), required=False)
    open = forms.BooleanField(label=_("Not closed"), required=False)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        departments = [(d.pk, str(d)) for d in Department.objects.all()]
        self.fields["department"].choices = [
            ("", _("All departments")),
            *departments,
        ]


class ComplaintSettingsForm(forms.ModelForm):
    class Meta:
        model = ComplaintSettings
        fields = list(COMPLAINT_SETTINGS_FIELDS)
        widgets = {
            "work_opens": forms.TimeInput(attrs={"type": "time"}, format="%H:%M"),
            "work_closes": forms.TimeInput(attrs={"type": "time"}, format="%H:%M"),
        }
