"""A contacts file's rows read cell by cell (DOMAIN §7): one contact per good row, matched to
the contact kam knows (see the package docstring) or new, with the row's cells applied."""

from __future__ import annotations

import datetime as dt
import re
from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pyarrow as pa
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from kam.core.choices import choice_lookup
from kam.core.validators import in_calendar, outside_calendar_message
from kam.importing.results import RowError, unsafe_cells
from kam.importing.values import date_order, normalise_header, parse_dates
from kam.relationships.models import Attitude, BuyingRole, Contact, LinkKind

LIMITS = {
    "name": 200,
    "department": 200,
    "title": 200,
    "email": 254,
    "phone": 64,
    "wechat": 100,
    "address": 500,
    "notes": 5000,
}
# The columns that name an account or a person: no invisible or control characters in them.
IDENTIFYING = frozenset({"account", "name", "department", "title", "reports_to", "influences"})
RATINGS = ("influence", "closeness", "solution_approval", "price_acceptance")
ACTIVE_WORDS = {"active", "yes", "y", "true", "1", "在职", "是", "有效"}
LEFT_WORDS = {"left", "inactive", "no", "n", "false", "0", "离职", "否", "无效"}
# What an `influences` cell separates its people with: ; , 、 and the full-width ； ，.
PEOPLE_SEPARATOR = re.compile(r"[;,、；，]")
# Words a spreadsheet user writes for a link kind besides its code and labels.
KIND_WORDS = {
    "reports informally": LinkKind.REPORTS_INFORMALLY,
    "informal": LinkKind.REPORTS_INFORMALLY,
    "非正式汇报": LinkKind.REPORTS_INFORMALLY,
    "trust": LinkKind.TRUSTS,
    "信任": LinkKind.TRUSTS,
    "oppose": LinkKind.OPPOSES,
    "反对": LinkKind.OPPOSES,
}
DEFAULT_KIND = LinkKind.TRUSTS
DEFAULT_STRENGTH = 2
# The fields a known contact's row may change, and so what the import writes back.
UPDATABLE = [
    "name",
    "department",
    "title",
    "email",
    "phone",
    "phone_key",
    "wechat",
    "address",
    "notes",
    "buying_role",
    "influence",
    "attitude",
    "closeness",
    "solution_approval",
    "price_acceptance",
    "last_contact",
    "active",
    "left_on",
    "reports_to",
]

REQUIRED = gettext_noop("required")
NO_ACCOUNT = gettext_noop("no account with this code")
NOT_EMAIL = gettext_noop("not an email address")
REPEATS_ROW = gettext_noop("repeats row %(row)s")
SAME_EMAIL = gettext_noop("the same email as row %(row)s")
AMBIGUOUS_NAME = gettext_noop(
    "several contacts of this account are called %(name)s: add the email of the one meant"
)
ACTIVE_WITH_LEFT_ON = gettext_noop("a leaving date for a contact marked active")
NOT_STRENGTH = gettext_noop("not a strength from 1 to 3")


@dataclass
class FileRow:
    """One good row: its contact (known and loaded, or new and unsaved) with the cells applied,
    and the people it names."""

    row: int  # the file's row number (the header is row 1)
    node: int  # the contact in the file's graph: its id, or minus its row while it is new
    contact: Contact
    before: tuple[Any, ...] | None  # a known contact's UPDATABLE values before the file
    reports_to: str | None
    influences: list[str] = field(default_factory=list)
    influence_kind: str = DEFAULT_KIND
    influence_strength: int | None = None  # None: a new link's default, a known one's own


def tracked(contact: Contact) -> tuple[Any, ...]:
    """What a re-import compares to tell a changed contact from one left as it was."""
    return tuple(
        getattr(contact, f"{name}_id" if name == "reports_to" else name) for name in UPDATABLE
    )


class Known:
    """The contacts kam holds at the file's accounts, merged ones left out (§7: a contact
    merged away is never matched or updated)."""

    def __init__(self, account_ids: set[int]) -> None:
        self.contacts = list(
            Contact.objects.filter(account_id__in=account_ids, merged_into__isnull=True)
        )
        self.by_email: dict[tuple[int, str], Contact] = {}
        self.by_name: dict[tuple[int, str], list[Contact]] = defaultdict(list)
        for contact in self.contacts:
            if contact.email:
                self.by_email.setdefault((contact.account_id, contact.email.lower()), contact)
            self.by_name[(contact.account_id, contact.name.casefold())].append(contact)

    def match(self, account_id: int, name: str, email: str) -> list[Contact]:
        """The contact a row means: the one with its email; else those with its name (without
        an email of their own when the row has one). Several: the row must say which."""
        if email and (account_id, email) in self.by_email:
            return [self.by_email[(account_id, email)]]
        return [
            contact
            for contact in self.by_name.get((account_id, name.casefold()), [])
            if not (email and contact.email)
        ]


