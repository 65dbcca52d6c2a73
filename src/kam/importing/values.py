"""Vectorised parsing of the values real ERP exports contain (no Django here).

Every parser takes a pyarrow string array (nulls for empty cells) and returns the parsed
values with a boolean mask of the rows whose non-empty value could not be read, so the caller
can name each bad row and column.
"""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
from collections.abc import Callable, Mapping
from dataclasses import dataclass

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from kam.importing.messages import ImportMessage, gettext_noop, translated
from kam.importing.reading import FileRejected

BoolArray = np.ndarray

# Spaces, no-break spaces (U+00A0, U+2007, U+202F), ideographic space and apostrophes (’ too)
# group thousands; they are dropped before a number is read.
_SPACES = r"[\s\x{00a0}\x{2007}\x{2009}\x{202f}\x{3000}'\x{2019}]"
# Minus signs that are not the hyphen-minus: U+2212 MINUS SIGN, U+2012 FIGURE DASH, U+2013
# EN DASH, U+FE63 SMALL HYPHEN-MINUS (full-width U+FF0D becomes "-" under NFKC).
_MINUSES = r"[\x{2212}\x{2012}\x{2013}\x{fe63}]"
_EXPONENT = r"(?:[eE][+-]?\d{1,3})?"
# The digits of an amount, its sign and currency taken off.
NUMBER_POINT = rf"^(?:[1-9]\d{{0,2}}(?:,\d{{3}})+|\d+)(?:\.\d+)?{_EXPONENT}$|^\.\d+$"
NUMBER_COMMA = rf"^(?:[1-9]\d{{0,2}}(?:\.\d{{3}})+|\d+)(?:,\d+)?{_EXPONENT}$|^,\d+$"
# An amount as ERP exports and people write it (after NFKC, spaces dropped): a sign before or
# after a currency symbol or code (-¥1,234.56, ¥-1,234.56), parentheses around it with or
# without the currency inside ((1,234.56), (¥1,234.56), ¥(1,234.56)), or a trailing minus
# (1,234.56-); the currency may also follow (12,00€, 12.00 RMB, 100元).
_CURRENCY_BEFORE = r"(?:[A-Za-z]{3}|[¥$€£])?"
_CURRENCY_AFTER = r"(?:[A-Za-z]{3}|元|[¥$€£])?"
AMOUNT_FORM = (
    r"^(?P<open>\(?)(?P<sign>[-+]?)(?P<before>" + _CURRENCY_BEFORE + r")(?P<sign2>[-+]?)"
    r"(?P<inner>\(?)(?P<number>\d[\d.,]*" + _EXPONENT + r"|[.,]\d+)(?P<inner_end>\)?)"
    r"(?P<trailing>-?)(?P<after>" + _CURRENCY_AFTER + r")(?P<trailing2>-?)(?P<close>\)?)$"
)
_PLAIN = r"^-?\d{1,15}(?:\.\d{1,12})?$"
# A text a spreadsheet would run as a formula (OWASP, CSV injection): it begins with a tab or
# a carriage return, or, spaces around it aside, with = + - @ and is not simply a number
# (-10, +7.5, -1,234.56 are numbers; -2+3, @SUM(A1) are formulas).
CONTROL_START = r"^[\t\r]"
FORMULA_START = r"^[=+\-@]"
NUMBER_TEXT = r"^[+-]?[0-9][0-9.,]*(?:[eE][+-]?[0-9]+)?$"
_CONTROL_START = re.compile(CONTROL_START)
_FORMULA_START = re.compile(FORMULA_START)
_NUMBER_TEXT = re.compile(NUMBER_TEXT)
LOOKS_LIKE_FORMULA = gettext_noop("looks like a spreadsheet formula")

