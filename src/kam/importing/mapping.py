"""Match a file's column names to kam's fields, case- and space-insensitively (no Django)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from kam.importing.messages import gettext_noop
from kam.importing.reading import FileRejected
from kam.importing.values import normalise_header


@dataclass(frozen=True)
class ColumnMap:
    """kam field → index of the file's column."""

    columns: Mapping[str, int]

    def has(self, field: str) -> bool:
        return field in self.columns


def parse_map_options(options: Sequence[str]) -> dict[str, str]:
    """`--map SRC=DST` options: the file's column SRC holds kam's field DST."""
    pairs: dict[str, str] = {}
    for option in options:
        source, separator, target = option.partition("=")
        if not separator or not source.strip() or not target.strip():
            raise FileRejected(
                gettext_noop("--map needs SOURCE=FIELD, not %(option)r"), option=option
            )
        pairs[source.strip()] = target.strip()
    return pairs


def match_columns(
    header: Sequence[str],
    fields: Mapping[str, tuple[str, ...]],
    required: Sequence[str],
    explicit: Mapping[str, str] | None = None,
) -> ColumnMap:
    """Map header columns to fields: explicit pairs first, then names and aliases.

    Raises FileRejected naming unknown targets, missing sources and missing required fields.
    """
    normalised = [normalise_header(name) for name in header]
    columns: dict[str, int] = {}
    for source, target in (explicit or {}).items():
        if target not in fields:
            raise FileRejected(
                gettext_noop("--map target %(target)r is not one of: %(fields)s"),
                target=target,
                fields=", ".join(fields),
            )
        key = normalise_header(source)
        if key not in normalised:
            raise FileRejected(
                gettext_noop(
                    "--map source %(source)r is not a column of the file (columns: %(columns)s)"
                ),
                source=source,
                columns=", ".join(header),
            )
        columns[target] = normalised.index(key)
    taken = set(columns.values())
    for field, aliases in fields.items():
        if field in columns:
            continue
        for alias in aliases:
            key = normalise_header(alias)
            if key in normalised and normalised.index(key) not in taken:
                columns[field] = normalised.index(key)
                taken.add(columns[field])
                break
    missing = [field for field in required if field not in columns]
    if missing:
        raise FileRejected(
            gettext_noop(
                "no column for %(missing)s; the file has: %(columns)s. "
                'Name the columns, e.g. --map "Kunde=account_code"'
            ),
            missing=", ".join(missing),
            columns=", ".join(header),
        )
    return ColumnMap(columns)
