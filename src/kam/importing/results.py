"""What every importer answers: the bad rows it found and whether the file loaded (no Django).

Reasons are written in the language active where the error is made (a page, the API, the CLI
or the worker running an uploader's job), like the messages of `messages`.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

import numpy as np
import pyarrow as pa

from kam.importing.messages import gettext_noop, translated
from kam.importing.values import (
    LOOKS_LIKE_FORMULA,
    has_hidden_characters,
    has_nul,
    hidden_character,
    hidden_character_message,
    looks_like_formula,
    reveal,
)

ProgressCallback = Callable[[int], None]

NUL_CHARACTER = gettext_noop("contains a NUL character")


@dataclass(frozen=True)
class RowError:
    """One bad value: its row (the header is row 1), kam's field, why, and the value."""

    row: int
    column: str
    reason: str
    value: str


@dataclass
class RowsResult:
    """What a master-data import did (accounts, contacts, costs): all rows or none."""

    status: str  # imported | rejected | dry_run
    rows_read: int = 0
    errors: list[RowError] = field(default_factory=list)

    @property
    def error_count(self) -> int:
        return len(self.errors)


def unsafe_cells(column: str, values: pa.Array, *, identifying: bool = False) -> list[RowError]:
    """An error for each cell of a column that holds a NUL character (row numbers count the
    header as row 1); in an `identifying` column (a code, a name) also each cell that a
    spreadsheet would run as a formula or that holds an invisible or control character.
    Free texts keep a formula-looking value as typed, as on the page and in the API; every
    export neutralises it (docs/rules.md, Input: Formulas)."""
    nul = has_nul(values)
    formula = looks_like_formula(values) & ~nul if identifying else np.zeros_like(nul)
    hidden = has_hidden_characters(values) & ~nul if identifying else np.zeros_like(nul)
    errors = []
    for index in np.flatnonzero(formula | nul | hidden).tolist():
        text = str(values[index])
        if nul[index]:
            reason = translated(NUL_CHARACTER)
        elif hidden[index]:
            reason = hidden_character_message(hidden_character(text) or "")
        else:
            reason = translated(LOOKS_LIKE_FORMULA)
        errors.append(RowError(index + 2, column, reason, reveal(text.replace("\x00", "\\0"))))
    return errors


def rows_summary(result: RowsResult, summary: str) -> str:
    """A master-data import's one-line summary: the rows read, then what they did."""
    return translated(
        gettext_noop("%(count)s row(s): %(summary)s."),
        {"count": result.rows_read, "summary": summary},
    )
