"""Reading a choice from a file cell: its code or its name in any of kam's languages."""

from __future__ import annotations

from django.db.models import TextChoices
from django.utils import translation

from kam.importing.values import normalise_header

LANGUAGES = ("en", "zh-hans")


def choice_lookup(choices: type[TextChoices]) -> dict[str, str]:
    """Codes and labels (English and Chinese), compared loosely → code."""
    lookup: dict[str, str] = {}
    for value, label in choices.choices:
        lookup[normalise_header(value)] = value
        for language in LANGUAGES:
            with translation.override(language):
                lookup[normalise_header(str(label))] = value
    return lookup
