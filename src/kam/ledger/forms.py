"""Page forms for ledger uploads: the file, then the column mapping and options."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from kam.ledger.importing.mapping import LEDGER_FIELDS, LEDGER_REQUIRED

FIELD_LABELS = {
    "account_code": _("Customer code"),
    "account_name": _("Customer name"),
    "date": _("Date"),
    "amount": _("Net amount"),
    "document": _("Document number"),
    "line": _("Line number"),
    "product": _("Product"),
    "category": _("Category"),
    "quantity": _("Quantity"),
    "cost": _("Cost"),
    "currency": _("Currency"),
}


class UploadForm(forms.Form):
    file = forms.FileField(
        label=_("Ledger file"), help_text=_("CSV, XLSX or Parquet, exported from your ERP.")
    )


class MappingForm(forms.Form):
    """One choice per kam field: which of the file's columns holds it."""

    date_format = forms.CharField(
        label=_("Date format"),
        required=False,
        max_length=40,
        help_text=_("Only when dates are ambiguous, e.g. %d/%m/%Y for 24/11/2026."),
    )
    create_accounts = forms.BooleanField(
        label=_("Create unknown customers as prospects"), required=False, initial=True
    )
    dry_run = forms.BooleanField(label=_("Check only (change nothing)"), required=False)

    def __init__(
        self, *args: Any, header: tuple[str, ...], matched: dict[str, int], **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        self.header = header
        choices = [
            ("", _("— not in the file —")),
            *[(str(index), name or f"#{index + 1}") for index, name in enumerate(header)],
        ]
        for field in LEDGER_FIELDS:
            self.fields[f"map_{field}"] = forms.ChoiceField(
                label=FIELD_LABELS[field],
                choices=choices,
                required=field in LEDGER_REQUIRED,
                initial=str(matched[field]) if field in matched else "",
            )

    def mapping_fields(self) -> list[forms.BoundField]:
        return [self[f"map_{field}"] for field in LEDGER_FIELDS]

    def options(self) -> dict[str, Any]:
        mapping = {}
        for field in LEDGER_FIELDS:
            chosen = self.cleaned_data.get(f"map_{field}")
            if chosen not in (None, ""):
                mapping[self.header[int(chosen)]] = field
        return {
            "mapping": mapping,
            "date_format": self.cleaned_data["date_format"],
            "create_accounts": self.cleaned_data["create_accounts"],
            "dry_run": self.cleaned_data["dry_run"],
        }
