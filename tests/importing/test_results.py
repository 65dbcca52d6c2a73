"""The row errors every importer answers with, and the one text-column helper."""

from __future__ import annotations

import pyarrow as pa

from kam.importing.results import RowError, RowsResult, rows_summary, unsafe_cells
from kam.importing.values import text_column


def test_unsafe_cells_name_formulas_in_names_and_nul_characters_by_row() -> None:
    values = pa.array(["Acme", "=HYPERLINK(1)", None, "a\x00b"])

    assert unsafe_cells("name", values, identifying=True) == [
        RowError(3, "name", "looks like a spreadsheet formula", "=HYPERLINK(1)"),
        RowError(5, "name", "contains a NUL character", "a\\0b"),
    ]
    # a free text keeps a formula-looking value as typed (every export neutralises it)
    assert unsafe_cells("description", values) == [
        RowError(5, "description", "contains a NUL character", "a\\0b"),
    ]


def test_a_column_the_file_lacks_reads_as_nulls_and_text_is_trimmed() -> None:
    table = pa.table({"Kunde": ["  K1 ", "", None]})

    assert text_column(table, {"code": 0}, "code").to_pylist() == ["K1", None, None]
    assert text_column(table, {"code": 0}, "name").to_pylist() == [None, None, None]


def test_a_master_data_summary_counts_rows_and_errors() -> None:
    result = RowsResult("rejected", rows_read=3, errors=[RowError(2, "code", "required", "")])

    assert result.error_count == 1
    assert rows_summary(result, "2 created") == "3 row(s): 2 created."
