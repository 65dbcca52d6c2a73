"""Fail when the zh-hans catalog is out of date, untranslated, fuzzy or malformed.

Extracts the messages from the sources with `makemessages`, compares them with the committed
catalog (which is restored afterwards, so the check changes nothing), and asks msgfmt for
statistics and format checks. Run by `make lint` and by the test suite.
"""

from __future__ import annotations

import ast
import re
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SOURCE = ROOT / "src" / "kam"
CATALOG = SOURCE / "locale" / "zh_Hans" / "LC_MESSAGES" / "django.po"
KAM = Path(sys.executable).with_name("kam")
ENTRY = re.compile(r'^(msgctxt|msgid|msgid_plural|msgstr(?:\[\d+\])?) (".*")$')
CONTINUATION = re.compile(r'^(".*")$')


def entries(text: str) -> dict[tuple[str, str], dict[str, str]]:
    """(context, msgid) → {keyword: value} for every non-obsolete entry."""
    found: dict[tuple[str, str], dict[str, str]] = {}
    current: dict[str, str] = {}
    flags: list[str] = []
    keyword = ""

    def flush() -> None:
        if current.get("msgid"):
            current["fuzzy"] = "fuzzy" if any("fuzzy" in f for f in flags) else ""
            found[(current.get("msgctxt", ""), current["msgid"])] = dict(current)

    for line in [*text.splitlines(), ""]:
        if line.startswith("#~"):
            continue
        if not line.strip():
            flush()
            current, flags, keyword = {}, [], ""
        elif line.startswith("#,"):
            flags.append(line)
        elif match := ENTRY.match(line):
            keyword = match.group(1)
            current[keyword] = ast.literal_eval(match.group(2))
        elif (match := CONTINUATION.match(line)) and keyword:
            current[keyword] += ast.literal_eval(match.group(1))
    return found


def extracted_messages() -> set[tuple[str, str]]:
    original = CATALOG.read_bytes()
    try:
        subprocess.run(  # noqa: S603 - our own console script
            [
                str(KAM),
                "makemessages",
                "-l",
                "zh_Hans",
                "--no-obsolete",
                "--no-location",
                "--no-wrap",
                "--verbosity",
                "0",
            ],
            cwd=SOURCE,
            check=True,
        )
        return set(entries(CATALOG.read_text(encoding="utf-8")))
    finally:
        CATALOG.write_bytes(original)


def main() -> int:
    if not CATALOG.exists():
        print(f"missing catalog {CATALOG}; run `make catalog`")
        return 1
    problems: list[str] = []
    committed = entries(CATALOG.read_text(encoding="utf-8"))
    missing = extracted_messages() - set(committed)
    problems += [
        f"not in the catalog (run `make catalog`): {msgid!r}" for _, msgid in sorted(missing)
    ]
    for (_, msgid), entry in sorted(committed.items()):
        translations = [value for key, value in entry.items() if key.startswith("msgstr")]
        if entry["fuzzy"]:
            problems.append(f"fuzzy: {msgid!r}")
        elif not translations or not all(translations):
            problems.append(f"untranslated: {msgid!r}")
    msgfmt = ["msgfmt", "--check", "--statistics", "-o", "/dev/null", str(CATALOG)]
    check = subprocess.run(msgfmt, capture_output=True, text=True, check=False)  # noqa: S603
    if check.returncode != 0:
        problems.append(check.stderr.strip())
    for problem in problems:
        print(problem)
    if problems:
        print(f"zh-hans catalog: {len(problems)} problem(s)")
        return 1
    print(f"zh-hans catalog complete: {len(committed)} messages")
    return 0


if __name__ == "__main__":
    sys.exit(main())
