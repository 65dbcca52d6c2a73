"""The account page's change history, told by every app that keeps something of the account.

Field edits, team changes, estimates, notes and key-status decisions belong to accounts;
overrides and re-scores to the portfolio, imports to the ledger — apps above accounts (the
imports run one way, ARCHITECTURE). Each of those registers a source here from its
AppConfig.ready(); the account page merges whatever is registered, newest first.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import TYPE_CHECKING

from django.utils.functional import Promise
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from kam.accounts.selectors import HistoryEntry, account_history

if TYPE_CHECKING:
    from kam.accounts.models import Account

# (account, limit) → the source's newest `limit` entries of the account.
HistorySource = Callable[["Account", int], Iterable[HistoryEntry]]

KINDS: dict[str, str | Promise] = {
    "edit": gettext_lazy("edit"),
    "note": gettext_lazy("note"),
    "key_status": gettext_lazy("key status"),
    "override": gettext_lazy("override"),
    "import": gettext_lazy("import"),
    "rescore": gettext_lazy("re-score"),
}

_sources: dict[str, HistorySource] = {}


def register_history(key: str, source: HistorySource) -> None:
    """Add (or, under the same key, replace) a source of the account's history."""
    _sources[key] = source


def registered_history() -> list[str]:
    return sorted(_sources)


def kind_label(kind: str) -> str:
    return str(KINDS.get(kind, kind))


def _notes_and_decisions(account: Account, limit: int) -> Iterable[HistoryEntry]:
    for note in account.notes.select_related("author").order_by("-created_at")[:limit]:
        who = note.author.display_name if note.author else _("system")
        yield HistoryEntry(note.created_at, who, _("wrote a note"), (), "note", note.body[:300])
    decisions = account.key_status_changes.select_related("decided_by").order_by("-decided_at")
    for decision in decisions[:limit]:
        who = decision.decided_by.display_name if decision.decided_by else _("system")
        action = (
            _("confirmed key-account status")
            if decision.is_key
            else _("withdrew key-account status")
        )
        yield HistoryEntry(decision.decided_at, who, action, (), "key_status", decision.reason)


register_history("accounts", _notes_and_decisions)


def account_timeline(*, account: Account, limit: int = 50) -> list[HistoryEntry]:
    """Everything recorded of the account, newest first: field edits and every registered
    source (docs/rules.md "Change history")."""
    entries = list(account_history(account=account, limit=limit))
    for key in registered_history():
        entries.extend(_sources[key](account, limit))
    entries.sort(key=lambda entry: entry.at, reverse=True)
    return entries[:limit]
