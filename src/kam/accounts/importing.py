"""`kam import accounts`: customer master data from CSV or XLSX, whole or not at all.

A file has `code` and `name` and may have `legal_name`, `industry`, `region`, `type`, `size`,
`parent` (a code), `owner` (a user name), `potential`, `potential_date` and
`potential_source` (which record a potential estimate). Known codes are updated, new ones
created; parents may come later in the same file.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path

import pyarrow as pa
from django.db import transaction
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop
from simple_history.utils import bulk_create_with_history, bulk_update_with_history

from kam.accounts.models import (
    MAX_MONEY,
    Account,
    AccountStatus,
    AccountType,
    PotentialEstimate,
    SizeBand,
)
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
from kam.importing.values import (
    date_order,
    decimal_separator,
    normalise_header,
    parse_cents,
    parse_dates,
    text_column,
)
from kam.org.models import ROLES_OWNING, User
from kam.org.permissions import require_governing
from kam.org.selectors import users_named

ACCOUNT_FIELDS: dict[str, tuple[str, ...]] = {
    "code": ("code", "account_code", "customer_code", "customer", "客户编码", "客户代码"),
    "name": ("name", "account_name", "customer_name", "客户名称", "名称"),
    "legal_name": ("legal_name", "legal_entity", "法定名称", "公司全称"),
    "industry": ("industry", "行业"),
    "region": ("region", "区域", "地区"),
    "type": ("type", "account_type", "customer_type", "类型", "客户类型"),
    "size": ("size", "size_band", "规模"),
    "parent": ("parent", "parent_code", "group", "上级客户", "集团"),
    "owner": ("owner", "manager", "account_manager", "负责人", "客户经理"),
    "potential": ("potential", "potential_amount", "潜力"),
    "potential_date": ("potential_date", "estimated_on", "潜力日期"),
    "potential_source": ("potential_source", "source", "潜力来源"),
}
ACCOUNT_REQUIRED = ("code", "name")
IMPORT_OWNER_ROLE = gettext_noop("cannot own accounts: an owner is a manager or a director")

LIMITS = {
    "code": 64,
    "name": 200,
    "legal_name": 300,
    "industry": 100,
    "region": 100,
    "potential_source": 200,
}
# The columns that name an account or a user: no invisible or control characters in them.
IDENTIFYING = frozenset({"code", "name", "legal_name", "industry", "region", "parent", "owner"})
UPDATABLE = ["name", "legal_name", "industry", "region", "account_type", "size_band", "owner"]


@dataclass
class AccountImportResult(RowsResult):
    created: list[str] = field(default_factory=list)
    updated: list[str] = field(default_factory=list)
    estimates_added: int = 0


def accounts_import(
    *,
    actor: User,
    path: Path,
    mapping: dict[str, str] | None = None,
    date_format: str | None = None,
    dry_run: bool = False,
    skip_total_rows: bool = False,
) -> AccountImportResult:
    """Create and update accounts from a master-data file (director or admin, §13: they may
    write every account, so every code of the file is theirs to create or update).

    Raises FileRejected when the file as a whole cannot be read.
    """
    _authorize(actor)
    source = sniff(path)
    columns = dict(match_columns(source.header, ACCOUNT_FIELDS, ACCOUNT_REQUIRED, mapping).columns)
    table = whole_table(source)
    result = AccountImportResult("imported", rows_read=table.num_rows)
    cut = cut_total_rows(table, source.header, skip=skip_total_rows)
    table, result.total_rows_skipped = cut.table, cut.skipped
    result.errors.extend(cut.errors)
    with transaction.atomic():
        _load(actor, table, columns, date_format, source.delimiter, result)
        if result.errors or dry_run:
            result.status = "rejected" if result.errors else "dry_run"
            transaction.set_rollback(True)
    return result


def _load(
    actor: User,
    table: pa.Table,
    columns: dict[str, int],
    date_format: str | None,
    delimiter: str,
    result: AccountImportResult,
) -> None:
    errors = result.errors
    values = {name: text_column(table, columns, name).to_pylist() for name in ACCOUNT_FIELDS}
    _check_cells(table, columns, values, errors)
    potentials = _potentials(table, columns, date_format, delimiter, errors)
    accounts = _accounts_from_rows(table.num_rows, values, errors)
    if errors:
        return
    new = [account for account in accounts if account.pk is None]
    old = [account for account in accounts if account.pk is not None]
    bulk_create_with_history(new, Account, default_user=actor, batch_size=1000)
    if old:
        bulk_update_with_history(old, Account, UPDATABLE, default_user=actor, batch_size=1000)
    by_code = {code.casefold(): pk for code, pk in Account.objects.values_list("code", "id")}
    _parents(actor, table, columns, values["parent"], by_code, errors)
    if errors:
        return
    estimates = [
        PotentialEstimate(
            account_id=by_code[str(values["code"][i]).casefold()],
            amount=amount,
            estimated_on=on,
            source=values["potential_source"][i] or "",
            author=actor,
        )
        for i, (amount, on) in potentials.items()
    ]
    bulk_create_with_history(estimates, PotentialEstimate, default_user=actor, batch_size=1000)
    result.created = sorted(account.code for account in new)
    result.updated = sorted(account.code for account in old)
    result.estimates_added = len(estimates)


def _check_cells(
    table: pa.Table,
    columns: dict[str, int],
    values: dict[str, list[str | None]],
    errors: list[RowError],
) -> None:
    """Formula-looking, NUL-holding and over-long cells, in every mapped column."""
    for name in ACCOUNT_FIELDS:
        if name not in columns:
            continue
        errors.extend(
            unsafe_cells(name, text_column(table, columns, name), identifying=name in IDENTIFYING)
        )
        limit = LIMITS.get(name)
        if limit:
            errors.extend(
                RowError(
                    row + 2,
                    name,
                    _("longer than %(limit)s characters") % {"limit": limit},
                    value[:200],
                )
                for row, value in enumerate(values[name])
                if value is not None and len(value) > limit
            )


def _accounts_from_rows(
    count: int, values: dict[str, list[str | None]], errors: list[RowError]
) -> list[Account]:
    """New or updated Account objects, one per row (unsaved)."""
    types, sizes = choice_lookup(AccountType), choice_lookup(SizeBand)
    users = users_named(owner for owner in values["owner"] if owner)
    existing = {account.code.casefold(): account for account in Account.objects.all()}
    seen: dict[str, int] = {}
    accounts: list[Account] = []
    for index in range(count):
        row = index + 2
        code, name = values["code"][index], values["name"][index]
        if not code or code.casefold() in seen:
            errors.append(
                RowError(
                    row,
                    "code",
                    _("repeats row %(row)s") % {"row": seen[code.casefold()]}
                    if code
                    else _("required"),
                    code or "",
                )
            )
            continue
        seen[code.casefold()] = row
        account = existing.get(code.casefold()) or Account(code=code, status=AccountStatus.PROSPECT)
        if not name and account.pk is None:
            errors.append(RowError(row, "name", _("required"), ""))
        account.name = name or account.name
        for target in ("legal_name", "industry", "region"):
            if values[target][index] is not None:
                setattr(account, target, values[target][index])
        _choice(values["type"][index], types, account, "account_type", row, errors)
        _choice(values["size"][index], sizes, account, "size_band", row, errors)
        owner = values["owner"][index]
        if owner is not None and owner.casefold() not in users:
            errors.append(RowError(row, "owner", _("no active user with this name"), owner))
        elif owner is not None and not _may_own(users[owner.casefold()], account):
            errors.append(RowError(row, "owner", _(IMPORT_OWNER_ROLE), owner))
        elif owner is not None:
            account.owner = users[owner.casefold()]
        accounts.append(account)
    return accounts


def _may_own(user: User, account: Account) -> bool:
    """A manager or a director, or whoever owns the account already (§13, docs/rules.md
    "Who can hold a role")."""
    return user.role in ROLES_OWNING or user.pk == account.owner_id


def _choice(
    raw: str | None,
    lookup: dict[str, str],
    account: Account,
    target: str,
    row: int,
    errors: list[RowError],
) -> None:
    if raw is None:
        return
    value = lookup.get(normalise_header(raw))
    if value is None:
        errors.append(
            RowError(
                row,
                target.replace("account_type", "type").replace("size_band", "size"),
                _("not one of: %(choices)s") % {"choices": ", ".join(sorted(set(lookup.values())))},
                raw,
            )
        )
    else:
        setattr(account, target, value)


def _potentials(
    table: pa.Table,
    columns: dict[str, int],
    date_format: str | None,
    delimiter: str,
    errors: list[RowError],
) -> dict[int, tuple[Decimal, dt.date]]:
    """Row index → (amount, date) of the potential estimates the file records."""
    if "potential" not in columns:
        return {}
    raw = text_column(table, columns, "potential")
    amounts = parse_cents(raw, decimal_separator(raw, delimiter, "potential"))
    dates_raw = text_column(table, columns, "potential_date")
    order = None if date_format else date_order(dates_raw)
    dates = parse_dates(dates_raw, order, date_format)
    today = dt.date.today()  # noqa: DTZ011 - a default estimate date, not a timestamp
    found: dict[int, tuple[Decimal, dt.date]] = {}
    for index, (cents, on) in enumerate(
        zip(amounts.values.to_pylist(), dates.values.to_pylist(), strict=True)
    ):
        row = index + 2
        if amounts.invalid[index]:
            errors.append(RowError(row, "potential", _("not an amount"), str(raw[index])))
        elif dates.invalid[index]:
            errors.append(RowError(row, "potential_date", _("not a date"), str(dates_raw[index])))
        elif on is not None and not in_calendar(on):
            errors.append(
                RowError(row, "potential_date", outside_calendar_message(), str(dates_raw[index]))
            )
        elif cents is not None:
            amount = Decimal(cents).scaleb(-2)
            if amount < 0 or amount > MAX_MONEY:
                errors.append(RowError(row, "potential", _("out of range"), str(raw[index])))
            else:
                found[index] = (amount, on or today)
    return found


def _parents(
    actor: User,
    table: pa.Table,
    columns: dict[str, int],
    parents: list[str | None],
    by_code: dict[str, int],
    errors: list[RowError],
) -> None:
    if "parent" not in columns:
        return
    codes = text_column(table, columns, "code").to_pylist()
    graph = dict(Account.objects.values_list("id", "parent_id"))
    changed: list[Account] = []
    for index, parent in enumerate(parents):
        code = codes[index]
        if parent is None or code is None:
            continue
        child_id = by_code[code.casefold()]
        parent_id = by_code.get(parent.casefold())
        if parent_id is None:
            errors.append(RowError(index + 2, "parent", _("no account with this code"), parent))
            continue
        graph[child_id] = parent_id
        changed.append(Account(pk=child_id, parent_id=parent_id))
    for account in changed:
        current, steps = account.parent_id, 0
        while current is not None and steps <= len(graph):
            if current == account.pk:
                row = (
                    next(
                        i for i, c in enumerate(codes) if c and by_code[c.casefold()] == account.pk
                    )
                    + 2
                )
                errors.append(
                    RowError(
                        row, "parent", _("makes a cycle of parent accounts"), str(parents[row - 2])
                    )
                )
                break
            current, steps = graph.get(current), steps + 1
    if not errors and changed:
        full = {a.pk: a for a in Account.objects.filter(pk__in=[c.pk for c in changed])}
        for account in changed:
            full[account.pk].parent_id = account.parent_id
        bulk_update_with_history(
            list(full.values()), Account, ["parent"], default_user=actor, batch_size=1000
        )


def _authorize(actor: User) -> None:
    require_governing(actor, _("import accounts"))


def _summary(result: AccountImportResult) -> list[str]:
    done = _("%(created)s created, %(updated)s updated, %(estimates)s potential estimate(s)") % {
        "created": len(result.created),
        "updated": len(result.updated),
        "estimates": result.estimates_added,
    }
    return [rows_summary(result, done)]


ACCOUNTS_IMPORTER = Importer(
    kind="accounts",
    label=gettext_noop("Accounts"),
    aliases=ACCOUNT_FIELDS,
    required=ACCOUNT_REQUIRED,
    options=(SKIP_TOTAL_ROWS,),
    load=master_data_loader(accounts_import),
    summary=_summary,
    help="Import customer master data.",
    date_help="strptime form of potential_date.",
    user_help="The director or administrator importing.",
    authorize=_authorize,
)


def register_importers() -> None:
    """The accounts app's importers (AccountsConfig.ready)."""
    register(ACCOUNTS_IMPORTER)
