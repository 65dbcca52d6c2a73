"""The importers kam knows: each app registers its own, `kam import KIND`, the upload page and
`POST /imports` find them here (no Django).

An app declares its importer once in its `importing.py` (kind, fields and their aliases, the
required ones, the service that loads a file, the CLI's summary, its extra options) and calls
`register` from its AppConfig.ready(), so a new app adds an importer without touching another.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from kam.importing.messages import ImportMessage, gettext_noop
from kam.importing.results import ProgressCallback

UNKNOWN_KIND = gettext_noop("unknown import kind %(kind)r; kam imports: %(kinds)s")


@dataclass(frozen=True)
class Option:
    """An option only some importers take (`--no-create-accounts`, `--encoding` …).

    `name` is the loader's keyword; a `switch` option is a boolean that the CLI flag `flag`
    sets to the opposite of `default`.
    """

    name: str
    flag: str
    help: str
    switch: bool = False
    default: Any = None
    label: str = ""  # the upload page's label (a switch's checkbox); none: not on the page


@dataclass(frozen=True)
class ImportRequest:
    """One file to load, and how: what an importer's `load` receives."""

    actor: Any  # the acting user; None only for an importer that allows `anonymous`
    path: Path
    file_name: str
    mapping: Mapping[str, str] | None = None
    date_format: str | None = None
    dry_run: bool = False
    progress: ProgressCallback | None = None
    options: Mapping[str, Any] = field(default_factory=dict)


# Every importer takes it (docs/rules.md "Total rows"): an ERP export often ends with its sum.
SKIP_TOTAL_ROWS = Option(
    "skip_total_rows",
    "--skip-total-rows",
    "Skip rows that total the others (a cell reads 合计, 小计, Total, Subtotal …) instead"
    " of rejecting the file.",
    switch=True,
    default=False,
    label=gettext_noop("Skip total rows (合计, Total, Subtotal …)"),
)


def master_data_loader(load: Callable[..., Any]) -> Callable[[ImportRequest], Any]:
    """An importer's `load` for a master-data import service that takes the common keywords
    (actor, path, mapping, date_format, dry_run, skip_total_rows), as accounts, contacts and
    costs do."""

    def load_request(request: ImportRequest) -> Any:
        return load(
            actor=request.actor,
            path=request.path,
            mapping=dict(request.mapping) if request.mapping else None,
            date_format=request.date_format,
            dry_run=request.dry_run,
            skip_total_rows=bool(request.options.get("skip_total_rows", False)),
        )

    return load_request


@dataclass(frozen=True)
class Importer:
    """One kind of file kam imports. `load` returns a result with `status` (imported,
    rejected, dry_run, or an importer's own), `rows_read` and `errors` (RowError), and
    `error_count` when it counts more errors than it lists; `summary` words that result for
    the CLI: its first line summarises, the others follow it."""

    kind: str
    label: str  # marked with gettext_noop; translated where shown
    aliases: Mapping[str, tuple[str, ...]]  # kam's field → the column names that mean it
    required: tuple[str, ...]
    load: Callable[[ImportRequest], Any]
    summary: Callable[[Any], list[str]]
    options: tuple[Option, ...] = ()
    labels: Mapping[str, str] = field(default_factory=dict)  # field → page label (noop)
    help: str = ""  # the CLI's one-line description
    date_help: str = ""  # what --date-format reads
    user_help: str = ""  # who --user is
    anonymous: bool = False  # may run without a user (a system export run by cron)
    # Raises when the user may not use this importer at all, so an upload is refused at once
    # rather than by its background job; the loader checks again.
    authorize: Callable[[Any], None] | None = None

    @property
    def fields(self) -> tuple[str, ...]:
        return tuple(self.aliases)


class UnknownKind(ImportMessage):
    """No importer is registered for the kind asked for."""


_importers: dict[str, Importer] = {}


def register(importer: Importer) -> Importer:
    """Make `importer` known by its kind (an app's AppConfig.ready(); again is a no-op)."""
    _importers[importer.kind] = importer
    return importer


def importer_for(kind: str) -> Importer:
    """The importer of `kind`; raises UnknownKind naming the kinds there are."""
    try:
        return _importers[kind]
    except KeyError:
        raise UnknownKind(UNKNOWN_KIND, kind=kind, kinds=", ".join(kinds())) from None


def kinds() -> tuple[str, ...]:
    """The registered kinds, in the order they were registered."""
    return tuple(_importers)


def importers() -> tuple[Importer, ...]:
    return tuple(_importers[kind] for kind in kinds())
