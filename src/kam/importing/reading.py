"""Open real-world files as streams of all-text column batches (no Django here).

CSV (UTF-8 with or without BOM, UTF-16, GB18030/GBK, CP1252; comma, semicolon, tab or pipe),
XLSX (first sheet) and Parquet. Everything arrives as strings so that one set of parsers
(`values`) decides every value the same way, whatever the format.

A CSV's lines may end in CR LF, LF or a lone CR (classic Mac OS, and Excel for Mac's "CSV
(Macintosh)"): Arrow's reader ends a row at any of the three, and so does everything here
that looks at lines, so such a file reads like any other. A carriage return inside a quoted
cell is part of the cell; inside an unquoted one it ends the row, and the row that follows
is refused naming its line.
"""

from __future__ import annotations

import codecs
import csv
import datetime as dt
import re
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import charset_normalizer
import pyarrow as pa
import pyarrow.csv as pacsv
import pyarrow.parquet as pq

from kam.importing.messages import ImportMessage, gettext_noop

SAMPLE_BYTES = 1 << 20
# Arrow's reader holds buffers of many times its block size (16 MiB blocks peaked near
# 280 MiB on a 10M-line file, 1 MiB blocks at 36 MiB, at the same speed); blocks are joined
# into tables of about `rows_per_batch` rows for validation. A row longer than a block is
# refused: no ledger line is a mebibyte long.
BLOCK_BYTES = 1 << 20
DELIMITERS = ",;\t|"
XLSX_MAGIC = b"PK\x03\x04"
PARQUET_MAGIC = b"PAR1"
# The line endings Arrow's CSV reader knows: CR LF, LF and a lone CR.
LINE_END = re.compile(r"\r\n|\r|\n")


class FileRejected(ImportMessage):
    """The file as a whole cannot be read; the message says why and what to do."""


@dataclass(frozen=True)
class Source:
    path: Path
    format: str  # csv | xlsx | parquet
    encoding: str = "utf-8"
    delimiter: str = ","
    header: tuple[str, ...] = ()


def _detect_encoding(sample: bytes) -> str:
    if sample.startswith(codecs.BOM_UTF8):
        return "utf-8-sig"
    if sample.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return "utf-16"
    # UTF-16 without a BOM: every other byte of ASCII text is NUL.
    if len(sample) >= 4 and sample[1::2].count(0) > len(sample) // 4:
        return "utf-16-le"
    if len(sample) >= 4 and sample[0::2].count(0) > len(sample) // 4:
        return "utf-16-be"
    if b"\x00" in sample:
        raise FileRejected(gettext_noop("the file is binary, not a CSV, XLSX or Parquet file"))
    try:
        codecs.getincrementaldecoder("utf-8")().decode(sample, final=False)
    except UnicodeDecodeError:
        return _guess_legacy(sample)
    return "utf-8"


def _guess_legacy(sample: bytes) -> str:
    """GB18030 (which contains GBK) or CP1252, whichever reads as language.

    Western bytes often also decode as GB18030 ("Mü" becomes one ideograph), so decoding
    alone cannot tell; charset-normalizer weighs how natural each reading is.
    """
    best = charset_normalizer.from_bytes(sample, cp_isolation=["gb18030", "cp1252"]).best()
    if best is not None:
        return "gb18030" if best.encoding in {"gb18030", "gbk", "gb2312"} else "cp1252"
    try:
        sample.decode("gb18030")
    except UnicodeDecodeError:
        return "cp1252"
    return "gb18030"


def _decode(sample: bytes, encoding: str) -> str:
    """The sample as text; an encoding that is not one (rot13, hex, base64) is refused."""
    try:
        if not getattr(codecs.lookup(encoding), "_is_text_encoding", True):
            raise LookupError(encoding)
        return sample.decode(encoding, errors="ignore")
    except (LookupError, UnicodeError) as error:
        raise FileRejected(
            gettext_noop("%(encoding)s is not a text encoding kam can read"), encoding=encoding
        ) from error


