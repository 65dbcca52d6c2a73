"""A contacts file checked against the buying centres it lands in (DOMAIN §7), before anything
is written: the people of each account as they will be once the file is in — kam's contacts
the file leaves alone and the file's rows —, their phones (no two people share one), the
people each row names (its boss and whom it influences) and the reporting lines, which must
stay a tree. Contacts are nodes: a known contact by its id, a new one by minus its row."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field

from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from kam.importing.results import RowError
from kam.relationships.importing.cells import FileRow, Reading
from kam.relationships.phones import phone_key
from kam.relationships.reporting import cycles_in, reporting_cycle

UNKNOWN_PERSON = gettext_noop("no contact of this account with this name or email")
AMBIGUOUS_PERSON = gettext_noop(
    "several contacts of this account are called %(name)s: name the one meant by email"
)
OWN_BOSS = gettext_noop("a contact cannot report to themself")
OWN_INFLUENCE = gettext_noop("a contact cannot influence themself")
REPORTING_CYCLE = gettext_noop("makes a cycle of reporting lines: %(chain)s")
SAME_PHONE = gettext_noop("the same phone as row %(row)s")
PHONE_IN_KAM = gettext_noop(
    "the phone of %(name)s, already a contact of this account: merge the two contacts instead"
)


@dataclass(frozen=True)
class Person:
    account_id: int
    name: str
    row: int | None  # None: a contact the file leaves alone


@dataclass
class Plan:
    """What the file will write besides its contacts' cells: whom each row reports to and the
    links each row draws (node → node, kind, strength or None for kam's own)."""

    bosses: dict[int, int] = field(default_factory=dict)
    links: list[tuple[int, int, str, int | None]] = field(default_factory=list)


def plan_lines(reading: Reading, errors: list[RowError]) -> Plan:
    """The file's reporting lines and influence links, resolved to nodes; every row that names
    nobody, names itself, repeats another's phone or closes a reporting cycle is a row error."""
    rows = reading.rows
    centres = _Centres(reading, errors)
    plan = Plan()
    for row in rows:
        if row.reports_to is not None:
            boss = centres.resolve(row, "reports_to", row.reports_to)
            if boss == row.node:
                errors.append(RowError(row.row, "reports_to", _(OWN_BOSS), row.reports_to))
            elif boss is not None:
                plan.bosses[row.node] = boss
                centres.boss_of[row.node] = boss
        for text in row.influences:
            target = centres.resolve(row, "influences", text)
            if target == row.node:
                errors.append(RowError(row.row, "influences", _(OWN_INFLUENCE), text))
            elif target is not None:
                plan.links.append((row.node, target, row.influence_kind, row.influence_strength))
    _refuse_cycles(rows, plan, centres.boss_of, centres.people, errors)
    return plan


class _Centres:
    """The people of the file's accounts once the file is in: kam's contacts it leaves alone,
    then its rows; whom each reports to, and who is known by which email and name."""

    def __init__(self, reading: Reading, errors: list[RowError]) -> None:
        self.errors, self.refused, rows = errors, reading.refused, reading.rows
        in_file = {row.node for row in rows if row.node > 0}
        untouched = [contact for contact in reading.known.contacts if contact.pk not in in_file]
        self.people: dict[int, Person] = {}
        self.boss_of: dict[int, int | None] = {}
        self.emails: dict[tuple[int, str], int] = {}
        self.names: dict[tuple[int, str], list[int]] = defaultdict(list)
        phones: dict[tuple[int, str], int] = {}
        for node, contact, row in [
            *((contact.pk, contact, None) for contact in untouched),
            *((row.node, row.contact, row) for row in rows),
        ]:
            person = Person(contact.account_id, contact.name, row.row if row else None)
            self.people[node] = person
            self.boss_of[node] = contact.reports_to_id
            self.names[(contact.account_id, contact.name.casefold())].append(node)
            if contact.email:
                # A row's email is the one in force: kam's contact it renames keeps no other.
                self.emails[(contact.account_id, contact.email.lower())] = node
            key = phone_key(contact.phone)
            if not key:
                continue
            first = phones.setdefault((contact.account_id, key), node)
            if row is not None and first != node:
                errors.append(_phone_error(row, self.people[first]))

    def resolve(self, row: FileRow, column: str, text: str) -> int | None:
        """The one person of the row's account that `text` names (an email, else a name);
        None, with a row error, when nobody or several are."""
        account_id = row.contact.account_id
        if "@" in text:
            email = self.emails.get((account_id, text.lower()))
            found = [] if email is None else [email]
        else:
            found = self.names.get((account_id, text.casefold()), [])
        if len(found) == 1:
            return found[0]
        if not found and (account_id, text.casefold()) in self.refused:
            return None  # a bad row's person: that row's error says it all
        reason = _(AMBIGUOUS_PERSON) % {"name": text} if found else _(UNKNOWN_PERSON)
        self.errors.append(RowError(row.row, column, reason, text))
        return None


def _phone_error(row: FileRow, first: Person) -> RowError:
    if first.row is not None:
        return RowError(row.row, "phone", _(SAME_PHONE) % {"row": first.row}, row.contact.phone)
    return RowError(row.row, "phone", _(PHONE_IN_KAM) % {"name": first.name}, row.contact.phone)


def _refuse_cycles(
    rows: list[FileRow],
    plan: Plan,
    boss_of: dict[int, int | None],
    people: dict[int, Person],
    errors: list[RowError],
) -> None:
    """The file's lines with kam's stay a tree (§7): each row whose line closes a cycle is an
    error naming the chain from its person round to them again."""
    in_cycle = {node for cycle in cycles_in(boss_of) for node in cycle}
    for row in rows:
        boss = plan.bosses.get(row.node)
        if boss is None or row.node not in in_cycle:
            continue
        # reporting_cycle follows the lines from the boss and stops on reaching the row.
        chain = reporting_cycle(boss_of, row.node, boss) or []
        text = " → ".join(people[node].name if node in people else str(node) for node in chain)
        errors.append(
            RowError(
                row.row, "reports_to", _(REPORTING_CYCLE) % {"chain": text}, row.reports_to or ""
            )
        )
