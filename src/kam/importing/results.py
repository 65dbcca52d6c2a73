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
    total_rows,
)

ProgressCallback = Callable[[int], None]

NUL_CHARACTER = gettext_noop("contains a NUL character")
TOTAL_ROW = gettext_noop(
    "looks like a total row (%(word)s); use --skip-total-rows (the upload page's "
    '"Skip total rows", skip_total_rows in the API) to import the file without it'
)
TOTAL_ROW_INSIDE = gettext_noop(
    "looks like a total row (%(word)s) before the end of the file; only the total rows that"
    " end a file are skipped: remove this one"
)


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
    total_rows_skipped: list[int] = field(default_factory=list)  # row numbers (header: 1)

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
    """A master-data import's one-line summary: the rows read, then what they did, then the
    total rows it skipped."""
    line = translated(
        gettext_noop("%(count)s row(s): %(summary)s."),
        {"count": result.rows_read, "summary": summary},
    )
    if result.total_rows_skipped:
        line += " " + total_rows_skipped_text(result.total_rows_skipped)
    return line


def total_rows_skipped_text(rows: list[int]) -> str:
    """ "Total rows skipped: 1,203, 1,204" (the first 20), for every importer's summary."""
    return translated(
        gettext_noop("Total rows skipped: %(rows)s"),
        {"rows": ", ".join(f"{row:,}" for row in rows[:20])},
    )


@dataclass(frozen=True)
class TotalRowCut:
    """A master-data table without the total rows that end it (when asked), and the rows
    refused as total rows (docs/rules.md "Total rows")."""

    table: pa.Table
    skipped: list[int]  # row numbers (the header is row 1)
    errors: list[RowError]


def cut_total_rows(table: pa.Table, header: tuple[str, ...], *, skip: bool) -> TotalRowCut:
    """Find the total rows of a master-data `table` (the rule of values.total_rows): each is a
    row error naming its word, unless `skip` is set and it is one of the rows that end the
    file, which are then cut off. A total row before the end is refused even when skipping:
    cutting it would renumber the rows after it in every other error."""
    found = total_rows(table)
    rows = found.rows.tolist()
    trailing: set[int] = set()
    if skip:
        end = table.num_rows
        for row in reversed(rows):
            if row != end - 1:
                break
            trailing.add(row)
            end = row
    errors = [
        RowError(
            row + 2,
            header[column] if column < len(header) else "",
            translated(TOTAL_ROW_INSIDE if skip else TOTAL_ROW, {"word": word}),
            word,
        )
        for row, column, word in zip(rows, found.columns, found.words, strict=True)
        if row not in trailing
    ]
    kept = table.num_rows - len(trailing)
    return TotalRowCut(table.slice(0, kept), sorted(row + 2 for row in trailing), errors)