def _detect_delimiter(text: str) -> str:
    lines = [line for line in LINE_END.split(text, maxsplit=50)[:50] if line.strip()]
    if not lines:
        raise FileRejected(gettext_noop("the file is empty"))
    try:
        return csv.Sniffer().sniff("\n".join(lines), delimiters=DELIMITERS).delimiter
    except csv.Error:
        header = lines[0]
        counts = {delimiter: header.count(delimiter) for delimiter in DELIMITERS}
        best = max(counts, key=lambda delimiter: counts[delimiter])
        return best if counts[best] else ","


def sniff(path: Path, *, delimiter: str | None = None, encoding: str | None = None) -> Source:
    """Tell the format, encoding, delimiter and header row of a file."""
    with path.open("rb") as handle:
        sample = handle.read(SAMPLE_BYTES)
    if not sample.strip():
        raise FileRejected(gettext_noop("the file is empty"))
    if sample.startswith(PARQUET_MAGIC):
        schema = pq.read_schema(path)
        return Source(path, "parquet", header=tuple(schema.names))
    if sample.startswith(XLSX_MAGIC):
        header = [str(cell).strip() for cell in _xlsx_rows(path, header_only=True)[0]]
        return Source(path, "xlsx", header=tuple(header))
    chosen = encoding or _detect_encoding(sample)
    text = _decode(sample, chosen)
    first_line = LINE_END.split(text.lstrip("\ufeff"), maxsplit=1)[0]
    if len(sample) == SAMPLE_BYTES and not LINE_END.search(text):
        raise FileRejected(
            gettext_noop("the first line is longer than %(size)s KiB; this is not a table"),
            size=SAMPLE_BYTES // 1024,
        )
    chosen_delimiter = delimiter or _detect_delimiter(text)
    try:
        header = next(csv.reader([first_line], delimiter=chosen_delimiter))
    except csv.Error as error:  # e.g. a header cell longer than the csv module's limit
        raise FileRejected(
            gettext_noop("the header line cannot be read as CSV: %(detail)s"), detail=str(error)
        ) from error
    return Source(path, "csv", chosen, chosen_delimiter, tuple(header))


def count_data_rows(path: Path, source: Source) -> int | None:
    """Rows to expect (line endings less the header's) for a progress bar; None if unknown."""
    if source.format != "csv" or source.encoding.startswith("utf-16"):
        return None
    endings = 0
    last = b"\n"
    with path.open("rb") as handle:
        for block in iter(lambda: handle.read(16 << 20), b""):
            # CR LF is one ending, as are a lone LF and a lone CR (LINE_END).
            endings += block.count(b"\n") + block.count(b"\r") - block.count(b"\r\n")
            if last == b"\r" and block.startswith(b"\n"):
                endings -= 1  # a CR LF split between two blocks
            last = block[-1:]
    if last not in {b"\r", b"\n"}:
        endings += 1  # the last line has no line end
    return max(endings - 1, 0)


NO_ROWS = gettext_noop("the file has a header but no rows")


def whole_table(source: Source) -> pa.Table:
    """A master-data file's rows as one table (such files are small); refused when empty."""
    tables = list(batches(source))
    if sum(table.num_rows for table in tables) == 0:
        raise FileRejected(NO_ROWS)
    return pa.concat_tables(tables)


def batches(source: Source, rows_per_batch: int = 200_000) -> Iterator[pa.Table]:
    """The file's data rows as tables of strings, in order, `rows_per_batch` at a time."""
    if source.format == "parquet":
        yield from _parquet_batches(source, rows_per_batch)
    elif source.format == "xlsx":
        yield from _xlsx_batches(source, rows_per_batch)
    else:
        yield from _csv_batches(source, rows_per_batch)


def _csv_batches(source: Source, rows_per_batch: int) -> Iterator[pa.Table]:
    names = [f"c{index}" for index in range(len(source.header))]
    read = pacsv.ReadOptions(
        column_names=names,
        skip_rows=1,
        block_size=BLOCK_BYTES,
        encoding=source.encoding,
        # One block at a time: threads read ahead several blocks while Python validates the
        # current one, which costs memory on large files and no time that matters here.
        use_threads=False,
    )
    parse = pacsv.ParseOptions(
        delimiter=source.delimiter, newlines_in_values=True, invalid_row_handler=None
    )
    convert = pacsv.ConvertOptions(
        column_types=dict.fromkeys(names, pa.string()),
        strings_can_be_null=True,
        quoted_strings_can_be_null=True,
    )
    try:
        reader = pacsv.open_csv(
            source.path, read_options=read, parse_options=parse, convert_options=convert
        )
        pending: list[pa.RecordBatch] = []
        rows = 0
        for batch in reader:
            pending.append(batch)
            rows += batch.num_rows
            if rows >= rows_per_batch:
                yield pa.Table.from_batches(pending)
                pending, rows = [], 0
        if pending:
            yield pa.Table.from_batches(pending)
    except pa.ArrowInvalid as error:
        raise _explain_csv_error(str(error)) from error


