"""The account's timeline: everything recorded of it, told by every app that keeps something
of the account (docs/rules.md "Change history", DOMAIN §9).

Field edits, team changes, estimates, notes and key-status decisions belong to accounts;
overrides and re-scores to the portfolio, imports to the ledger, the buying centre to
relationships, alerts to kam.alerts, activities, complaints, surveys, trainings and competitor
moves to engagement — apps above accounts (the imports run one way, ARCHITECTURE). Each of
those registers a source here from its AppConfig.ready(), declaring the kinds it tells.

A source is called as ``source(account, limit, kinds, before)``: at most ``limit`` of its
newest entries of the account older than the cursor ``before`` (keyset on (at, key), never an
OFFSET), only of ``kinds`` when given, filtered in SQL so that one page costs the same few
queries whatever the account's size. A source that reads rows which may tell nothing (a
history row whose change is told elsewhere) returns a :class:`Batch` with the horizon it read
down to, so the merged page never runs past what it has seen.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from django.db.models import Q, QuerySet
from django.utils import timezone
from django.utils.functional import Promise
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from kam.accounts.selectors import HistoryEntry, account_history_page

if TYPE_CHECKING:
    from kam.accounts.models import Account

EPOCH = dt.datetime(1970, 1, 1, tzinfo=dt.UTC)
MAX_LIMIT = 200


@dataclass(frozen=True, order=True)
class Cursor:
    """A position in the timeline: the (at, key) of the last entry shown. Written for URLs
    as ``<microseconds since 1970>_<key>``."""

    at: dt.datetime
    key: str

    def __str__(self) -> str:
        return f"{(self.at - EPOCH) // dt.timedelta(microseconds=1)}_{self.key}"

    @classmethod
    def parse(cls, text: str) -> Cursor:
        """The cursor written by str(); ValueError when it is not one."""
        stamp, sep, key = text.partition("_")
        if not sep or not key or not stamp.lstrip("-").isdigit() or len(key) > 80:
            raise ValueError(text)
        return cls(EPOCH + dt.timedelta(microseconds=int(stamp)), key)

    @classmethod
    def of(cls, entry: HistoryEntry) -> Cursor:
        return cls(entry.at, entry.key)


@dataclass(frozen=True)
class Kind:
    """A kind of timeline entry: its key (the filter's word), label, icon and colour."""

    key: str
    label: str | Promise
    icon: str = "•"
    colour: str = "slate"  # a kam.css timeline colour: slate, blue, green, amber, red, violet…


@dataclass
class Batch:
    """A source's entries with the position it read down to, when it may have more below
    (rows read that told nothing). Iterates as its entries."""

    entries: list[HistoryEntry]
    horizon: Cursor | None = None

    def __iter__(self) -> Iterator[HistoryEntry]:
        return iter(self.entries)

    def __reversed__(self) -> Iterator[HistoryEntry]:
        return reversed(self.entries)

    def __len__(self) -> int:
        return len(self.entries)


HistorySource = Callable[
    ["Account", int, "set[str] | None", "Cursor | None"], Iterable[HistoryEntry]
]

KINDS: dict[str, Kind] = {}
_sources: dict[str, tuple[HistorySource, tuple[str, ...]]] = {}


def register_kinds(*kinds: Kind) -> None:
    for kind in kinds:
        KINDS[kind.key] = kind


def register_history(key: str, source: HistorySource, kinds: Iterable[Kind] = ()) -> None:
    """Add (or, under the same key, replace) a source of the account's timeline, telling the
    kinds it may give (a source whose kinds are all filtered out is not asked)."""
    declared = tuple(kinds)
    register_kinds(*declared)
    _sources[key] = (source, tuple(kind.key for kind in declared))


def registered_history() -> list[str]:
    return sorted(_sources)


def timeline_kinds() -> list[Kind]:
    """Every kind a registered source gives, in the order they were registered."""
    wanted = {key for _source, keys in _sources.values() for key in keys}
    return [kind for key, kind in KINDS.items() if key in wanted]


def kind_label(kind: str) -> str:
    found = KINDS.get(kind)
    return str(found.label) if found else kind


def entry_key(prefix: str, pk: int, part: int = 0) -> str:
    """The tiebreak of an entry: its stream, its row, its part of the row — ordered as text
    the way the rows are ordered as numbers."""
    return f"{prefix}:{pk:012d}.{part:02d}"


def _split(key: str) -> tuple[str, int, str]:
    """The cursor key's stream, row number and the row's comparison: a cursor at a row's
    first part has shown all of the row (its later parts sort before it, newest first)."""
    prefix, _sep, rest = key.rpartition(":")
    number, _dot, part = rest.partition(".")
    lookup = "lt" if part.strip("0") == "" else "lte"
    return prefix, int(number) if number.isdigit() else 0, lookup


def keyset(
    queryset: QuerySet[Any], at: str, prefix: str, before: Cursor | None, pk: str = "pk"
) -> QuerySet[Any]:
    """The rows of a stream before the cursor, newest first: (at, key) below the cursor's.
    Rows at the cursor's very moment are kept by their key (the cursor's own row too when
    the cursor stopped inside it: its earlier parts are still due)."""
    ordered = queryset.order_by(f"-{at}", f"-{pk}")
    if before is None:
        return ordered
    condition = Q(**{f"{at}__lt": before.at})
    cursor_prefix, number, lookup = _split(before.key)
    if prefix < cursor_prefix:
        condition |= Q(**{at: before.at})
    elif prefix == cursor_prefix:
        condition |= Q(**{at: before.at, f"{pk}__{lookup}": number})
    return ordered.filter(condition)


def day_start(day: dt.date) -> dt.datetime:
    """The moment that dates a record kept by the day: the day's start, in the site's zone."""
    return timezone.make_aware(dt.datetime.combine(day, dt.time.min))


def keyset_by_day(
    queryset: QuerySet[Any], on: str, prefix: str, before: Cursor | None, pk: str = "pk"
) -> QuerySet[Any]:
    """keyset() for a stream dated by a DateField, its entries at the day's start."""
    ordered = queryset.order_by(f"-{on}", f"-{pk}")
    if before is None:
        return ordered
    day = timezone.localtime(before.at).date()
    if day_start(day) < before.at:
        return ordered.filter(**{f"{on}__lte": day})
    condition = Q(**{f"{on}__lt": day})
    cursor_prefix, number, lookup = _split(before.key)
    if prefix < cursor_prefix:
        condition |= Q(**{on: day})
    elif prefix == cursor_prefix:
        condition |= Q(**{on: day, f"{pk}__{lookup}": number})
    return ordered.filter(condition)


def wants(kinds: set[str] | None, kind: str) -> bool:
    return kinds is None or kind in kinds


def who(user: Any) -> str:
    """A user's name in the timeline, "system" when none acted."""
    return str(getattr(user, "display_name", "") or "") or _("system")


@dataclass(frozen=True)
class TimelinePage:
    entries: list[HistoryEntry]
    next_cursor: Cursor | None
    kinds: list[Kind] = field(default_factory=list)
    selected: frozenset[str] | None = None


def parse_kinds(text: str | None) -> set[str] | None:
    """The kinds of a ``kinds=a,b`` filter; None for all; ValueError naming unknown ones."""
    words = {word.strip() for word in (text or "").split(",") if word.strip()}
    if not words:
        return None
    known = {kind.key for kind in timeline_kinds()}
    unknown = sorted(words - known)
    if unknown:
        raise ValueError(", ".join(unknown))
    return words


def timeline_page(
    *,
    account: Account,
    limit: int = 50,
    kinds: set[str] | None = None,
    before: Cursor | None = None,
) -> TimelinePage:
    """One page of the account's timeline, newest first, of the kinds asked, older than the
    cursor, with the cursor of the next page when there is one (docs/rules.md "Change
    history"). Each source is asked once, for one more entry than the page holds."""
    limit = max(1, min(limit, MAX_LIMIT))
    entries: list[HistoryEntry] = []
    horizon: Cursor | None = None
    for key in registered_history():
        source, declared = _sources[key]
        if kinds is not None and declared and not kinds.intersection(declared):
            continue
        result = source(account, limit + 1, kinds, before)
        entries.extend(result)
        reached = getattr(result, "horizon", None)
        if reached is not None and (horizon is None or reached > horizon):
            horizon = reached
    if kinds is not None:
        entries = [entry for entry in entries if entry.kind in kinds]
    if before is not None:
        entries = [entry for entry in entries if Cursor.of(entry) < before]
    entries.sort(key=Cursor.of, reverse=True)
    more = len(entries) > limit
    if horizon is not None:
        seen = [entry for entry in entries if Cursor.of(entry) >= horizon]
        more = True  # the source read a full batch: it may have more below
        entries = seen
    page = entries[:limit]
    next_cursor = None
    if more:
        next_cursor = Cursor.of(page[-1]) if page else horizon
    return TimelinePage(
        page,
        next_cursor,
        timeline_kinds(),
        frozenset(kinds) if kinds is not None else None,
    )


def account_timeline(
    *,
    account: Account,
    limit: int = 50,
    kinds: set[str] | None = None,
    before: Cursor | None = None,
) -> list[HistoryEntry]:
    """The entries of timeline_page(): everything recorded of the account, newest first."""
    return timeline_page(account=account, limit=limit, kinds=kinds, before=before).entries


ACCOUNT_KINDS = (
    Kind("edit", gettext_lazy("edit"), "✎", "slate"),
    Kind("note", gettext_lazy("note"), "✍", "blue"),
    Kind("key_status", gettext_lazy("key status"), "★", "amber"),
)


def _account_source(
    account: Account, limit: int, kinds: set[str] | None, before: Cursor | None
) -> Iterable[HistoryEntry]:
    entries: list[HistoryEntry] = []
    horizon: Cursor | None = None
    if wants(kinds, "edit"):
        batch = account_history_page(account=account, limit=limit, before=before)
        entries.extend(batch.entries)
        horizon = batch.horizon
    if wants(kinds, "note"):
        notes = keyset(account.notes.select_related("author"), "created_at", "note", before)
        for note in notes[:limit]:
            entries.append(
                HistoryEntry(
                    note.created_at,
                    who(note.author),
                    _("wrote a note"),
                    (),
                    "note",
                    note.body[:300],
                    key=entry_key("note", note.pk),
                    link=f"#note-{note.pk}",
                )
            )
    if wants(kinds, "key_status"):
        decisions = keyset(
            account.key_status_changes.select_related("decided_by"),
            "decided_at",
            "key_status",
            before,
        )
        for decision in decisions[:limit]:
            action = (
                _("confirmed key-account status")
                if decision.is_key
                else _("withdrew key-account status")
            )
            entries.append(
                HistoryEntry(
                    decision.decided_at,
                    who(decision.decided_by),
                    action,
                    (),
                    "key_status",
                    decision.reason,
                    key=entry_key("key_status", decision.pk),
                )
            )
    return Batch(entries, horizon)


register_history("accounts", _account_source, ACCOUNT_KINDS)


def timeline_asked(
    *, account: Account, kinds: str | None, before: str | None, limit: int = 50
) -> TimelinePage:
    """timeline_page() for the words of a request (``kinds=a,b``, ``before=<cursor>``); an
    unknown kind or a cursor that is not one is InvalidInput naming its field."""
    from kam.core.errors import InvalidInput

    try:
        chosen = parse_kinds(kinds)
    except ValueError as error:
        raise InvalidInput(
            _("Unknown kind: %(kinds)s.") % {"kinds": error}, field="kinds"
        ) from None
    cursor = None
    if before:
        try:
            cursor = Cursor.parse(before)
        except (ValueError, OverflowError):
            raise InvalidInput(
                _("Not a timeline position; use the next_before of a page."), field="before"
            ) from None
    if not 1 <= limit <= MAX_LIMIT:
        raise InvalidInput(_("Ask for 1 to %(most)s entries.") % {"most": MAX_LIMIT}, field="limit")
    return timeline_page(account=account, limit=limit, kinds=chosen, before=cursor)