# Dates. Year-first forms are unambiguous; day/month-first forms need the column's evidence.
_YEAR_FIRST = r"^(?P<y>\d{4})[-/.](?P<m>\d{1,2})[-/.](?P<d>\d{1,2})(?:[T ].*)?$"
_COMPACT = r"^(?P<y>\d{4})(?P<m>\d{2})(?P<d>\d{2})$"
_CHINESE = r"^(?P<y>\d{4})年(?P<m>\d{1,2})月(?P<d>\d{1,2})日?(?:.*)?$"
_PART_FIRST = r"^(?P<a>\d{1,2})[-/.](?P<b>\d{1,2})[-/.](?P<y>\d{4})(?:[T ].*)?$"


class ColumnError(ImportMessage):
    """A whole column cannot be read (for example ambiguous dates)."""


class AmbiguousDates(ColumnError):
    """Every day/month-first date could be read both ways."""


@dataclass(frozen=True)
class Parsed:
    values: pa.Array
    invalid: BoolArray


def clean_text(values: pa.Array) -> pa.Array:
    """Trim surrounding white space; empty strings become null."""
    trimmed = pc.utf8_trim_whitespace(values)
    return pc.if_else(pc.equal(trimmed, ""), pa.scalar(None, pa.string()), trimmed)


def text_column(table: pa.Table, columns: Mapping[str, int], name: str) -> pa.Array:
    """The trimmed text of the file's column for field `name`; all nulls when the file has
    none (`columns`: field → index of the file's column, as match_columns gives them)."""
    if name not in columns:
        return pa.nulls(table.num_rows, pa.string())
    return clean_text(table.column(columns[name]).combine_chunks())


def _mask(values: pa.Array) -> BoolArray:
    return np.asarray(pc.fill_null(values, False).to_numpy(zero_copy_only=False), dtype=bool)


def present(values: pa.Array) -> BoolArray:
    return _mask(pc.is_valid(values))


# A row that sums the others, as spreadsheets and ERP reports end: one of its cells says so,
# alone (spaces, case and a colon aside). "Total Station" (a product) is not a total.
TOTAL_WORD = r"^(?:grand|sub)?totals?[:：]?$|^(?:合计|总计|小计|合計|總計|小計|共计|总合计)[:：]?$"


@dataclass(frozen=True)
class TotalRows:
    rows: np.ndarray  # indexes into the table, ascending
    columns: list[int]  # the file's column of each row's word
    words: list[str]  # the cell that says it is a total, as written


def total_rows(table: pa.Table) -> TotalRows:
    """The rows of `table` that look like a total row (a cell reads "合计", "Total", "小计",
    "Grand total", "Subtotal"…, see TOTAL_WORD; docs/rules.md, the ledger import's Total
    rows: a ledger holds lines, never their sums, §2)."""
    found = np.full(table.num_rows, -1)
    for index in range(table.num_columns):
        column = table.column(index).combine_chunks()
        if not pa.types.is_string(column.type) and not pa.types.is_large_string(column.type):
            continue
        key = pc.utf8_lower(
            pc.replace_substring_regex(pc.utf8_normalize(column, "NFKC"), r"\s+", "")
        )
        hit = _mask(pc.match_substring_regex(key, TOTAL_WORD)) & (found < 0)
        found[hit] = index
    rows = np.flatnonzero(found >= 0)
    columns = [int(found[row]) for row in rows]
    words = [
        str(table.column(column)[int(row)].as_py()).strip()
        for row, column in zip(rows, columns, strict=True)
    ]
    return TotalRows(rows, columns, words)


def looks_like_formula(values: pa.Array) -> BoolArray:
    """Cells a spreadsheet would run as a formula (=HYPERLINK(…), +cmd, @SUM…, -2+3), see
    FORMULA_START; a number (-10) is not one. The same rule as is_formula."""
    trimmed = pc.utf8_trim_whitespace(values)
    starts = _mask(pc.match_substring_regex(trimmed, FORMULA_START))
    number = _mask(pc.match_substring_regex(trimmed, NUMBER_TEXT))
    return _mask(pc.match_substring_regex(values, CONTROL_START)) | (starts & ~number)


