"""Forms of the relationship map page (DOMAIN §7); the services do the validating that
matters (duplicates, cycles, ranges), the forms parse and show their errors."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from kam.relationships.models import Contact, InfluenceLink, LinkKind
from kam.relationships.services import EDITABLE

RATINGS = ("influence", "closeness", "solution_approval", "price_acceptance")
# The side panel's groups of fields, in the order a manager fills them.
RATING_FIELDS = (
    "influence",
    "attitude",
    "closeness",
    "solution_approval",
    "price_acceptance",
    "buying_role",
)
POSITION_FIELDS = ("name", "department", "title", "reports_to", "last_contact")
CHANNEL_FIELDS = ("email", "phone", "wechat", "address", "notes")
# A new person: who they are first, the ratings folded (often not known yet).
ADD_FIELDS = ("department", "title", "reports_to", "buying_role")
ADD_RATING_FIELDS = (
    "influence",
    "attitude",
    "closeness",
    "solution_approval",
    "price_acceptance",
    "last_contact",
)
NOBODY = [("", _("Nobody"))]


def _rating(label: Any) -> forms.TypedChoiceField:
    return forms.TypedChoiceField(
        label=label,
        choices=[("", "—"), *((n, str(n)) for n in range(1, 6))],
        coerce=int,
        empty_value=None,
        required=False,
    )


class ContactForm(forms.Form):
    """A person's details, ratings and reporting line; `people` are whom they may report to."""

    def __init__(
        self,
        *args: Any,
        people: Sequence[tuple[int, str]],
        contact: Contact | None = None,
        **kwargs: Any,
    ) -> None:
        if contact is not None and "initial" not in kwargs:
            kwargs["initial"] = {
                **{name: getattr(contact, name) for name in EDITABLE},
                "reports_to": contact.reports_to_id or "",
            }
        super().__init__(*args, **kwargs)
        model_fields = forms.fields_for_model(Contact, fields=EDITABLE)
        for name in EDITABLE:
            field = model_fields[name]
            if name in RATINGS:
                field = _rating(field.label)
            elif name == "last_contact":
                field.widget = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
            elif name == "notes":
                field.widget = forms.Textarea(attrs={"rows": 3})
            self.fields[name] = field
        choices = [(pk, name) for pk, name in people if contact is None or pk != contact.pk]
        self.fields["reports_to"] = forms.TypedChoiceField(
            label=_("Reports to"),
            choices=[*NOBODY, *choices],
            coerce=int,
            empty_value=None,
            required=False,
        )

    def changes(self) -> dict[str, Any]:
        """What the manager changed, as the service's keyword arguments."""
        changed = {name: self.cleaned_data[name] for name in self.changed_data if name in EDITABLE}
        if "reports_to" in self.changed_data:
            changed["reports_to_id"] = self.cleaned_data["reports_to"]
        return changed

    def values(self) -> dict[str, Any]:
        """Every field given, for a new contact."""
        values = {name: self.cleaned_data[name] for name in EDITABLE}
        values = {k: v for k, v in values.items() if v not in (None, "")}
        values["reports_to_id"] = self.cleaned_data.get("reports_to")
        return values


class LinkForm(forms.Form):
    """One influence line: who influences whom, how and how strongly (§7)."""

    source = forms.TypedChoiceField(label=_("From"), coerce=int)
    target = forms.TypedChoiceField(label=_("To"), coerce=int)
    kind = forms.ChoiceField(label=_("Kind"), choices=LinkKind.choices)
    strength = forms.TypedChoiceField(
        label=_("Strength"),
        choices=[(1, _("1 weak")), (2, _("2 medium")), (3, _("3 strong"))],
        coerce=int,
        initial=2,
    )
    note = forms.CharField(
        label=_("Note"),
        required=False,
        max_length=InfluenceLink._meta.get_field("note").max_length,
    )

    def __init__(self, *args: Any, people: Sequence[tuple[int, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["source"].choices = list(people)
        self.fields["target"].choices = list(people)


class ReportsToForm(forms.Form):
    """A drag onto another person, or its undo: the new boss, or nobody."""

    reports_to = forms.IntegerField(required=False, min_value=1)
