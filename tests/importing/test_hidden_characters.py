"""Codes and names refuse the characters that make one text look like another (no database)."""

from __future__ import annotations

import re
import unicodedata

import pyarrow as pa
from hypothesis import given
from hypothesis import strategies as st

from kam.importing.results import unsafe_cells
from kam.importing.values import (
    HIDDEN_RANGES,
    IDENTIFIER_PATTERN,
    character_name,
    has_hidden_characters,
    hidden_character,
    is_formula,
    reveal,
)

HIDDEN_CATEGORIES = {"Cc", "Cf", "Cs", "Zl", "Zp"}


def test_hidden_ranges_are_the_categories_of_this_pythons_unicode() -> None:
    expected = [c for c in range(0x110000) if unicodedata.category(chr(c)) in HIDDEN_CATEGORIES]
    listed = [c for low, high in HIDDEN_RANGES for c in range(low, high + 1)]
    assert listed == expected


def test_a_zero_width_space_makes_a_code_that_looks_like_another() -> None:
    assert hidden_character("C10001\u200b") == "\u200b"
    assert hidden_character("C10001") is None
    assert character_name("\u200b") == "U+200B ZERO WIDTH SPACE"
    assert reveal("C10001\u200b") == "C10001\\u200b"


def test_bidirectional_overrides_isolates_and_zero_width_characters_are_hidden() -> None:
    refused = [*map(chr, range(0x202A, 0x202F)), *map(chr, range(0x2066, 0x206A))]
    refused += ["\u200b", "\u200c", "\u200d", "\u2060", "\ufeff", "\x00", "\t", "\x85"]
    assert all(hidden_character(f"A{c}B") == c for c in refused)


def test_letters_of_every_script_and_spaces_are_not_hidden() -> None:
    for text in ["Müller GmbH", "上海机械有限公司", "Ελληνικά", "שלום", "مرحبا", "A B", "Ø 12-3"]:
        assert hidden_character(text) is None


@given(st.text())
def test_the_python_and_arrow_checks_agree(text: str) -> None:
    # Arrow holds UTF-8, which has no surrogates (hypothesis' text() draws none either).
    cells = has_hidden_characters(pa.array([text], pa.string()))
    assert bool(cells[0]) == (hidden_character(text) is not None)


@given(st.text())
def test_a_text_is_hidden_exactly_when_a_character_has_a_hidden_category(text: str) -> None:
    has_one = any(unicodedata.category(c) in HIDDEN_CATEGORIES for c in text)
    assert (hidden_character(text) is not None) == has_one


@given(st.text())
def test_every_text_the_check_accepts_matches_the_schemas_pattern(text: str) -> None:
    # The OpenAPI pattern may allow a little more than the API (astral format characters,
    # spaces before a formula), never less: a value outside the pattern is always refused.
    # Read as schemathesis does.
    pattern = re.compile(IDENTIFIER_PATTERN.removesuffix("$") + r"\Z", re.ASCII)
    refused = hidden_character(text) is not None or is_formula(text)
    if not refused:
        assert pattern.match(text)
    if not pattern.match(text):
        assert refused


def test_an_identifying_column_reports_the_hidden_character_by_name() -> None:
    column = pa.array(["C1", "C1\u200b", "\u202eevil", None, "a\x00b"], pa.string())

    errors = unsafe_cells("code", column, identifying=True)
    free_text = unsafe_cells("description", column)

    assert [(e.row, e.value) for e in errors] == [
        (3, "C1\\u200b"),
        (4, "\\u202eevil"),
        (6, "a\\0b"),
    ]
    assert "U+200B ZERO WIDTH SPACE" in errors[0].reason
    assert "U+202E RIGHT-TO-LEFT OVERRIDE" in errors[1].reason
    assert errors[2].reason == "contains a NUL character"
    assert [e.row for e in free_text] == [6]