# Arrow's row numbers count the file's lines from 1, the header included.
_COLUMN_COUNT = re.compile(
    r"Row #(?P<line>\d+): Expected (?P<expected>\d+) columns, got (?P<found>\d+)"
)


def _explain_csv_error(message: str) -> FileRejected:
    if "straddling" in message or "block" in message:
        return FileRejected(
            gettext_noop("a row is longer than %(size)s MiB; this is not a ledger table"),
            size=BLOCK_BYTES >> 20,
        )
    shape = _COLUMN_COUNT.search(message)
    if shape:
        return FileRejected(
            gettext_noop(
                "line %(line)s has %(found)s column(s) where the header has %(expected)s; a "
                "line break or carriage return inside an unquoted cell splits a row: quote "
                "the cell or remove it (%(detail)s)"
            ),
            line=shape["line"],
            found=shape["found"],
            expected=shape["expected"],
            detail=message,
        )
    if "Expected" in message and "columns" in message:
        return FileRejected(
            gettext_noop("a row has a different number of columns than the header (%(detail)s)"),
            detail=message,
        )
    if "UTF8" in message or "utf8" in message or "decode" in message.lower():
        return FileRejected(
            gettext_noop(
                "the file's text encoding changes midway; save it as UTF-8 or GB18030 (%(detail)s)"
            ),
            detail=message,
        )
    return FileRejected(gettext_noop("the file cannot be read as CSV: %(detail)s"), detail=message)


def _parquet_batches(source: Source, rows_per_batch: int) -> Iterator[pa.Table]:
    names = [f"c{index}" for index in range(len(source.header))]
    for batch in pq.ParquetFile(source.path).iter_batches(batch_size=rows_per_batch):
        yield pa.Table.from_arrays([_as_text(column) for column in batch.columns], names=names)


def _as_text(column: pa.Array) -> pa.Array:
    if pa.types.is_timestamp(column.type):
        column = column.cast(pa.date32())
    return column.cast(pa.string())


def _cell_text(value: object) -> str | None:
    if value is None or value == "":
        return None
    if isinstance(value, dt.datetime):
        return value.date().isoformat()
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, float) and value.is_integer() and abs(value) < 1e15:
        return str(int(value))
    return str(value)


def _xlsx_rows(path: Path, *, header_only: bool = False) -> list[list[object]]:
    from python_calamine import CalamineWorkbook

    try:
        workbook = CalamineWorkbook.from_path(str(path))
        sheet = workbook.get_sheet_by_index(0)
        rows = sheet.to_python(nrows=1) if header_only else sheet.to_python()
    except Exception as error:  # calamine raises its own types for broken workbooks
        raise FileRejected(
            gettext_noop("the workbook cannot be read: %(detail)s"), detail=str(error)
        ) from error
    if not rows:
        raise FileRejected(gettext_noop("the first sheet is empty"))
    return [list(row) for row in (rows[:1] if header_only else rows)]


def _xlsx_batches(source: Source, rows_per_batch: int) -> Iterator[pa.Table]:
    rows = _xlsx_rows(source.path)[1:]
    width = len(source.header)
    names = [f"c{index}" for index in range(width)]
    for start in range(0, len(rows), rows_per_batch):
        chunk = rows[start : start + rows_per_batch]
        columns = [
            [_cell_text(row[i]) if i < len(row) else None for row in chunk] for i in range(width)
        ]
        yield pa.Table.from_arrays(
            [pa.array(column, pa.string()) for column in columns], names=names
        )


def text_preview(source: Source, rows: int = 10) -> list[list[str | None]]:
    """The first rows, for the preview before committing."""
    for table in batches(source, rows_per_batch=max(rows, 1)):
        return [list(row.values()) for row in table.slice(0, rows).to_pylist()]
    return []