@dataclass(frozen=True)
class Reading:
    """The good rows, kam's contacts at their accounts, and the people the bad rows are
    (account id, casefolded name or email): naming one is no second error."""

    rows: list[FileRow]
    known: Known
    refused: frozenset[tuple[int, str]]


def read_rows(
    raw: dict[str, pa.Array],
    accounts: dict[str, int],
    date_format: str | None,
    today: dt.date,
    errors: list[RowError],
) -> Reading:
    """The file read row by row against kam's contacts; every bad cell is a row error.
    `accounts` maps a writable account's casefolded code to its id."""
    reader = _Reader(raw, accounts, date_format, today, errors)
    rows = [row for index in range(len(reader.text["name"])) if (row := reader.read(index))]
    return Reading(rows, reader.known, frozenset(reader.refused))


@dataclass(frozen=True)
class _Cells:
    """One row's checked choices, status and email."""

    role: str | None
    attitude: str | None
    kind: str | None
    active: bool | None
    left_on: dt.date | None
    email: str


class _Reader:
    """The file's columns checked as a whole, then read row by row against kam's contacts."""

    def __init__(
        self,
        raw: dict[str, pa.Array],
        accounts: dict[str, int],
        date_format: str | None,
        today: dt.date,
        errors: list[RowError],
    ) -> None:
        self.accounts, self.today, self.errors = accounts, today, errors
        for name, values in raw.items():
            errors.extend(unsafe_cells(name, values, identifying=name in IDENTIFYING))
        self.text = {name: values.to_pylist() for name, values in raw.items()}
        for name, limit in LIMITS.items():
            errors.extend(
                RowError(
                    row, name, _("longer than %(limit)s characters") % {"limit": limit}, value[:200]
                )
                for row, value in enumerate(self.text[name], start=2)
                if value is not None and len(value) > limit
            )
        self.dates = {
            name: _dates(raw[name], name, date_format, errors)
            for name in ("last_contact", "left_on")
        }
        self.ratings = {name: _ratings(self.text[name], name, errors) for name in RATINGS}
        self.strengths = _strengths(self.text["influence_strength"], errors)
        self.roles, self.attitudes = choice_lookup(BuyingRole), choice_lookup(Attitude)
        self.kinds = choice_lookup(LinkKind) | {
            normalise_header(word): code for word, code in KIND_WORDS.items()
        }
        codes = {code.casefold() for code in self.text["account"] if code}
        self.known = Known({accounts[code] for code in codes if code in accounts})
        self.claimed: dict[int, int] = {}  # known contact id → the row that updates it
        self.seen_email: dict[tuple[int, str], int] = {}
        self.seen_name: dict[tuple[int, str], int] = {}  # new contacts without an email
        self.refused: set[tuple[int, str]] = set()

    def read(self, index: int) -> FileRow | None:
        row, text = index + 2, self.text
        bad = len(self.errors)
        code, name = text["account"][index], text["name"][index]
        account_id = self.accounts.get(code.casefold()) if code else None
        if account_id is None:
            reason = _(NO_ACCOUNT) if code else _(REQUIRED)
            self.errors.append(RowError(row, "account", reason, code or ""))
        if not name:
            self.errors.append(RowError(row, "name", _(REQUIRED), ""))
        cells = self._cells(index, row)
        if account_id is None or not name:
            return None
        contact = self._identify(row, account_id, name, cells.email)
        if contact is None or len(self.errors) > bad:
            self.refused.update({(account_id, name.casefold()), (account_id, cells.email)})
            return None
        before = tracked(contact) if contact.pk else None
        self._apply(contact, index, name, cells)
        return FileRow(
            row=row,
            node=contact.pk if contact.pk is not None else -row,
            contact=contact,
            before=before,
            reports_to=text["reports_to"][index],
            influences=_people(text["influences"][index]),
            influence_kind=cells.kind or DEFAULT_KIND,
            influence_strength=self.strengths[index],
        )

    def _cells(self, index: int, row: int) -> _Cells:
        text, errors = self.text, self.errors
        active = _status(text["status"][index], row, errors)
        left_on = self.dates["left_on"][index]
        if active is True and left_on is not None:
            errors.append(RowError(row, "left_on", _(ACTIVE_WITH_LEFT_ON), str(left_on)))
        email = (text["email"][index] or "").lower()
        if email and ("@" not in email or " " in email):
            errors.append(RowError(row, "email", _(NOT_EMAIL), email))
        return _Cells(
            role=_choice(text["role"][index], self.roles, "role", row, errors),
            attitude=_choice(text["attitude"][index], self.attitudes, "attitude", row, errors),
            kind=_choice(text["influence_kind"][index], self.kinds, "influence_kind", row, errors),
            active=active,
            left_on=left_on,
            email=email,
        )

    def _identify(self, row: int, account_id: int, name: str, email: str) -> Contact | None:
        """The row's contact, known or new; None (and a row error) when the row repeats an
        earlier one or names one of several people."""
        if email and (account_id, email) in self.seen_email:
            first = self.seen_email[(account_id, email)]
            self.errors.append(RowError(row, "email", _(SAME_EMAIL) % {"row": first}, email))
            return None
        matches = self.known.match(account_id, name, email)
        if len(matches) > 1:
            self.errors.append(RowError(row, "name", _(AMBIGUOUS_NAME) % {"name": name}, name))
            return None
        contact = matches[0] if matches else Contact(account_id=account_id)
        if contact.pk:
            first_row = self.claimed.get(contact.pk)
        else:
            first_row = None if email else self.seen_name.get((account_id, name.casefold()))
        if first_row is not None:
            self.errors.append(RowError(row, "name", _(REPEATS_ROW) % {"row": first_row}, name))
            return None
        if contact.pk:
            self.claimed[contact.pk] = row
        elif not email:
            self.seen_name[(account_id, name.casefold())] = row
        if email:
            self.seen_email[(account_id, email)] = row
        return contact

    def _apply(self, contact: Contact, index: int, name: str, cells: _Cells) -> None:
        """The cells the row fills, over what kam knows."""
        text = self.text
        contact.name = name
        values = {
            "department": text["department"][index],
            "title": text["title"][index],
            "email": cells.email or None,
            "phone": text["phone"][index],
            "wechat": text["wechat"][index],
            "address": text["address"][index],
            "notes": text["notes"][index],
            "buying_role": cells.role,
            "attitude": cells.attitude,
            "last_contact": self.dates["last_contact"][index],
            **{rating: self.ratings[rating][index] for rating in RATINGS},
        }
        for attribute, value in values.items():
            if value is not None:
                setattr(contact, attribute, value)
        contact.key_phone()  # the bulk write skips save()
        if cells.active is True:
            contact.active, contact.left_on = True, None
        elif cells.active is False or cells.left_on is not None:
            # A leaving date says the person has left; a contact who leaves gets a date (§7).
            contact.active = False
            contact.left_on = cells.left_on or contact.left_on or self.today


