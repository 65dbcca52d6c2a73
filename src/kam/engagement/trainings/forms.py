"""Page forms of trainings (DOMAIN §9); they validate and hand over to services."""

from __future__ import annotations

from collections.abc import Sequence
from decimal import Decimal
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from kam.core.dates import today
from kam.core.validators import validate_identifier, validate_in_calendar
from kam.engagement.trainings.models import TrainingTopic


class TrainingForm(forms.Form):
    """One session: topic, title, date, trainer, attendees, materials, feedback (§9)."""

    topic = forms.ChoiceField(choices=TrainingTopic.choices, label=_("topic"))
    title = forms.CharField(
        max_length=200, label=_("session title"), validators=[validate_identifier]
    )
    held_on = forms.DateField(
        label=_("held on"),
        validators=[validate_in_calendar],
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
    )
    trainer = forms.CharField(max_length=200, label=_("trainer"))
    duration_hours = forms.DecimalField(
        required=False,
        min_value=Decimal("0.5"),
        max_value=80,
        decimal_places=1,
        label=_("duration (hours)"),
    )
    feedback_score = forms.DecimalField(
        required=False,
        min_value=1,
        max_value=5,
        decimal_places=2,
        label=_("feedback (1–5)"),
        help_text=_("The attendees' mean rating."),
    )
    attendee_ids = forms.TypedMultipleChoiceField(
        coerce=int, required=False, label=_("attendees"), widget=forms.CheckboxSelectMultiple
    )
    materials = forms.CharField(
        required=False,
        max_length=5000,
        label=_("materials"),
        help_text=_("Slides, handouts and links, one per line."),
        widget=forms.Textarea(attrs={"rows": 2}),
    )
    notes = forms.CharField(
        required=False, max_length=5000, label=_("notes"), widget=forms.Textarea(attrs={"rows": 2})
    )

    def __init__(self, *args: Any, contacts: Sequence[tuple[int, str]] = (), **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["attendee_ids"].choices = list(contacts)
        self.fields["held_on"].initial = today()
