"""Opening real-world files: line endings, including a lone carriage return (no database)."""

from __future__ import annotations

from pathlib import Path

import pytest

from kam.importing.reading import FileRejected, batches, count_data_rows, sniff

ROWS = [{"c0": "C1", "c1": "Acme"}, {"c0": "C2", "c1": "Beta"}]


def _rows(path: Path) -> list[dict[str, str | None]]:
    return [row for table in batches(sniff(path)) for row in table.to_pylist()]


@pytest.mark.parametrize(
    "content",
    [
        b"code,name\r\nC1,Acme\r\nC2,Beta\r\n",  # Windows
        b"code,name\nC1,Acme\nC2,Beta\n",  # Unix
        b"code,name\rC1,Acme\rC2,Beta\r",  # classic Mac OS, Excel for Mac's "CSV (Macintosh)"
        b"code,name\nC1,Acme\rC2,Beta\n",  # mixed: a lone CR between two rows
        b"\xef\xbb\xbfcode;name\rC1;Acme\rC2;Beta",  # BOM, semicolons, no final line end
    ],
)
def test_a_lone_carriage_return_ends_a_line_like_any_other(tmp_path: Path, content: bytes) -> None:
    path = tmp_path / "accounts.csv"
    path.write_bytes(content)

    source = sniff(path)

    assert source.header == ("code", "name")
    assert _rows(path) == ROWS
    assert count_data_rows(path, source) == 2


def test_a_carriage_return_inside_a_quoted_cell_is_part_of_the_cell(tmp_path: Path) -> None:
    path = tmp_path / "accounts.csv"
    path.write_bytes(b'code,name\r\nC1,"Ac\rme"\r\nC2,Beta\r\n')

    assert _rows(path) == [{"c0": "C1", "c1": "Ac\rme"}, ROWS[1]]


def test_a_carriage_return_inside_an_unquoted_cell_refuses_the_file_naming_the_line(
    tmp_path: Path,
) -> None:
    path = tmp_path / "accounts.csv"
    path.write_bytes(b"code,name\r\nC1,Ac\rme\r\nC2,Beta\r\n")

    with pytest.raises(FileRejected) as refused:
        _rows(path)

    assert str(refused.value).startswith("line 3 has 1 column(s) where the header has 2")
    assert "quote the cell" in str(refused.value)


def test_a_header_cell_too_long_for_the_csv_module_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "wide.csv"
    path.write_bytes(b"code," + b'"' + b"x" * 200_000 + b'"' + b"\nC1,2\n")

    with pytest.raises(FileRejected, match="header line cannot be read"):
        sniff(path)


def test_counting_rows_joins_a_crlf_split_between_blocks(tmp_path: Path) -> None:
    path = tmp_path / "ledger.csv"
    block = 16 << 20
    head = b"code,name\n"
    filler = b"C1," + b"x" * (block - len(head) - 4) + b"\r"
    path.write_bytes(head + filler + b"\nC2,y\n")

    assert count_data_rows(path, sniff(path)) == 2


@pytest.mark.parametrize("encoding", ["rot13", "hex", "base64", "idna", "no-such-encoding"])
def test_an_encoding_that_is_not_a_text_encoding_is_refused(tmp_path: Path, encoding: str) -> None:
    path = tmp_path / "ledger.csv"
    path.write_bytes(b"code,name\nC1,Acme\n")

    with pytest.raises(FileRejected, match=f"{encoding} is not a text encoding kam can read"):
        sniff(path, encoding=encoding)