def _people(cell: str | None) -> list[str]:
    """The people an `influences` cell names, in order, each once."""
    if not cell:
        return []
    return list(
        dict.fromkeys(part.strip() for part in PEOPLE_SEPARATOR.split(cell) if part.strip())
    )


def _dates(
    raw: pa.Array, name: str, date_format: str | None, errors: list[RowError]
) -> list[dt.date | None]:
    parsed = parse_dates(raw, None if date_format else date_order(raw), date_format)
    errors.extend(
        RowError(index + 2, name, _("not a date"), str(raw[index]))
        for index in np.flatnonzero(parsed.invalid).tolist()
    )
    values: list[dt.date | None] = parsed.values.to_pylist()
    for index, value in enumerate(values):
        if value is not None and not in_calendar(value):
            errors.append(RowError(index + 2, name, outside_calendar_message(), str(raw[index])))
            values[index] = None
    return values


def _number(text: str) -> float:
    try:
        return float(text.replace(",", "."))
    except ValueError:
        return float("nan")


def _ratings(texts: list[str | None], name: str, errors: list[RowError]) -> list[int | None]:
    """1–5 ratings; 4 and 4.0 are the same rating."""
    values: list[int | None] = []
    for row, text in enumerate(texts, start=2):
        value = None
        if text is not None:
            number = _number(text)
            if number in {1, 2, 3, 4, 5}:
                value = int(number)
            else:
                errors.append(RowError(row, name, _("not a rating from 1 to 5"), text))
        values.append(value)
    return values


def _strengths(texts: list[str | None], errors: list[RowError]) -> list[int | None]:
    """An influence link's strength, 1–3 (§7)."""
    values: list[int | None] = []
    for row, text in enumerate(texts, start=2):
        value = None
        if text is not None:
            number = _number(text)
            if number in {1, 2, 3}:
                value = int(number)
            else:
                errors.append(RowError(row, "influence_strength", _(NOT_STRENGTH), text))
        values.append(value)
    return values


def _choice(
    text: str | None, lookup: dict[str, str], name: str, row: int, errors: list[RowError]
) -> str | None:
    if text is None:
        return None
    value = lookup.get(normalise_header(text))
    if value is None:
        errors.append(
            RowError(
                row,
                name,
                _("not one of: %(choices)s") % {"choices": ", ".join(sorted(set(lookup.values())))},
                text,
            )
        )
    return value


def _status(text: str | None, row: int, errors: list[RowError]) -> bool | None:
    if text is None:
        return None
    word = text.strip().casefold()
    if word in ACTIVE_WORDS:
        return True
    if word in LEFT_WORDS:
        return False
    errors.append(RowError(row, "status", _("not active or left"), text))
    return None
