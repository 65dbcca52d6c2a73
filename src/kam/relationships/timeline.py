"""The buying centre's entries in the account's change history (kam.accounts.timeline):
people added, edited, moved in the reporting lines, left, returned, merged and deleted, and
influence links added, changed and removed — each with who and when (DOMAIN §7).

Told from django-simple-history's rows, a page at a time (keyset on the rows' dates): each
row comes with its previous version, names come from the history too, so a deleted person is
still named — five queries a page whatever the buying centre's size.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import replace
from typing import Any

from django.db.models import OuterRef, Subquery
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from kam.accounts.models import Account
from kam.accounts.selectors import HistoryChange, HistoryEntry
from kam.accounts.timeline import Batch, Cursor, Kind, entry_key, keyset, wants
from kam.relationships.models import Contact, InfluenceLink
from kam.relationships.services import EDITABLE

CONTACT = "contact"
LINK = "influence_link"
KINDS = (
    Kind(CONTACT, gettext_lazy("contact"), "☺", "green"),
    Kind(LINK, gettext_lazy("influence link"), "⇢", "green"),
)
LINK_FIELDS = ("source", "target", "kind", "strength", "note")
NONE = "—"


def _who(record: Any) -> str:
    user = record.history_user
    return str(user.display_name) if user is not None else _("system")


def _field_name(model: type[Any], field: str) -> str:
    return str(model._meta.get_field(field).verbose_name)


def _shown(model: type[Any], field: str, value: Any, names: dict[int, str]) -> str:
    if value is None or value == "":
        return NONE
    if field in {"reports_to", "source", "target", "merged_into"}:
        return names.get(value, f"#{value}")
    choices = model._meta.get_field(field).choices
    if choices:
        return str(dict(choices).get(value, value))
    if isinstance(value, dt.date):
        return value.isoformat()
    return str(value)


def _value(record: Any, field: str) -> Any:
    return getattr(record, f"{field}_id" if field in {"reports_to", "merged_into"} else field)


def _contact_entries(record: Any, previous: Any, names: dict[int, str]) -> list[HistoryEntry]:
    at, who, name = record.history_date, _who(record), record.name

    def entry(action: str, changes: Iterable[HistoryChange] = ()) -> HistoryEntry:
        return HistoryEntry(at, who, action, tuple(changes), CONTACT)

    if record.history_type == "+":
        return [entry(_("added %(name)s to the buying centre") % {"name": name})]
    if record.history_type == "-":
        return [entry(_("deleted %(name)s") % {"name": name})]
    if previous is None:
        return []
    if previous.merged_into_id is None and record.merged_into_id is not None:
        kept = names.get(record.merged_into_id, f"#{record.merged_into_id}")
        return [entry(_("merged %(duplicate)s into %(kept)s") % {"duplicate": name, "kept": kept})]

    def change(field: str) -> HistoryChange:
        return HistoryChange(
            _field_name(Contact, field),
            _shown(Contact, field, _value(previous, field), names),
            _shown(Contact, field, _value(record, field), names),
        )

    entries = []
    edited = [field for field in EDITABLE if _value(previous, field) != _value(record, field)]
    if edited:
        entries.append(entry(_("changed %(name)s") % {"name": name}, map(change, edited)))
    if previous.reports_to_id != record.reports_to_id:
        entries.append(
            entry(_("changed whom %(name)s reports to") % {"name": name}, [change("reports_to")])
        )
    if previous.active and not record.active:
        entries.append(entry(_("marked %(name)s as left") % {"name": name}, [change("left_on")]))
    elif record.active and not previous.active:
        entries.append(entry(_("marked %(name)s as returned") % {"name": name}))
    return entries


def _link_label(record: Any, names: dict[int, str]) -> str:
    return _("%(source)s %(kind)s %(target)s (strength %(strength)s)") % {
        "source": names.get(record.source_id, f"#{record.source_id}"),
        "kind": _shown(InfluenceLink, "kind", record.kind, names).lower(),
        "target": names.get(record.target_id, f"#{record.target_id}"),
        "strength": record.strength,
    }


def _link_entry(record: Any, previous: Any, names: dict[int, str]) -> HistoryEntry | None:
    label = _("influence link")
    if record.history_type == "+":
        action, changes = (
            _("added an influence link"),
            [HistoryChange(label, NONE, _link_label(record, names))],
        )
    elif record.history_type == "-":
        action, changes = (
            _("removed an influence link"),
            [HistoryChange(label, _link_label(record, names), NONE)],
        )
    elif previous is not None:
        fields = [f for f in LINK_FIELDS if _link_value(previous, f) != _link_value(record, f)]
        if not fields:
            return None
        action = _("changed the influence link %(link)s") % {"link": _link_label(record, names)}
        changes = [
            HistoryChange(
                _field_name(InfluenceLink, f),
                _shown(InfluenceLink, f, _link_value(previous, f), names),
                _shown(InfluenceLink, f, _link_value(record, f), names),
            )
            for f in fields
        ]
    else:
        return None
    return HistoryEntry(record.history_date, _who(record), action, tuple(changes), LINK)


def _link_value(record: Any, field: str) -> Any:
    return getattr(record, f"{field}_id" if field in {"source", "target"} else field)


def _with_previous(history: Any, account: Account, stream: str, limit: int, before: Any) -> Any:
    """The stream's rows before the cursor, newest first, each with its previous version's
    history id (a subquery, so one query), and the previous versions (a second query)."""
    previous_id = (
        history.filter(id=OuterRef("id"), history_id__lt=OuterRef("history_id"))
        .order_by("-history_id")
        .values("history_id")[:1]
    )
    rows = list(
        keyset(
            history.filter(account_id=account.pk)
            .select_related("history_user")
            .annotate(previous_id=Subquery(previous_id)),
            "history_date",
            stream,
            before,
            pk="history_id",
        )[:limit]
    )
    wanted = [row.previous_id for row in rows if row.previous_id]
    previous = (
        {row.history_id: row for row in history.filter(history_id__in=wanted)} if wanted else {}
    )
    return rows, previous


def _names(ids: set[int]) -> dict[int, str]:
    """Each person's latest name, even after they were deleted: one query."""
    if not ids:
        return {}
    rows = Contact.history.filter(id__in=ids).order_by("id", "history_id")
    return dict(rows.values_list("id", "name"))