def is_formula(text: str) -> bool:
    """Whether a spreadsheet would run `text` as a formula (the rule of looks_like_formula),
    for one value: a form field, an API field, an exported cell."""
    if _CONTROL_START.match(text):
        return True
    trimmed = text.strip()
    return bool(_FORMULA_START.match(trimmed)) and not _NUMBER_TEXT.match(trimmed)


def has_nul(values: pa.Array) -> BoolArray:
    """Cells holding a NUL character, which no database text column can store."""
    return _mask(pc.match_substring(values, "\x00"))


class AmbiguousAmounts(FileRejected):
    """The column writes a decimal point in some values and a decimal comma in others."""


@dataclass(frozen=True)
class Amounts:
    """A column of amounts taken apart: the digits, the sign, whether each has the form."""

    number: pa.Array  # the digits and separators, sign and currency taken off
    negative: BoolArray
    shaped: BoolArray  # the cell has one of the forms of AMOUNT_FORM


def amount_parts(values: pa.Array) -> Amounts:
    """Each cell's digits and sign (DOMAIN §2 money; docs/rules.md, the ledger import's
    Numbers): every form of AMOUNT_FORM, full-width forms (NFKC: －（１，２３４．５６）￥),
    the minus signs of _MINUSES and any thousands spaces."""
    text = pc.utf8_normalize(clean_text(values), "NFKC")
    text = pc.replace_substring_regex(text, _MINUSES, "-")
    text = pc.replace_substring_regex(text, _SPACES, "")
    parts = pc.extract_regex(text, AMOUNT_FORM)

    def has(name: str, value: str | None = None) -> BoolArray:
        """Whether group `name` took `value` (any text when None), per cell."""
        group = pc.struct_field(parts, name)
        return _mask(pc.not_equal(group, "") if value is None else pc.equal(group, value))

    # Which optional group takes a parenthesis is the regex's choice: count them instead.
    opened = has("open").astype(int) + has("inner")
    closed = has("inner_end").astype(int) + has("close")
    parens = (opened == 1) & (closed == 1)
    signs = has("sign").astype(int) + has("sign2") + has("trailing") + has("trailing2") + parens
    one_currency = ~(has("before") & has("after"))
    balanced = (opened == closed) & (opened <= 1)
    shaped = _mask(pc.is_valid(parts)) & balanced & (signs <= 1) & one_currency
    negative = has("sign", "-") | has("sign2", "-") | has("trailing") | has("trailing2") | parens
    number = pc.if_else(
        pa.array(shaped), pc.struct_field(parts, "number"), pa.scalar(None, pa.string())
    )
    return Amounts(number, negative & shaped, shaped)


AMBIGUOUS_AMOUNTS = gettext_noop(
    "%(column)s: the column writes a decimal point (%(point)s) and a decimal comma "
    "(%(comma)s); correct one of them"
)


def decimal_separator(values: pa.Array, delimiter: str = ",", column: str = "amount") -> str:
    """The column's decimal separator: the evidence of its values, else the file's habit.

    Every form of an amount counts ((1,234.56), 1.234,56-, -¥1,234.56 as well as plain
    numbers). A value with both separators shows the decimal one last; a separator followed
    by other than three digits cannot be a thousands separator. Files delimited by ';' come
    from locales that write a decimal comma. Raises AmbiguousAmounts (the file is refused,
    naming `column`) when values show both.
    """
    text = pc.drop_null(amount_parts(values).number)
    last_of_both = pc.extract_regex(
        pc.filter(text, pc.and_(pc.match_substring(text, ","), pc.match_substring(text, "."))),
        r"(?P<sep>[.,])\d*$",
    ).field("sep")
    point = pc.or_(
        pc.fill_null(pc.equal(_as_text(last_of_both, text), "."), False),
        pc.match_substring_regex(text, r"^[^,]*\.(?:\d{1,2}|\d{4,})$"),
    )
    comma = pc.or_(
        pc.fill_null(pc.equal(_as_text(last_of_both, text), ","), False),
        pc.match_substring_regex(text, r"^[^.]*,(?:\d{1,2}|\d{4,})$"),
    )
    shows_point, shows_comma = pc.any(point).as_py(), pc.any(comma).as_py()
    if shows_point and shows_comma:
        raise AmbiguousAmounts(
            AMBIGUOUS_AMOUNTS,
            column=column,
            point=_first(pc.filter(text, point)),
            comma=_first(pc.filter(text, comma)),
        )
    if shows_point:
        return "."
    if shows_comma:
        return ","
    return "," if delimiter == ";" else "."


