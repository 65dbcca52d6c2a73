"""`kam import costs`: cost to serve from CSV or XLSX, whole or not at all (DOMAIN §4).

A file has `account` (a code), `month` (a date in the month, or 2026-03), `kind` (people,
discount, free_goods, presales, travel, other — or their names in English or Chinese) and
either `amount` or, for people's time, `hours` and `rate`; it may have `description`.

Rows are keyed by account, month and kind: the records of each account, month and kind the
file names are replaced by the file's rows, so a corrected export imported again replaces
what the first one brought instead of adding to it (and the same file twice changes nothing).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path

import pyarrow as pa
import pyarrow.compute as pc
from django.db import transaction
from django.db.models import Q
from django.utils.translation import gettext as _
from simple_history.utils import bulk_create_with_history

from kam.accounts.models import MAX_MONEY
from kam.accounts.selectors import accounts_writable_by
from kam.core.bulk import history_copy
from kam.core.choices import choice_lookup
from kam.core.validators import in_calendar, outside_calendar_message
from kam.importing.mapping import match_columns
from kam.importing.messages import gettext_noop
from kam.importing.reading import FileRejected, sniff, whole_table
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
    parse_dates,
    parse_scaled,
    text_column,
)
from kam.org.models import User
from kam.org.permissions import require_write
from kam.portfolio.models import CostKind, CostToServe
from kam.portfolio.services.scoring import score_run_create

COST_FIELDS: dict[str, tuple[str, ...]] = {
    "account": ("account", "account_code", "code", "customer", "customer_code", "客户编码", "客户"),
    "month": ("month", "period", "date", "月份", "期间", "日期"),
    "kind": ("kind", "cost_kind", "type", "cost_type", "类型", "费用类型"),
    "amount": ("amount", "cost", "value", "金额", "费用"),
    "hours": ("hours", "time", "工时", "小时"),
    "rate": ("rate", "hourly_rate", "rate_per_hour", "费率", "小时费率"),
    "description": ("description", "note", "notes", "comment", "说明", "备注"),
}
COST_REQUIRED = ("account", "month", "kind")
DESCRIPTION_LIMIT = 500
MAX_HOURS = Decimal("9999999.99")
MAX_RATE = Decimal("9999999999.99")


@dataclass
class CostImportResult(RowsResult):
    records_added: int = 0
    records_replaced: int = 0
    accounts: int = 0


def costs_import(
    *,
    actor: User,
    path: Path,
    mapping: dict[str, str] | None = None,
    date_format: str | None = None,
    dry_run: bool = False,
    skip_total_rows: bool = False,
) -> CostImportResult:
    """Record cost to serve from a file, replacing the records of the account-month-kinds it
    names (§4). Accounts are those the actor may write; a row naming another is an error.

    Raises FileRejected when the file as a whole cannot be read.
    """
    require_write(actor)
    source = sniff(path)
    columns = dict(match_columns(source.header, COST_FIELDS, COST_REQUIRED, mapping).columns)
    if "amount" not in columns and not {"hours", "rate"} <= set(columns):
        raise FileRejected(
            gettext_noop("no column for amount (or for hours and rate); the file has: %(columns)s"),
            columns=", ".join(source.header),
        )
    table = whole_table(source)
    result = CostImportResult("imported", rows_read=table.num_rows)
    cut = cut_total_rows(table, source.header, skip=skip_total_rows)
    table, result.total_rows_skipped = cut.table, cut.skipped
    result.errors.extend(cut.errors)
    records = _records(actor, table, columns, date_format, source.delimiter, result.errors)
    if result.errors:
        result.status = "rejected"
        return result
    with transaction.atomic():
        result.records_replaced = _replace(actor, records)
        result.records_added = len(records)
        result.accounts = len({record.account_id for record in records})
        if dry_run:
            result.status = "dry_run"
            transaction.set_rollback(True)
            return result
    # Investment ratios and ROI read the cost records: score again, as after an import.
    score_run_create(actor=None, reason="cost to serve")
    return result


def _months(raw: pa.Array) -> pa.Array:
    """A month written without a day (2026-03, 2026/3, 2026年3月) is its first day."""
    text = pc.replace_substring_regex(raw, r"^(\d{4})[-/.](\d{1,2})$", r"\1-\2-1")
    return pc.replace_substring_regex(text, r"^(\d{4})年(\d{1,2})月$", r"\1年\2月1日")


def _records(
    actor: User,
    table: pa.Table,
    columns: dict[str, int],
    date_format: str | None,
    delimiter: str,
    errors: list[RowError],
) -> list[CostToServe]:
    """Unsaved records, one per row; every bad cell is added to `errors`."""
    raw = {name: text_column(table, columns, name) for name in COST_FIELDS}
    for name, values in raw.items():
        # The account code and the kind name things: no invisible characters in them.
        errors.extend(unsafe_cells(name, values, identifying=name in {"account", "kind"}))
    accounts = _account_ids(actor, raw["account"].to_pylist(), errors)
    months = _month_values(raw["month"], date_format, errors)
    kinds = _kinds(raw["kind"].to_pylist(), errors)
    numbers = _numbers(raw, delimiter, errors)
    descriptions = [text or "" for text in raw["description"].to_pylist()]
    for row, description in enumerate(descriptions, start=2):
        if len(description) > DESCRIPTION_LIMIT:
            errors.append(
                RowError(
                    row,
                    "description",
                    _("longer than %(limit)s characters") % {"limit": DESCRIPTION_LIMIT},
                    description[:200],
                )
            )
    records: list[CostToServe] = []
    for index in range(table.num_rows):
        hours, rate, amount = (numbers[name][index] for name in ("hours", "rate", "amount"))
        kind = kinds[index]
        if kind == CostKind.PEOPLE and hours is not None and rate is not None:
            amount = (hours * rate).quantize(Decimal("0.01"))
            if amount > MAX_MONEY:
                errors.append(RowError(index + 2, "hours", _("hours × rate is out of range"), ""))
                continue
        elif amount is None and kind is not None:
            if raw["amount"][index].is_valid:
                continue  # written but unreadable: already reported
            errors.append(
                RowError(
                    index + 2,
                    "amount",
                    _("give an amount, or hours and a rate for people's time"),
                    "",
                )
            )
            continue
        account_id, month = accounts[index], months[index]
        if account_id is None or month is None or kind is None or amount is None:
            continue
        records.append(
            CostToServe(
                account_id=account_id,
                month=month.replace(day=1),
                kind=kind,
                hours=hours,
                rate=rate,
                amount=amount,
                description=descriptions[index],
                created_by=actor,
            )
        )
    return records


def _account_ids(actor: User, codes: list[str | None], errors: list[RowError]) -> list[int | None]:
    """Each row's account among those the actor may write (another's reads as unknown, §13)."""
    visible = {
        code.casefold(): pk for pk, code in accounts_writable_by(actor).values_list("pk", "code")
    }
    found: list[int | None] = []
    for row, code in enumerate(codes, start=2):
        account_id = visible.get(code.casefold()) if code else None
        if not code:
            errors.append(RowError(row, "account", _("required"), ""))
        elif account_id is None:
            errors.append(RowError(row, "account", _("no account with this code"), code))
        found.append(account_id)
    return found


def _month_values(
    raw: pa.Array, date_format: str | None, errors: list[RowError]
) -> list[dt.date | None]:
    text = _months(raw)
    parsed = parse_dates(text, None if date_format else date_order(text), date_format)
    values: list[dt.date | None] = parsed.values.to_pylist()
    for index, value in enumerate(values):
        if parsed.invalid[index]:
            errors.append(RowError(index + 2, "month", _("not a date or month"), str(raw[index])))
            values[index] = None
        elif value is None:
            errors.append(RowError(index + 2, "month", _("required"), ""))
        elif not in_calendar(value):
            errors.append(RowError(index + 2, "month", outside_calendar_message(), str(raw[index])))
            values[index] = None
    return values


def _kinds(texts: list[str | None], errors: list[RowError]) -> list[str | None]:
    lookup = choice_lookup(CostKind)
    kinds = [lookup.get(normalise_header(text or "")) for text in texts]
    errors.extend(
        RowError(
            row,
            "kind",
            _("not one of: %(choices)s") % {"choices": ", ".join(CostKind.values)},
            text or "",
        )
        for row, (text, kind) in enumerate(zip(texts, kinds, strict=True), start=2)
        if kind is None
    )
    return kinds


def _numbers(
    raw: dict[str, pa.Array], delimiter: str, errors: list[RowError]
) -> dict[str, list[Decimal | None]]:
    """Amount, hours and rate as decimals (None: empty or bad, the bad ones in `errors`)."""
    limits = {"amount": MAX_MONEY, "hours": MAX_HOURS, "rate": MAX_RATE}
    numbers: dict[str, list[Decimal | None]] = {}
    for name, limit in limits.items():
        parsed = parse_scaled(raw[name], decimal_separator(raw[name], delimiter, name), scale=2)
        values: list[Decimal | None] = []
        for index, cents in enumerate(parsed.values.to_pylist()):
            value = None if cents is None else Decimal(cents).scaleb(-2)
            if parsed.invalid[index]:
                errors.append(RowError(index + 2, name, _("not a number"), str(raw[name][index])))
                value = None
            elif value is not None and not Decimal(0) <= value <= limit:
                errors.append(RowError(index + 2, name, _("out of range"), str(raw[name][index])))
                value = None
            values.append(value)
        numbers[name] = values
    return numbers


def _replace(actor: User, records: list[CostToServe]) -> int:
    """Delete the records of the file's account-month-kinds (with history), add the rows."""
    keys = sorted({(record.account_id, record.month, record.kind) for record in records})
    replaced = 0
    for start in range(0, len(keys), 300):
        match = Q()
        for account_id, month, kind in keys[start : start + 300]:
            match |= Q(account_id=account_id, month=month, kind=kind)
        old = list(CostToServe.objects.filter(match).values_list("pk", flat=True))
        if old:
            # One deletion per record in its history, written in SQL; a queryset delete would
            # add a second through the per-object signal.
            history_copy(CostToServe, old, user_id=actor.pk, history_type="-")
            CostToServe.objects.filter(pk__in=old)._raw_delete(CostToServe.objects.db)
            replaced += len(old)
    bulk_create_with_history(records, CostToServe, default_user=actor, batch_size=1000)
    return replaced


def _summary(result: CostImportResult) -> list[str]:
    done = _("%(added)s cost record(s) for %(accounts)s account(s), %(replaced)s replaced") % {
        "added": result.records_added,
        "accounts": result.accounts,
        "replaced": result.records_replaced,
    }
    return [rows_summary(result, done)]


COSTS_IMPORTER = Importer(
    kind="costs",
    label=gettext_noop("Cost to serve"),
    aliases=COST_FIELDS,
    required=COST_REQUIRED,
    options=(SKIP_TOTAL_ROWS,),
    load=master_data_loader(costs_import),
    summary=_summary,
    help="Import cost to serve per account and month.",
    date_help="strptime form of month.",
    user_help="The user recording the costs.",
)


def register_importers() -> None:
    """The portfolio's importers (PortfolioConfig.ready)."""
    register(COSTS_IMPORTER)
