"""Page forms for accounts; they validate input and hand it to the services."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from kam.accounts.columns import column_sorts
from kam.accounts.models import MAX_MONEY, MONEY_DIGITS, Account, AccountStatus, TeamRole
from kam.accounts.selectors import (
    ACCOUNT_SORTS,
    AccountFilters,
    account_owners,
    accounts_visible_to,
)
from kam.core.forms import MoneyField
from kam.core.validators import validate_in_calendar
from kam.org.models import User
from kam.org.permissions import can
from kam.org.selectors import users_who_may_join_teams, users_who_may_own

ACCOUNT_FORM_FIELDS = [
    "code",
    "name",
    "legal_name",
    "account_type",
    "industry",
    "region",
    "size_band",
    "status",
    "strategic_importance",
    "technical_fit",
    "credit_reputation",
]
NO_SUCH_PARENT = _("No account you can see has this code.")
FACTOR_CHOICES = [("", "—"), *[(str(i), str(i)) for i in range(1, 6)]]


class UserChoiceField(forms.ModelChoiceField):
    """A menu of people by the name they go by (display_name), not their login."""

    def label_from_instance(self, obj: Any) -> str:
        return str(obj.display_name)


class AccountForm(forms.ModelForm):
    # A code, not a menu: a menu of every visible account is megabytes at 10,000 accounts.
    parent = forms.CharField(
        required=False,
        max_length=Account._meta.get_field("code").max_length,
        label=_("parent account"),
        help_text=_("The parent account's code; leave empty for none."),
    )
    owner = UserChoiceField(queryset=User.objects.none(), required=False, label=_("owner"))

    class Meta:
        model = Account
        fields = ACCOUNT_FORM_FIELDS

    def __init__(self, *args: Any, actor: User, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.actor = actor
        if self.instance.pk:
            self.fields["parent"].initial = (
                self.instance.parent.code if self.instance.parent_id else ""
            )
            self.fields["owner"].initial = self.instance.owner_id
        self.fields["owner"].queryset = users_who_may_own(keep=self.instance.owner_id)
        if not can(actor, "account_reassign_owner"):
            # DOMAIN §13: only director and admin reassign owners.
            self.fields["owner"].disabled = True
            self.fields["owner"].help_text = _(
                "Only a director or an administrator can reassign the owner."
            )
        if self.instance.pk and not can(actor, "account_code_change"):
            # Only who sees every code changes one (docs/rules.md "Asking for an account").
            self.fields["code"].disabled = True
            self.fields["code"].help_text = _(
                "Only a director or an administrator can change the code."
            )
        if not self.instance.pk and not can(actor, "account_request_decide"):
            self.fields["code"].help_text = _(
                "A director creates the account from your request and makes you its owner."
            )
        for name in ("strategic_importance", "technical_fit", "credit_reputation"):
            self.fields[name].widget = forms.Select(choices=FACTOR_CHOICES)

    def clean_parent(self) -> Account | None:
        """The visible account with that code (case-insensitive); an unknown and a hidden
        code get the same answer (§13)."""
        code = self.cleaned_data["parent"].strip()
        if not code:
            return None
        parents = accounts_visible_to(self.actor).filter(code__iexact=code)
        if self.instance.pk:
            parents = parents.exclude(pk=self.instance.pk)
        parent = parents.first()
        if parent is None:
            raise forms.ValidationError(NO_SUCH_PARENT)
        return parent

    def validate_unique(self) -> None:
        # The service checks the code case-insensitively and reports it on the code field.
        return

    def service_arguments(self) -> dict[str, Any]:
        data = {name: self.cleaned_data[name] for name in ACCOUNT_FORM_FIELDS}
        parent = self.cleaned_data.get("parent")
        data["parent_id"] = parent.pk if parent else None
        if can(self.actor, "account_reassign_owner"):
            owner = self.cleaned_data.get("owner")
            data["owner_id"] = owner.pk if owner else None
        return data


class TeamMemberForm(forms.Form):
    user = UserChoiceField(queryset=User.objects.none(), label=_("user"))
    role = forms.ChoiceField(choices=TeamRole.choices, label=_("role"))

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["user"].queryset = users_who_may_join_teams()


class PotentialForm(forms.Form):
    amount = MoneyField(
        label=_("amount per year"),
        min_value=0,
        max_value=MAX_MONEY,
        max_digits=MONEY_DIGITS,
    )
    estimated_on = forms.DateField(
        label=_("estimated on"),
        # A date input takes ISO dates only: the locale's format (2026/12/02) would blank it.
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        validators=[validate_in_calendar],
    )
    source = forms.CharField(label=_("source"), max_length=200, required=False)


class KeyStatusForm(forms.Form):
    is_key = forms.TypedChoiceField(
        label=_("decision"),
        coerce=lambda value: value == "true",
        choices=[("true", _("Confirm as key account")), ("false", _("Not a key account"))],
    )
    reason = forms.CharField(label=_("reason"), max_length=500)


class NoteForm(forms.Form):
    body = forms.CharField(
        label=_("note"),
        max_length=10000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Mention a colleague with @user name."),
    )


class AccountFilterForm(forms.Form):
    """The account list's filters; invalid values are dropped, never a server error."""

    q = forms.CharField(required=False, max_length=100, label=_("Search"))
    status = forms.ChoiceField(
        required=False, label=_("status"), choices=[("", _("Any status")), *AccountStatus.choices]
    )
    key = forms.ChoiceField(
        required=False,
        label=_("key account"),
        choices=[("", _("Key or not")), ("yes", _("Key accounts")), ("no", _("Not key"))],
    )
    owner = UserChoiceField(
        queryset=User.objects.none(), required=False, label=_("owner"), empty_label=_("Any owner")
    )
    industry = forms.ChoiceField(required=False, label=_("industry"))
    region = forms.ChoiceField(required=False, label=_("region"))
    unowned = forms.BooleanField(required=False, label=_("Without owner"))
    sort = forms.ChoiceField(required=False)

    def __init__(
        self, *args: Any, actor: User, facets: dict[str, list[str]], **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        # Distinct values only: the owners of visible accounts, not every user (§13).
        self.fields["owner"].queryset = account_owners(actor=actor)
        self.fields["industry"].choices = [
            ("", _("Any industry")),
            *[(v, v) for v in facets["industry"]],
        ]
        self.fields["region"].choices = [("", _("Any region")), *[(v, v) for v in facets["region"]]]
        # The columns other apps register (kam.accounts.columns) sort too.
        self.fields["sort"].choices = [(key, key) for key in [*ACCOUNT_SORTS, *column_sorts()]]

    def filters(self) -> AccountFilters:
        if not self.is_bound:
            return AccountFilters()
        data = (
            self.cleaned_data
            if self.is_valid()
            else {
                name: value for name, value in self.cleaned_data.items() if name not in self.errors
            }
        )
        key = data.get("key") or ""
        owner = data.get("owner")
        return AccountFilters(
            q=data.get("q") or None,
            status=data.get("status") or None,
            is_key={"yes": True, "no": False}.get(key),
            owner_id=owner.pk if owner else None,
            unowned=bool(data.get("unowned")),
            industry=data.get("industry") or None,
            region=data.get("region") or None,
            sort=data.get("sort") or "code",
        )