def _as_text(last_of_both: pa.Array, text: pa.Array) -> pa.Array:
    """The decimal separator each value with both separators shows, null for the others."""
    both = _mask(pc.and_(pc.match_substring(text, ","), pc.match_substring(text, ".")))
    out = np.full(len(text), None, dtype=object)
    out[both] = np.asarray(last_of_both.to_numpy(zero_copy_only=False), dtype=object)
    return pa.array(out, pa.string())


def parse_cents(values: pa.Array, separator: str = ".") -> Parsed:
    """Amounts to integer cents, rounded half to even (DOMAIN §2).

    Accepts thousands separators (, . spaces, no-break spaces, apostrophes), currency
    symbols or codes before or after, a minus before or after the currency, parentheses or a
    trailing minus for credit notes, full-width forms and exponents (see AMOUNT_FORM).
    """
    return parse_scaled(values, separator, scale=2)


def parse_scaled(values: pa.Array, separator: str = ".", scale: int = 2) -> Parsed:
    """Numbers to integers of 10**-scale units (cents at scale 2), rounded half to even."""
    cleaned = clean_text(values)
    if separator == "." and pc.all(pc.match_substring_regex(cleaned, _PLAIN)).as_py():
        # Most ERP exports write plain numbers: skip the reshaping passes below.
        units = _to_units(cleaned, scale)
        return Parsed(units, present(cleaned) & ~present(units))
    parts = amount_parts(cleaned)
    text = parts.number
    pattern = NUMBER_POINT if separator == "." else NUMBER_COMMA
    shaped = parts.shaped & _mask(pc.match_substring_regex(text, pattern))
    if separator == ".":
        text = pc.replace_substring(text, ",", "")
    else:
        text = pc.replace_substring(pc.replace_substring(text, ".", ""), ",", ".")
    usable = pc.if_else(pa.array(shaped), text, pa.scalar(None, pa.string()))
    units = _to_units(usable, scale)
    unreadable = present(cleaned) & ~(shaped & present(units))
    sign = np.where(parts.negative, -1, 1)
    return Parsed(pc.multiply(units, pa.array(sign, pa.int64())), unreadable)


_MAX_UNITS = 10**17


def _to_units(text: pa.Array, scale: int) -> pa.Array:
    """Exact decimal strings → integer units, half to even; null when out of range."""
    from decimal import ROUND_HALF_EVEN, Decimal, InvalidOperation

    exponent = _mask(pc.match_substring_regex(text, "[eE]"))
    plain = pc.if_else(pa.array(exponent), pa.scalar(None, pa.string()), text)
    # Long fractions are cut to 12 places first: the cast refuses more.
    plain = pc.replace_substring_regex(plain, r"(\.\d{12})\d+$", r"\1")
    try:
        decimals = pc.cast(plain, pa.decimal128(38, 12))
    except pa.ArrowInvalid:
        decimals = None
    if decimals is not None:
        rounded = pc.cast(
            pc.round(decimals, ndigits=scale, round_mode="half_to_even"), pa.decimal128(38, scale)
        )
        in_range = pc.less(pc.abs(pc.cast(rounded, pa.float64())), _MAX_UNITS / 10**scale)
        kept = pc.if_else(in_range, rounded, pa.scalar(None, rounded.type))
        # "-1234.50" → "-123450": the digits are the units, exactly.
        digits = pc.replace_substring(pc.cast(kept, pa.string()), ".", "")
        units = pc.cast(digits, pa.int64())
        if not exponent.any():
            return units
        known = units.to_pylist()
    else:
        known = [None] * len(text)
    # Exponents (and anything arrow refused) are decided one by one, exactly.
    step = Decimal(1)
    out: list[int | None] = []
    for value, unit in zip(text.to_pylist(), known, strict=True):
        if unit is not None or value is None:
            out.append(unit)
            continue
        try:
            number = (Decimal(value) * 10**scale).quantize(step, rounding=ROUND_HALF_EVEN)
        except InvalidOperation:
            out.append(None)
            continue
        out.append(int(number) if abs(number) < _MAX_UNITS else None)
    return pa.array(out, pa.int64())


