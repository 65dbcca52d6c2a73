"""Forms of the activity pages; the services do the validating that matters (DOMAIN §9)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from kam.accounts.models import Account
from kam.core.validators import validate_in_calendar
from kam.engagement.activities.models import (
    CADENCE_SETTINGS_FIELDS,
    Activity,
    ActivityKind,
    ActivityStatus,
    CadenceSettings,
    Channel,
)

DATE_TIME = forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M")
DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
# The channel a kind goes through unless the manager says otherwise.
USUAL_CHANNEL = {
    ActivityKind.VISIT: Channel.ON_SITE,
    ActivityKind.MEETING: Channel.ON_SITE,
    ActivityKind.CALL: Channel.PHONE,
    ActivityKind.EMAIL: Channel.EMAIL,
    ActivityKind.ONLINE_SESSION: Channel.WEB,
    ActivityKind.SERVICE_REQUEST: Channel.CALL_CENTRE,
}


def _in_calendar(value: dt.datetime | None) -> None:
    if value is not None:
        validate_in_calendar(value.date())


class ActivityForm(forms.Form):
    """Log a done activity or plan one, on the account page."""

    status = forms.ChoiceField(
        label=_("Status"),
        choices=[(ActivityStatus.DONE, _("Done")), (ActivityStatus.PLANNED, _("Planned"))],
        initial=ActivityStatus.DONE,
    )
    kind = forms.ChoiceField(label=_("Kind"), choices=ActivityKind.choices)
    channel = forms.ChoiceField(
        label=_("Channel"),
        choices=[("", _("Usual for the kind")), *Channel.choices],
        required=False,
    )
    when = forms.DateTimeField(
        label=_("When"),
        widget=DATE_TIME,
        required=False,
        validators=[_in_calendar],
        help_text=_("Left empty, a done activity is dated now; a planned one needs it."),
    )
    duration_minutes = forms.IntegerField(
        label=_("Duration (minutes)"), min_value=1, max_value=24 * 60, required=False
    )
    subject = forms.CharField(label=_("Subject"), max_length=200)
    their_participants = forms.MultipleChoiceField(
        label=_("Their participants"),
        required=False,
        widget=forms.CheckboxSelectMultiple(attrs={"class": "checks"}),
    )
    notes = forms.CharField(
        label=_("Notes"), max_length=5000, required=False, widget=forms.Textarea(attrs={"rows": 2})
    )
    outcome = forms.CharField(label=_("Outcome"), max_length=2000, required=False)
    next_step = forms.CharField(label=_("Next step"), max_length=500, required=False)
    next_step_on = forms.DateField(
        label=_("Next step on"), widget=DATE, required=False, validators=[validate_in_calendar]
    )

    def __init__(self, *args: Any, account: Account, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # The account's people, read through the relation (engagement does not import them).
        contact = Activity._meta.get_field("their_participants").related_model
        people = contact._default_manager.filter(
            account=account, active=True, merged_into__isnull=True
        ).order_by("name", "id")
        self.fields["their_participants"].choices = [(str(p.pk), p.name) for p in people[:100]]
        if not self.fields["their_participants"].choices:
            del self.fields["their_participants"]

    def service_fields(self) -> dict[str, Any]:
        """The cleaned data as activity_create takes it."""
        data = self.cleaned_data
        status = data["status"]
        when = data.get("when")
        fields: dict[str, Any] = {
            "status": status,
            "kind": data["kind"],
            "channel": data.get("channel") or USUAL_CHANNEL[data["kind"]],
            "duration_minutes": data.get("duration_minutes"),
            "subject": data["subject"],
            "notes": data.get("notes", ""),
            "outcome": data.get("outcome", ""),
            "next_step": data.get("next_step", ""),
            "next_step_on": data.get("next_step_on"),
            "their_participant_ids": [int(pk) for pk in data.get("their_participants", [])],
        }
        if status == ActivityStatus.DONE:
            fields["done_at"] = when or timezone.now()
        else:
            fields["planned_for"] = when
        return fields


class DoneForm(forms.Form):
    """The agenda's one click: an optional outcome."""

    outcome = forms.CharField(label=_("Outcome"), max_length=2000, required=False)


class PlanVisitForm(forms.Form):
    """The agenda's "plan a visit" for an account due."""

    planned_for = forms.DateTimeField(label=_("When"), widget=DATE_TIME, validators=[_in_calendar])


class CadenceSettingsForm(forms.ModelForm):
    """The contact cadence section of the settings (§9)."""

    class Meta:
        model = CadenceSettings
        fields = list(CADENCE_SETTINGS_FIELDS)
