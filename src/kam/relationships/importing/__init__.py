"""`kam import contacts`: the people at each customer from CSV or XLSX, whole or not at all.

A file has `account` (a code) and `name`, and may have `department`, `title`, `email`, `phone`,
`reports_to` (the name or email of another contact at the same account, in the file or already
in kam), `role` (buying role), `influence`, `attitude`, `closeness`, `solution_approval`,
`price_acceptance` (1–5), `last_contact`, `status` (active or left) and `left_on` (DOMAIN §7).

A contact is known by its account and email, or by its account and name when it has no email:
a known contact is updated with the cells the file fills, a new one is created.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pyarrow as pa
from django.db import transaction
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop
from simple_history.utils import bulk_create_with_history, bulk_update_with_history

from kam.accounts.selectors import accounts_writable_by
from kam.core.choices import choice_lookup
from kam.core.validators import in_calendar, outside_calendar_message
from kam.importing.mapping import match_columns
from kam.importing.reading import sniff, whole_table
from kam.importing.registry import SKIP_TOTAL_ROWS, Importer, master_data_loader, register
from kam.importing.results import (
    RowError,
    RowsResult,
    cut_total_rows,
    rows_summary,
    unsafe_cells,
)
from kam.importing.values import date_order, normalise_header, parse_dates, text_column
from kam.org.models import User
from kam.org.permissions import require_write
from kam.relationships.models import Attitude, BuyingRole, Contact

CONTACT_FIELDS: dict[str, tuple[str, ...]] = {
    "account": ("account", "account_code", "customer", "customer_code", "客户编码", "客户"),
    "name": ("name", "contact", "contact_name", "person", "姓名", "联系人"),
    "department": ("department", "dept", "部门"),
    "title": ("title", "job_title", "position", "职位", "职务"),
    "email": ("email", "e_mail", "mail", "邮箱", "电子邮件"),
    "phone": ("phone", "telephone", "mobile", "电话", "手机"),
    "reports_to": ("reports_to", "manager", "boss", "上级", "汇报对象"),
    "role": ("role", "buying_role", "角色", "采购角色"),
    "influence": ("influence", "影响力"),
    "attitude": ("attitude", "态度"),
    "closeness": ("closeness", "relationship", "亲密度", "关系"),
    "solution_approval": ("solution_approval", "solution", "方案认可度"),
    "price_acceptance": ("price_acceptance", "price", "价格接受度"),
    "last_contact": ("last_contact", "last_contacted", "最近联系", "最近联系日期"),
    "status": ("status", "active", "状态"),
    "left_on": ("left_on", "left", "离职日期"),
}
CONTACT_REQUIRED = ("account", "name")
LIMITS = {"name": 200, "department": 200, "title": 200, "email": 254, "phone": 64}
# The columns that name an account or a person: no invisible or control characters in them.
IDENTIFYING = frozenset({"account", "name", "department", "title", "reports_to"})
RATINGS = ("influence", "closeness", "solution_approval", "price_acceptance")
ACTIVE_WORDS = {"active", "yes", "y", "true", "1", "在职", "是", "有效"}
LEFT_WORDS = {"left", "inactive", "no", "n", "false", "0", "离职", "否", "无效"}
UPDATABLE = [
    "name",
    "department",
    "title",
    "email",
    "phone",
    "buying_role",
    "influence",
    "attitude",
    "closeness",
    "solution_approval",
    "price_acceptance",
    "last_contact",
    "active",
    "left_on",
]


@dataclass
class ContactImportResult(RowsResult):
    created: int = 0
    updated: int = 0


def contacts_import(
    *,
    actor: User,
    path: Path,
    mapping: dict[str, str] | None = None,
    date_format: str | None = None,
    dry_run: bool = False,
    skip_total_rows: bool = False,
) -> ContactImportResult:
    """Create and update contacts of the accounts the actor may write (§7, §13); a row naming
    another account reads as an unknown code.

    Raises FileRejected when the file as a whole cannot be read.
    """
    require_write(actor)
    source = sniff(path)
    columns = dict(match_columns(source.header, CONTACT_FIELDS, CONTACT_REQUIRED, mapping).columns)
    table = whole_table(source)
    result = ContactImportResult("imported", rows_read=table.num_rows)
    cut = cut_total_rows(table, source.header, skip=skip_total_rows)
    table, result.total_rows_skipped = cut.table, cut.skipped
    result.errors.extend(cut.errors)
    raw = {name: text_column(table, columns, name) for name in CONTACT_FIELDS}
    contacts = _contacts(actor, raw, date_format, result.errors)
    if result.errors:
        result.status = "rejected"
        return result
    with transaction.atomic():
        _save(actor, contacts, raw["reports_to"].to_pylist(), result)
        if result.errors or dry_run:
            result.status = "rejected" if result.errors else "dry_run"
            transaction.set_rollback(True)
    return result


def _contacts(
    actor: User, raw: dict[str, pa.Array], date_format: str | None, errors: list[RowError]
) -> list[Contact | None]:
    """One unsaved (new) or loaded (known) contact per row; None where the row is bad."""
    for name, values in raw.items():
        errors.extend(unsafe_cells(name, values, identifying=name in IDENTIFYING))
    text = {name: values.to_pylist() for name, values in raw.items()}
    for name, limit in LIMITS.items():
        errors.extend(
            RowError(
                row, name, _("longer than %(limit)s characters") % {"limit": limit}, value[:200]
            )
            for row, value in enumerate(text[name], start=2)
            if value is not None and len(value) > limit
        )
    dates = {
        name: _dates(raw[name], name, date_format, errors) for name in ("last_contact", "left_on")
    }
    ratings = {name: _ratings(text[name], name, errors) for name in RATINGS}
    roles, attitudes = choice_lookup(BuyingRole), choice_lookup(Attitude)
    visible = {
        code.casefold(): pk for pk, code in accounts_writable_by(actor).values_list("pk", "code")
    }
    known = _known_contacts(set(visible.values()))
    seen: dict[tuple[int, str], int] = {}
    contacts: list[Contact | None] = []
    for index, (code, name) in enumerate(zip(text["account"], text["name"], strict=True)):
        row = index + 2
        bad = len(errors)
        account_id = visible.get(code.casefold()) if code else None
        if account_id is None:
            reason = _("no account with this code") if code else _("required")
            errors.append(RowError(row, "account", reason, code or ""))
        if not name:
            errors.append(RowError(row, "name", _("required"), ""))
        role = _choice(text["role"][index], roles, "role", row, errors)
        attitude = _choice(text["attitude"][index], attitudes, "attitude", row, errors)
        active = _status(text["status"][index], row, errors)
        email = (text["email"][index] or "").lower()
        if email and ("@" not in email or " " in email):
            errors.append(RowError(row, "email", _("not an email address"), email))
        if account_id is None or not name or len(errors) > bad:
            contacts.append(None)
            continue
        key = (account_id, email or name.casefold())
        if key in seen:
            errors.append(
                RowError(row, "name", _("repeats row %(row)s") % {"row": seen[key]}, name)
            )
            contacts.append(None)
            continue
        seen[key] = row
        contact = known.get(key) or Contact(account_id=account_id)
        contact.name = name
        values = {
            "department": text["department"][index],
            "title": text["title"][index],
            "email": email or None,
            "phone": text["phone"][index],
            "buying_role": role,
            "attitude": attitude,
            "last_contact": dates["last_contact"][index],
            "left_on": dates["left_on"][index],
            **{rating: ratings[rating][index] for rating in RATINGS},
        }
        for attribute, value in values.items():
            if value is not None:
                setattr(contact, attribute, value)
        if active is not None:
            contact.active = active
        elif values["left_on"] is not None:
            contact.active = False  # a leaving date says the person has left
        contacts.append(contact)
    return contacts


def _known_contacts(account_ids: set[int]) -> dict[tuple[int, str], Contact]:
    known: dict[tuple[int, str], Contact] = {}
    for contact in Contact.objects.filter(account_id__in=account_ids):
        known[(contact.account_id, contact.email.lower() or contact.name.casefold())] = contact
    return known


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


def _ratings(texts: list[str | None], name: str, errors: list[RowError]) -> list[int | None]:
    """1–5 ratings; 4 and 4.0 are the same rating."""
    values: list[int | None] = []
    for row, text in enumerate(texts, start=2):
        value = None
        if text is not None:
            try:
                number = float(text.replace(",", "."))
            except ValueError:
                number = float("nan")
            if number in {1, 2, 3, 4, 5}:
                value = int(number)
            else:
                errors.append(RowError(row, name, _("not a rating from 1 to 5"), text))
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


def _save(
    actor: User,
    contacts: list[Contact | None],
    reports_to: list[str | None],
    result: ContactImportResult,
) -> None:
    """Write the contacts, then link each to the person it reports to (same account)."""
    rows = [contact for contact in contacts if contact is not None]
    new = [contact for contact in rows if contact.pk is None]
    old = [contact for contact in rows if contact.pk is not None]
    bulk_create_with_history(new, Contact, default_user=actor, batch_size=1000)
    if old:
        bulk_update_with_history(old, Contact, UPDATABLE, default_user=actor, batch_size=1000)
    result.created, result.updated = len(new), len(old)
    if not any(reports_to):
        return
    people: dict[tuple[int, str], int] = {}
    for pk, account_id, name, email in Contact.objects.filter(
        account_id__in={contact.account_id for contact in rows}
    ).values_list("pk", "account_id", "name", "email"):
        people.setdefault((account_id, name.casefold()), pk)
        if email:
            people[(account_id, email.lower())] = pk
    saved = {
        (contact.account_id, (contact.email or contact.name).casefold()): contact.pk
        for contact in rows
    }
    linked: list[Contact] = []
    for index, (contact, boss) in enumerate(zip(contacts, reports_to, strict=True)):
        if contact is None or boss is None:
            continue
        boss_id = people.get((contact.account_id, boss.casefold()))
        own = saved[(contact.account_id, (contact.email or contact.name).casefold())]
        if boss_id is None or boss_id == own:
            reason = _("no contact of this account with this name or email")
            if boss_id == own:
                reason = _("a contact cannot report to themself")
            result.errors.append(RowError(index + 2, "reports_to", reason, boss))
            continue
        linked.append(Contact(pk=own, reports_to_id=boss_id))
    if not result.errors:
        _check_cycles(contacts, linked, result.errors)
    if result.errors or not linked:
        return
    full = {
        contact.pk: contact for contact in Contact.objects.filter(pk__in=[c.pk for c in linked])
    }
    for contact in linked:
        full[contact.pk].reports_to_id = contact.reports_to_id
    bulk_update_with_history(
        list(full.values()), Contact, ["reports_to"], default_user=actor, batch_size=1000
    )


def _check_cycles(
    contacts: list[Contact | None], linked: list[Contact], errors: list[RowError]
) -> None:
    """Nobody may report, through others, to themself."""
    account_ids = {contact.account_id for contact in linked}
    boss_of: dict[int, int | None] = dict(
        Contact.objects.filter(account_id__in=account_ids).values_list("pk", "reports_to_id")
    )
    boss_of.update({contact.pk: contact.reports_to_id for contact in linked})
    row_of = {contact.pk: index + 2 for index, contact in enumerate(contacts) if contact}
    for contact in linked:
        current, steps = boss_of.get(contact.pk), 0
        while current is not None and steps <= len(boss_of):
            if current == contact.pk:
                errors.append(
                    RowError(
                        row_of[contact.pk], "reports_to", _("makes a cycle of reporting lines"), ""
                    )
                )
                break
            current, steps = boss_of.get(current), steps + 1


def _summary(result: ContactImportResult) -> list[str]:
    done = _("%(created)s contact(s) created, %(updated)s updated") % {
        "created": result.created,
        "updated": result.updated,
    }
    return [rows_summary(result, done)]


CONTACTS_IMPORTER = Importer(
    kind="contacts",
    label=gettext_noop("Contacts"),
    aliases=CONTACT_FIELDS,
    required=CONTACT_REQUIRED,
    options=(SKIP_TOTAL_ROWS,),
    load=master_data_loader(contacts_import),
    summary=_summary,
    help="Import the people at each customer.",
    date_help="strptime form of the dates.",
    user_help="The user recording the contacts.",
)


def register_importers() -> None:
    """The relationships app's importers (RelationshipsConfig.ready)."""
    register(CONTACTS_IMPORTER)