def date_order(values: pa.Array) -> str | None:
    """'dmy' or 'mdy' when the column has day/month-first dates, None when it has none.

    Raises ColumnError when the column is ambiguous (every such date has both parts ≤ 12
    and they differ somewhere) or mixes both orders.
    """
    text = clean_text(values)
    parts = pc.extract_regex(pc.drop_null(text), _PART_FIRST)
    if len(pc.drop_null(parts)) == 0:
        return None
    a = pc.cast(pc.struct_field(parts, "a"), pa.int32())
    b = pc.cast(pc.struct_field(parts, "b"), pa.int32())
    day_first = pc.greater(a, 12)
    month_first = pc.greater(b, 12)
    any_day, any_month = pc.any(day_first).as_py(), pc.any(month_first).as_py()
    if any_day and any_month:
        day = pc.filter(pc.struct_field(parts, "a"), day_first)
        raise ColumnError(
            gettext_noop("the column mixes day-first (%(day)s) and month-first (%(month)s) dates"),
            day=_first(pc.filter(pc.drop_null(text), _valid_mask(parts, day_first))),
            month=_first(pc.filter(pc.drop_null(text), _valid_mask(parts, month_first)))
            if len(day)
            else "",
        )
    if any_day:
        return "dmy"
    if any_month:
        return "mdy"
    differing = pc.not_equal(a, b)
    if pc.any(differing).as_py():
        raise AmbiguousDates(
            gettext_noop(
                "dates such as %(example)s could be day-first or month-first; give the date format"
            ),
            example=_first(pc.filter(pc.drop_null(text), _valid_mask(parts, differing))),
        )
    return "dmy"  # every such date reads the same both ways (01/01/2026)


def _valid_mask(parts: pa.StructArray, condition: pa.Array) -> pa.Array:
    return pc.fill_null(pc.and_(pc.is_valid(parts), condition), False)


def _first(values: pa.Array) -> str:
    return str(values[0].as_py()) if len(values) else ""


def parse_dates(
    values: pa.Array, order: str | None = None, date_format: str | None = None
) -> Parsed:
    """Dates in ISO, compact, Chinese (2026年11月24日) or the column's day/month order.

    With `date_format` (strptime codes, e.g. %d.%m.%Y) only that form is accepted.
    """
    text = clean_text(values)
    if date_format:
        return _parse_with_format(text, date_format)
    if pc.all(pc.match_substring_regex(text, r"^\d{4}-\d{2}-\d{2}$")).as_py():
        return _real_dates(text, text)  # plain ISO, as most exports write: no reshaping
    years = pa.nulls(len(text), pa.string())
    months = pa.nulls(len(text), pa.string())
    days = pa.nulls(len(text), pa.string())
    forms = [_YEAR_FIRST, _COMPACT, _CHINESE]
    for pattern in forms:
        found = pc.extract_regex(text, pattern)
        years = pc.coalesce(years, pc.struct_field(found, "y"))
        months = pc.coalesce(months, pc.struct_field(found, "m"))
        days = pc.coalesce(days, pc.struct_field(found, "d"))
    if order is not None:
        found = pc.extract_regex(text, _PART_FIRST)
        first, second = ("d", "m") if order == "dmy" else ("m", "d")
        picked = {first: pc.struct_field(found, "a"), second: pc.struct_field(found, "b")}
        years = pc.coalesce(years, pc.struct_field(found, "y"))
        months = pc.coalesce(months, picked["m"])
        days = pc.coalesce(days, picked["d"])
    iso = pc.binary_join_element_wise(
        years, pc.utf8_lpad(months, 2, "0"), pc.utf8_lpad(days, 2, "0"), "-"
    )
    return _real_dates(text, iso)


