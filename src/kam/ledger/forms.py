"""Page forms for uploads: the file and its kind, then the column mapping and options."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from kam.importing.registry import Importer, importers
from kam.ledger.jobs import DEFAULT_KIND


class UploadForm(forms.Form):
    file = forms.FileField(
        label=gettext_lazy("File"),
        help_text=gettext_lazy("CSV, XLSX or Parquet."),
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["kind"] = forms.ChoiceField(
            label=_("What the file holds"),
            choices=[(importer.kind, _(importer.label)) for importer in importers()],
            initial=DEFAULT_KIND,
            required=False,
        )

    def clean_kind(self) -> str:
        return self.cleaned_data.get("kind") or DEFAULT_KIND


class MappingForm(forms.Form):
    """One choice per field of the importer: which of the file's columns holds it."""

    date_format = forms.CharField(
        label=gettext_lazy("Date format"),
        required=False,
        max_length=40,
        help_text=gettext_lazy("Only when dates are ambiguous, e.g. %d/%m/%Y for 24/11/2026."),
    )
    dry_run = forms.BooleanField(label=gettext_lazy("Check only (change nothing)"), required=False)

    def __init__(
        self,
        *args: Any,
        importer: Importer,
        header: tuple[str, ...],
        matched: dict[str, int],
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        self.importer = importer
        self.header = header
        choices = [
            ("", _("— not in the file —")),
            *[(str(index), name or f"#{index + 1}") for index, name in enumerate(header)],
        ]
        for field in importer.fields:
            self.fields[f"map_{field}"] = forms.ChoiceField(
                label=_(importer.labels[field]) if field in importer.labels else field,
                choices=choices,
                required=field in importer.required,
                initial=str(matched[field]) if field in matched else "",
            )
        for option in self.switches():
            self.fields[option.name] = forms.BooleanField(
                label=_(option.label), required=False, initial=option.default
            )

    def switches(self) -> list[Any]:
        """The importer's on/off options the page offers (create unknown customers …)."""
        return [option for option in self.importer.options if option.switch and option.label]

    def mapping_fields(self) -> list[forms.BoundField]:
        return [self[f"map_{field}"] for field in self.importer.fields]

    def switch_fields(self) -> list[forms.BoundField]:
        return [self[option.name] for option in self.switches()]

    def options(self) -> dict[str, Any]:
        mapping = {}
        for field in self.importer.fields:
            chosen = self.cleaned_data.get(f"map_{field}")
            if chosen not in (None, ""):
                mapping[self.header[int(chosen)]] = field
        return {
            "mapping": mapping,
            "date_format": self.cleaned_data["date_format"],
            "dry_run": self.cleaned_data["dry_run"],
            **{option.name: self.cleaned_data[option.name] for option in self.switches()},
        }
