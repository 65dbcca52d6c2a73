"""A checked contacts file written (DOMAIN §7) through the store's bulk path with history: the
new contacts and links get their keys first (so each new contact is written once, with its
reporting line, and has one history row), known contacts are written only where a cell
changed them; then each account touched is told once."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field

from kam.accounts.models import Account
from kam.core.bulk import history_copy, insert_objects, reserve_ids, update_objects
from kam.org.models import User
from kam.relationships.importing.cells import DEFAULT_STRENGTH, UPDATABLE, FileRow, tracked
from kam.relationships.importing.people import Plan
from kam.relationships.models import Contact, InfluenceLink
from kam.relationships.signals import contacts_changed


@dataclass
class Written:
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    links_added: int = 0
    links_changed: int = 0
    accounts: set[int] = field(default_factory=set)


def write_file(actor: User, rows: list[FileRow], plan: Plan, *, notify: bool = True) -> Written:
    """Write the rows and their lines; the caller holds the transaction. `notify`: send
    `contacts_changed` for each account touched (not for a dry run)."""
    written = Written()
    new = [row for row in rows if row.node < 0]
    keys = dict(zip([row.node for row in new], reserve_ids(Contact, len(new)), strict=True))

    def pk_of(node: int) -> int:
        return node if node > 0 else keys[node]

    for row in new:
        row.contact.pk = keys[row.node]
        written.accounts.add(row.contact.account_id)
    for row in rows:
        if row.node in plan.bosses:
            row.contact.reports_to_id = pk_of(plan.bosses[row.node])
    # Foreign keys are checked at commit, so a contact may come before its boss.
    insert_objects(Contact, [row.contact for row in new])
    history_copy(Contact, list(keys.values()), user_id=actor.pk, history_type="+")
    # Only the columns a row changed: a re-import that changes a title writes titles.
    by_columns: dict[tuple[str, ...], list[Contact]] = defaultdict(list)
    for row in rows:
        if row.node > 0 and row.before is not None:
            after = tracked(row.contact)
            columns = tuple(
                name
                for name, old, new in zip(UPDATABLE, row.before, after, strict=True)
                if old != new
            )
            if columns:
                by_columns[columns].append(row.contact)
    for columns, contacts in by_columns.items():
        update_objects(Contact, contacts, columns)
    changed = [contact for contacts in by_columns.values() for contact in contacts]
    history_copy(Contact, [contact.pk for contact in changed], user_id=actor.pk)
    written.accounts.update(contact.account_id for contact in changed)
    written.created, written.updated = len(new), len(changed)
    written.unchanged = len(rows) - written.created - written.updated
    _links(actor, rows, plan, pk_of, written)
    if notify and written.accounts:
        for account in Account.objects.filter(pk__in=written.accounts):
            contacts_changed.send(Contact, account=account, actor=actor)
    return written


def _links(
    actor: User, rows: list[FileRow], plan: Plan, pk_of: Callable[[int], int], written: Written
) -> None:
    """Add the links the file draws; one it draws again keeps kam's, but for a strength the
    row gives."""
    if not plan.links:
        return
    account_of = {row.node: row.contact.account_id for row in rows}
    existing = {
        (source, target, kind): (pk, account_id, strength)
        for pk, account_id, source, target, kind, strength in InfluenceLink.objects.filter(
            account_id__in=set(account_of.values())
        ).values_list("pk", "account_id", "source_id", "target_id", "kind", "strength")
    }
    added: dict[tuple[int, int, str], InfluenceLink] = {}
    changed: list[InfluenceLink] = []
    for source, target, kind, strength in plan.links:
        key = (pk_of(source), pk_of(target), kind)
        known = existing.get(key)
        if known is None and key not in added:
            added[key] = InfluenceLink(
                account_id=account_of[source],
                source_id=key[0],
                target_id=key[1],
                kind=kind,
                strength=strength or DEFAULT_STRENGTH,
            )
        elif known is not None and strength is not None and known[2] != strength:
            changed.append(InfluenceLink(pk=known[0], account_id=known[1], strength=strength))
    new = list(added.values())
    for link, pk in zip(new, reserve_ids(InfluenceLink, len(new)), strict=True):
        link.pk = pk
    insert_objects(InfluenceLink, new)
    history_copy(InfluenceLink, [link.pk for link in new], user_id=actor.pk, history_type="+")
    update_objects(InfluenceLink, changed, ["strength"])
    history_copy(InfluenceLink, [link.pk for link in changed], user_id=actor.pk)
    written.links_added, written.links_changed = len(new), len(changed)
    written.accounts.update(link.account_id for link in [*new, *changed])