def _real_dates(text: pa.Array, iso: pa.Array) -> Parsed:
    """ISO strings to dates; impossible dates (2026-02-30) are invalid, not rolled over."""
    parsed = pc.cast(pc.strptime(iso, format="%Y-%m-%d", unit="s", error_is_null=True), pa.date32())
    # strptime rolls 2026-02-30 over to 2026-03-02; a real date prints back the same.
    real = pc.equal(pc.cast(parsed, pa.string()), iso)
    dates = pc.if_else(real, parsed, pa.scalar(None, pa.date32()))
    return Parsed(dates, present(text) & ~present(dates))


def _parse_with_format(text: pa.Array, date_format: str) -> Parsed:
    parsed = pc.strptime(text, format=date_format, unit="s", error_is_null=True)
    confirmed = _mask(pc.equal(pc.strftime(parsed, format=date_format), text))
    values: list[dt.date | None] = pc.cast(parsed, pa.date32()).to_pylist()
    # Unpadded forms (1.2.2026) and roll-overs (30.02.2026) are settled by Python's strptime.
    for index in np.flatnonzero(present(parsed) & ~confirmed):
        try:
            values[index] = dt.datetime.strptime(  # noqa: DTZ007 - a date, no time zone
                str(text[index].as_py()), date_format
            ).date()
        except ValueError:
            values[index] = None
    dates = pa.array(values, pa.date32())
    return Parsed(dates, present(text) & ~present(dates))


def outside(dates: pa.Array, first: dt.date, last: dt.date) -> BoolArray:
    """Dates before `first` or after `last` (nulls are not outside)."""
    return _mask(pc.or_(pc.less(dates, pa.scalar(first)), pc.greater(dates, pa.scalar(last))))


def month_start(dates: pa.Array) -> pa.Array:
    """The first day of each date's month."""
    as_days = np.asarray(pc.cast(dates, pa.int32()).to_numpy(zero_copy_only=False))
    months = as_days.astype("datetime64[D]").astype("datetime64[M]").astype("datetime64[D]")
    return pa.array(months, pa.date32())


# Characters that change how a text reads without being seen (Unicode categories Cc, Cf, Cs,
# Zl and Zp): controls, bidirectional overrides and isolates (U+202A–U+202E, U+2066–U+2069),
# zero-width characters (U+200B–U+200D, U+2060, U+FEFF), the soft hyphen, line and paragraph
# separators and lone surrogates. `C10001\u200b` looks like `C10001`, so an identifying text
# (a code, a name) refuses every one. The table is Unicode 14's (Python 3.11); a test checks
# it against the running Python's unicodedata.
HIDDEN_RANGES: tuple[tuple[int, int], ...] = (
    (0x0000, 0x001F),
    (0x007F, 0x009F),
    (0x00AD, 0x00AD),
    (0x0600, 0x0605),
    (0x061C, 0x061C),
    (0x06DD, 0x06DD),
    (0x070F, 0x070F),
    (0x0890, 0x0891),
    (0x08E2, 0x08E2),
    (0x180E, 0x180E),
    (0x200B, 0x200F),
    (0x2028, 0x202E),
    (0x2060, 0x2064),
    (0x2066, 0x206F),
    (0xD800, 0xDFFF),
    (0xFEFF, 0xFEFF),
    (0xFFF9, 0xFFFB),
    (0x110BD, 0x110BD),
    (0x110CD, 0x110CD),
    (0x13430, 0x13438),
    (0x1BCA0, 0x1BCA3),
    (0x1D173, 0x1D17A),
    (0xE0001, 0xE0001),
    (0xE0020, 0xE007F),
)
_SURROGATES = (0xD800, 0xDFFF)