def relationships_history(
    account: Account, limit: int, kinds: set[str] | None = None, before: Any = None
) -> Batch:
    """The buying centre's changes at the account, newest first, older than the timeline
    cursor, at most `limit` rows of each of people and links read (§7): five queries."""
    people: list[Any] = []
    people_before: dict[int, Any] = {}
    links: list[Any] = []
    links_before: dict[int, Any] = {}
    if wants(kinds, CONTACT):
        people, people_before = _with_previous(Contact.history, account, CONTACT, limit, before)
    if wants(kinds, LINK):
        links, links_before = _with_previous(InfluenceLink.history, account, LINK, limit, before)
    ids: set[int] = set()
    for record in [*people, *people_before.values()]:
        ids.update(i for i in (record.id, record.reports_to_id, record.merged_into_id) if i)
    for record in [*links, *links_before.values()]:
        ids.update((record.source_id, record.target_id))
    names = _names(ids)
    entries: list[HistoryEntry] = []
    horizon: Cursor | None = None
    for stream, rows, earlier, tell in (
        (CONTACT, people, people_before, _contact_entries),
        (LINK, links, links_before, _link_entries),
    ):
        for record in rows:
            told = tell(record, earlier.get(record.previous_id), names)
            link = reverse("relationship_map", args=[account.pk])
            for part, found in enumerate(told):
                entries.append(
                    replace(found, key=entry_key(stream, record.history_id, part), link=link)
                )
        if len(rows) >= limit:
            oldest = rows[-1]
            reached = Cursor(oldest.history_date, entry_key(stream, oldest.history_id))
            horizon = reached if horizon is None or reached > horizon else horizon
    entries.sort(key=lambda entry: (entry.at, entry.key), reverse=True)
    return Batch(entries, horizon)


def _link_entries(record: Any, previous: Any, names: dict[int, str]) -> list[HistoryEntry]:
    found = _link_entry(record, previous, names)
    return [found] if found is not None else []
