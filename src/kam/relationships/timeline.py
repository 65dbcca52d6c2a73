"""The buying centre's entries in the account's change history (kam.accounts.timeline):
people added, edited, moved in the reporting lines, left, returned, merged and deleted, and
influence links added, changed and removed — each with who and when (DOMAIN §7).

Told from django-simple-history's rows: two queries per account whatever its size (the
contacts' rows and the links' rows, each with its author); names come from the rows too, so
a deleted person is still named.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from typing import Any

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from kam.accounts.models import Account
from kam.accounts.selectors import HistoryChange, HistoryEntry
from kam.relationships.models import Contact, InfluenceLink
from kam.relationships.services import EDITABLE

CONTACT = "contact"
LINK = "influence_link"
KINDS = {CONTACT: gettext_lazy("contact"), LINK: gettext_lazy("influence link")}
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


def relationships_history(account: Account, limit: int) -> list[HistoryEntry]:
    """The buying centre's changes at the account, newest first, at most `limit` (§7)."""
    people = list(
        Contact.history.filter(account_id=account.pk)
        .select_related("history_user")
        .order_by("id", "history_date", "history_id")
    )
    # A person's latest name, even after they were deleted.
    names = {record.id: record.name for record in people}
    entries: list[HistoryEntry] = []
    previous: Any = None
    for record in people:
        before = previous if previous is not None and previous.id == record.id else None
        entries.extend(_contact_entries(record, before, names))
        previous = record
    links = (
        InfluenceLink.history.filter(account_id=account.pk)
        .select_related("history_user")
        .order_by("id", "history_date", "history_id")
    )
    previous = None
    for record in links:
        before = previous if previous is not None and previous.id == record.id else None
        found = _link_entry(record, before, names)
        if found is not None:
            entries.append(found)
        previous = record
    entries.sort(key=lambda entry: entry.at, reverse=True)
    return entries[:limit]
