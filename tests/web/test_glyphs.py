"""No character on a page that the default fonts cannot draw (issue 16 part 7).

Debian's Chromium draws with DejaVu (Latin, punctuation, arrows, maths, basic shapes) and
WenQuanYi Zen Hei (Chinese): a character outside those blocks — the stale-estimate badge's
U+29D7 BLACK HOURGLASS was one — renders as an empty box. Templates, the style sheet, the
page script and the Chinese catalog keep to the blocks below; anything else is plain text, a
CSS shape or inline SVG.
"""

from __future__ import annotations

import unicodedata
from pathlib import Path

SRC = Path(__file__).resolve().parents[2] / "src" / "kam"
# Unicode blocks DejaVu Sans and WenQuanYi Zen Hei cover whole.
DRAWABLE = [
    (0x0000, 0x024F),  # Basic Latin, Latin-1, Latin Extended-A/B
    (0x0370, 0x03FF),  # Greek
    (0x2000, 0x206F),  # General Punctuation (dashes, quotes, ellipsis, ‹ ›)
    (0x20A0, 0x20BF),  # Currency Symbols
    (0x2190, 0x21FF),  # Arrows
    (0x2200, 0x22FF),  # Mathematical Operators
    (0x25A0, 0x25FF),  # Geometric Shapes (▲ ▼)
    (0x3000, 0x303F),  # CJK Symbols and Punctuation
    (0x4E00, 0x9FFF),  # CJK Unified Ideographs
    (0xFF00, 0xFFEF),  # Halfwidth and Fullwidth Forms (，：（）)
]


def _page_files() -> list[Path]:
    files = [*SRC.rglob("templates/**/*.html")]
    files += [p for p in (SRC / "web" / "static" / "kam").iterdir() if p.suffix in {".css", ".js"}]
    files += [SRC / "locale" / "zh_Hans" / "LC_MESSAGES" / "django.po"]
    return files


def test_pages_use_only_characters_the_default_fonts_draw() -> None:
    # Given every template, the style sheet, the page script and the Chinese catalog
    undrawable = {
        f"{path.relative_to(SRC)}: U+{ord(ch):04X} {unicodedata.name(ch, '?')}"
        for path in _page_files()
        for ch in path.read_text(encoding="utf-8")
        if not any(low <= ord(ch) <= high for low, high in DRAWABLE)
    }
    # Then none holds a character outside the blocks the default fonts cover
    assert not undrawable, sorted(undrawable)


def test_the_check_sees_the_hourglass_that_drew_an_empty_box() -> None:
    # Given the character the stale badge used to show, then it is outside the drawable blocks
    assert not any(low <= 0x29D7 <= high for low, high in DRAWABLE)
