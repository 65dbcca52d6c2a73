"""`kam import contacts`: the people at each customer from CSV or XLSX, whole or not at all.

A file has `account` (a code) and `name`, and may have `department`, `title`, `email`, `phone`,
`wechat` (WeChat or another IM id), `address`, `notes`, `reports_to` (the name or email of
another contact at the same account, in the file or already in kam), `role` (buying role),
`influence`, `attitude`, `closeness`, `solution_approval`, `price_acceptance` (1–5),
`last_contact`, `status` (active or left), `left_on`, and the influence links `influences`,
`influence_kind` and `influence_strength` (DOMAIN §7). Headers may be in English or Chinese
(`CONTACT_FIELDS` lists every name a column may have: 微信, 地址, 备注, 影响对象 …).

**Which contact a row is.** A row is the contact of its account with the row's email (case
aside); else the contact with the row's name (case aside) — when the row has an email, only
one without an email of its own, which then gets it. Several contacts with that name: the row
must give the email. No such contact: the row is a new one. A known contact takes the cells
the file fills; an empty cell keeps what kam knows. Contacts merged into another are never
matched, named or updated. A row that changes nothing writes nothing (no history row).

**Leaving.** `status` left, or a `left_on` date without a status, marks the person as left; a
person who left without a date gets the import's date (§7: a contact who leaves gets a date).
`status` active brings a person back and clears the date (an active status with a date is an
error).

**Influence links.** `influences` names the people this row's person influences: other contacts
of the same account, in the file or in kam, each by email or by name, several separated by
`;`, `,` or `、` (or the full-width `；` `，`) — name a person whose name holds a comma by their
email. `influence_kind` says how for all of the row's links: `trusts` (the default),
`reports_informally` or `opposes`, or their English or Chinese labels (Trusts, 信任, 反对 …);
`influence_strength` says how strongly, 1–3 (default 2). A link already in kam is left as it
is, except for the strength a row gives; the import adds links and never removes one. Links of
another kind from the same person come from a second file (or the map).

**Refused, naming the row** (the whole file is then refused; nothing is written):
two rows with one email, or with one phone (compared by its digits, `phone_key`); a phone that
is already another contact's at the account ("merge the two contacts instead"); a
`reports_to` or `influences` person that is no contact of the account or ambiguous by name; a
person reporting to or influencing themself; reporting lines that, with kam's, would go round
in a circle (the error names the chain). Every bad cell is listed, as in every importer.

The import is a bulk path: a few queries for the whole file, whatever its size; each account
whose buying centre changed is told once (`contacts_changed`), so its scores follow.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from django.db import transaction
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from kam.accounts.selectors import accounts_writable_by
from kam.core.dates import today
from kam.importing.mapping import match_columns
from kam.importing.reading import sniff, whole_table
from kam.importing.registry import SKIP_TOTAL_ROWS, Importer, master_data_loader, register
from kam.importing.results import RowsResult, cut_total_rows, rows_summary
from kam.importing.values import text_column
from kam.org.models import User
from kam.org.permissions import require_write
from kam.relationships.importing.cells import read_rows
from kam.relationships.importing.people import plan_lines
from kam.relationships.importing.writing import write_file

CONTACT_FIELDS: dict[str, tuple[str, ...]] = {
    "account": ("account", "account_code", "customer", "customer_code", "客户编码", "客户"),
    "name": ("name", "contact", "contact_name", "person", "姓名", "联系人"),
    "department": ("department", "dept", "部门"),
    "title": ("title", "job_title", "position", "职位", "职务"),
    "email": ("email", "e_mail", "mail", "邮箱", "电子邮件"),
    "phone": ("phone", "telephone", "mobile", "电话", "手机"),
    "wechat": ("wechat", "weixin", "im", "微信", "微信号"),
    "address": ("address", "地址"),
    "notes": ("notes", "note", "comment", "comments", "备注"),
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
    "influences": ("influences", "influences_whom", "influence_on", "影响对象", "影响谁"),
    "influence_kind": ("influence_kind", "link_kind", "影响方式", "影响类型"),
    "influence_strength": ("influence_strength", "link_strength", "影响强度"),
}
CONTACT_REQUIRED = ("account", "name")
# The upload page's labels: what each field holds, and how the influence columns read.
CONTACT_LABELS = {
    "account": gettext_noop("Customer code"),
    "name": gettext_noop("Name"),
    "department": gettext_noop("Department"),
    "title": gettext_noop("Title"),
    "email": gettext_noop("Email"),
    "phone": gettext_noop("Phone"),
    "wechat": gettext_noop("WeChat / IM"),
    "address": gettext_noop("Address"),
    "notes": gettext_noop("Notes"),
    "reports_to": gettext_noop("Reports to (name or email)"),
    "role": gettext_noop("Buying role"),
    "influence": gettext_noop("Influence (1–5)"),
    "attitude": gettext_noop("Attitude"),
    "closeness": gettext_noop("Closeness (1–5)"),
    "solution_approval": gettext_noop("Solution approval (1–5)"),
    "price_acceptance": gettext_noop("Price acceptance (1–5)"),
    "last_contact": gettext_noop("Last contact"),
    "status": gettext_noop("Status (active or left)"),
    "left_on": gettext_noop("Left on"),
    "influences": gettext_noop("Influences (names or emails, separated by ; , or 、)"),
    "influence_kind": gettext_noop("Influence kind (trusts, reports informally, opposes)"),
    "influence_strength": gettext_noop("Influence strength (1–3, default 2)"),
}


@dataclass
class ContactImportResult(RowsResult):
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    links_added: int = 0
    links_changed: int = 0


def contacts_import(
    *,
    actor: User,
    path: Path,
    mapping: dict[str, str] | None = None,
    date_format: str | None = None,
    dry_run: bool = False,
    skip_total_rows: bool = False,
) -> ContactImportResult:
    """Create and update contacts and their influence links at the accounts the actor may
    write (§7, §13); a row naming another account reads as an unknown code. Any bad row: the
    result lists it and nothing is written.

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
    writable = {
        code.casefold(): pk for pk, code in accounts_writable_by(actor).values_list("pk", "code")
    }
    reading = read_rows(raw, writable, date_format, today(), result.errors)
    plan = plan_lines(reading, result.errors)
    if result.errors:
        result.errors.sort(key=lambda error: error.row)
        result.status = "rejected"
        return result
    with transaction.atomic():
        written = write_file(actor, reading.rows, plan, notify=not dry_run)
        if dry_run:
            result.status = "dry_run"
            transaction.set_rollback(True)
    result.created, result.updated, result.unchanged = (
        written.created,
        written.updated,
        written.unchanged,
    )
    result.links_added, result.links_changed = written.links_added, written.links_changed
    return result


def _summary(result: ContactImportResult) -> list[str]:
    done = _("%(created)s contact(s) created, %(updated)s updated") % {
        "created": result.created,
        "updated": result.updated,
    }
    if result.unchanged:
        done += ", " + _("%(unchanged)s unchanged") % {"unchanged": result.unchanged}
    if result.links_added or result.links_changed:
        done += "; " + _("%(added)s influence link(s) added, %(changed)s changed") % {
            "added": result.links_added,
            "changed": result.links_changed,
        }
    return [rows_summary(result, done)]


CONTACTS_IMPORTER = Importer(
    kind="contacts",
    label=gettext_noop("Contacts"),
    aliases=CONTACT_FIELDS,
    required=CONTACT_REQUIRED,
    labels=CONTACT_LABELS,
    options=(SKIP_TOTAL_ROWS,),
    load=master_data_loader(contacts_import),
    summary=_summary,
    help="Import the people at each customer, their reporting lines and influence links.",
    date_help="strptime form of the dates.",
    user_help="The user recording the contacts.",
)


def register_importers() -> None:
    """The relationships app's importers (RelationshipsConfig.ready)."""
    register(CONTACTS_IMPORTER)