def _character_class(ranges: tuple[tuple[int, int], ...], escape: Callable[[int], str]) -> str:
    return "".join(
        escape(low) if low == high else f"{escape(low)}-{escape(high)}" for low, high in ranges
    )


def _python_escape(point: int) -> str:
    return f"\\u{point:04x}" if point <= 0xFFFF else f"\\U{point:08x}"


def _re2_escape(point: int) -> str:
    return f"\\x{{{point:04x}}}"


_HIDDEN = re.compile(f"[{_character_class(HIDDEN_RANGES, _python_escape)}]")
# Arrow's strings are UTF-8, which cannot hold a surrogate (nor can RE2 match one).
_HIDDEN_RE2 = (
    "["
    + _character_class(tuple(pair for pair in HIDDEN_RANGES if pair != _SURROGATES), _re2_escape)
    + "]"
)
# The same refusal as a JSON Schema `pattern` (ECMA-262, which spells only the Basic
# Multilingual Plane as \uXXXX without the `u` flag): an identifying text matches it or is
# refused. The few format characters above the plane (and surrogates) are refused as well,
# so the pattern allows a little more than the API, never less.
_HIDDEN_BMP = _character_class(
    tuple(pair for pair in HIDDEN_RANGES if pair[1] <= 0xFFFF and pair != _SURROGATES),
    _python_escape,
)
# Nor does it begin with = or @, or with + or - before anything but a digit (is_formula): a
# code or name is never a formula. Still a little more than the API allows, never less.
IDENTIFIER_PATTERN = f"^(?:[^=+\\-@{_HIDDEN_BMP}][^{_HIDDEN_BMP}]*|[+-][0-9][^{_HIDDEN_BMP}]*)?$"


def hidden_character(text: str) -> str | None:
    """The first character of `text` that no identifying text may hold (see HIDDEN_RANGES)."""
    found = _HIDDEN.search(text)
    return found.group() if found else None


def has_hidden_characters(values: pa.Array) -> BoolArray:
    """Cells holding a character that no code or name may hold (see HIDDEN_RANGES)."""
    # Most codes are printable ASCII, which holds nothing hidden: only the rest need the
    # (slower) character class.
    hidden = np.zeros(len(values), dtype=bool)
    rest = np.flatnonzero(~_mask(pc.ascii_is_printable(values)) & present(values))
    if len(rest):
        others = values.take(pa.array(rest, pa.int64()))
        hidden[rest] = _mask(pc.match_substring_regex(others, _HIDDEN_RE2))
    return hidden


def character_name(character: str) -> str:
    """U+200B ZERO WIDTH SPACE: how an error message shows an invisible character."""
    name = unicodedata.name(character, "")
    return f"U+{ord(character):04X} {name}".rstrip()


HIDDEN_CHARACTER = gettext_noop("contains an invisible or control character (%(character)s)")


def hidden_character_message(character: str) -> str:
    """The one message, in the active language, for a hidden character in a code or name."""
    return translated(HIDDEN_CHARACTER, {"character": character_name(character)})


def reveal(text: str) -> str:
    """`text` with each hidden character written as its escape (C10001\\u200b), for reports."""
    return _HIDDEN.sub(lambda found: found.group().encode("unicode_escape").decode(), text)


def normalise_header(name: str) -> str:
    """Case-, space- and punctuation-insensitive column name."""
    return re.sub(r"[\s_\-./()（）:：]+", "", name.strip().lstrip("\ufeff")).casefold()
