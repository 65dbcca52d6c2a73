"""`kam import complaints`: complaints from CSV or XLSX, whole or not at all (DOMAIN §9).

A file has `account` (a code), `subject`, `severity`, `category` and `channel` (codes or
names in English or Chinese), and may have `received` (a date, or a date and time, read in
the company time zone; empty: now), `description`, `reporter` (the name or email of a
contact of the account, else kept as the reporter's name) and `department` (an internal
department's code or name). Each row is a new open complaint with its SLA due times; one
bad row rejects the file, and every row error is listed.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path

import pyarrow as pa
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop
from simple_history.utils import bulk_create_with_history

from kam.accounts.selectors import accounts_writable_by
from kam.core.choices import choice_lookup
from kam.engagement.complaints.models import (
    Category,
    Channel,
    Complaint,
    ComplaintEvent,
    EventAction,
    Severity,
    Status,
)
from kam.engagement.complaints.selectors import complaint_settings, due_times
from kam.importing.mapping import match_columns
from kam.importing.reading import sniff, whole_table
from kam.importing.registry import SKIP_TOTAL_ROWS, Importer, master_data_loader, register
from kam.importing.results import RowError, RowsResult, cut_total_rows, rows_summary, unsafe_cells
from kam.importing.values import normalise_header, text_column
from kam.org.models import Department, DepartmentCode, User
from kam.org.permissions import require_write

COMPLAINT_FIELDS: dict[str, tuple[str, ...]] = {
    "account": ("account", "account_code", "customer", "customer_code", "客户编码", "客户"),
    "subject": ("subject", "title", "complaint", "summary", "主题", "投诉", "标题"),
    "severity": ("severity", "priority", "严重程度", "级别"),
    "category": ("category", "type", "类别", "类型"),
    "channel": ("channel", "source", "渠道", "来源"),
    "received": ("received", "received_at", "date", "reported", "接收时间", "日期"),
    "description": ("description", "details", "text", "描述", "详情"),
    "reporter": ("reporter", "reported_by", "contact", "报告人", "联系人"),
    "department": ("department", "dept", "assigned_to", "部门", "责任部门"),
}
COMPLAINT_REQUIRED = ("account", "subject", "severity", "category", "channel")
LIMITS = {"subject": 200, "description": 5000, "reporter": 200}
IDENTIFYING = frozenset({"account", "subject", "reporter", "department"})


@dataclass
class ComplaintImportResult(RowsResult):
    created: int = 0


def _received(text: str | None, date_format: str | None, now: dt.datetime) -> dt.datetime | None:
    """A date or a date and time (ISO, or `date_format`), in the company time zone; None
    when it cannot be read."""
    if text is None:
        return now
    try:
        if date_format:
            moment = dt.datetime.strptime(text, date_format)  # noqa: DTZ007 - made aware below
        else:
            moment = dt.datetime.fromisoformat(text.replace("/", "-"))
    except ValueError:
        return None
    if timezone.is_naive(moment):
        moment = timezone.make_aware(moment, timezone.get_default_timezone())
    return moment


def _department_lookup() -> dict[str, int]:
    lookup = choice_lookup(DepartmentCode)
    ids = dict(Department.objects.values_list("code", "pk"))
    return {key: ids[code] for key, code in lookup.items() if code in ids}


def _contact_lookup(account_ids: set[int]) -> dict[tuple[int, str], int]:
    contacts = Complaint._meta.get_field("contact").related_model._default_manager
    people: dict[tuple[int, str], int] = {}
    for pk, account_id, name, email in contacts.filter(account_id__in=account_ids).values_list(
        "pk", "account_id", "name", "email"
    ):
        people.setdefault((account_id, name.casefold()), pk)
        if email:
            people[(account_id, email.casefold())] = pk
    return people


def complaints_import(
    *,
    actor: User,
    path: Path,
    mapping: dict[str, str] | None = None,
    date_format: str | None = None,
    dry_run: bool = False,
    skip_total_rows: bool = False,
) -> ComplaintImportResult:
    """Record the file's complaints on the accounts the actor may write (§9, §13); a row
    naming another account reads as an unknown code. Raises FileRejected when the file as a
    whole cannot be read."""
    require_write(actor)
    source = sniff(path)
    columns = dict(
        match_columns(source.header, COMPLAINT_FIELDS, COMPLAINT_REQUIRED, mapping).columns
    )
    table = whole_table(source)
    result = ComplaintImportResult("imported", rows_read=table.num_rows)
    cut = cut_total_rows(table, source.header, skip=skip_total_rows)
    table, result.total_rows_skipped = cut.table, cut.skipped
    result.errors.extend(cut.errors)
    raw: dict[str, pa.Array] = {
        name: text_column(table, columns, name) for name in COMPLAINT_FIELDS
    }
    complaints = _complaints(actor, raw, date_format, result.errors)
    if result.errors:
        result.status = "rejected"
        return result
    with transaction.atomic():
        rows = [c for c in complaints if c is not None]
        bulk_create_with_history(rows, Complaint, default_user=actor, batch_size=1000)
        # bulk_create gives ids back on both stores (SQLite ≥ 3.35, PostgreSQL).
        now = timezone.now()
        events = [
            ComplaintEvent(
                complaint_id=c.pk,
                action=EventAction.CREATED,
                to_status=Status.OPEN,
                actor=actor,
                at=now,
                comment=_("Recorded by an import."),
            )
            for c in rows
        ]
        bulk_create_with_history(events, ComplaintEvent, default_user=actor, batch_size=1000)
        result.created = len(rows)
        if dry_run:
            result.status = "dry_run"
            transaction.set_rollback(True)
    return result


def _choice(
    text: str | None, lookup: dict[str, str], name: str, row: int, errors: list[RowError]
) -> str | None:
    if text is None:
        errors.append(RowError(row, name, _("required"), ""))
        return None
    value = lookup.get(normalise_header(text))
    if value is None:
        choices = ", ".join(sorted(set(lookup.values())))
        errors.append(
            RowError(row, name, _("not one of: %(choices)s") % {"choices": choices}, text)
        )
    return value


def _complaints(
    actor: User, raw: dict[str, pa.Array], date_format: str | None, errors: list[RowError]
) -> list[Complaint | None]:
    """One unsaved complaint per row; None where the row is bad."""
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
    visible = {
        code.casefold(): pk for pk, code in accounts_writable_by(actor).values_list("pk", "code")
    }
    people = _contact_lookup(set(visible.values()))
    departments = _department_lookup()
    lookups = {
        "severity": choice_lookup(Severity),
        "category": choice_lookup(Category),
        "channel": choice_lookup(Channel),
    }
    settings = complaint_settings()
    now = timezone.now()
    complaints: list[Complaint | None] = []
    for index, code in enumerate(text["account"]):
        row = index + 2
        bad = len(errors)
        account_id = visible.get(code.casefold()) if code else None
        if account_id is None:
            reason = _("no account with this code") if code else _("required")
            errors.append(RowError(row, "account", reason, code or ""))
        subject = text["subject"][index]
        if not subject:
            errors.append(RowError(row, "subject", _("required"), ""))
        chosen = {
            name: _choice(text[name][index], lookup, name, row, errors)
            for name, lookup in lookups.items()
        }
        received = _received(text["received"][index], date_format, now)
        if received is None:
            errors.append(RowError(row, "received", _("not a date"), text["received"][index]))
        elif received > now:
            errors.append(
                RowError(row, "received", _("in the future"), text["received"][index] or "")
            )
        department = text["department"][index]
        department_id = departments.get(normalise_header(department)) if department else None
        if department and department_id is None:
            errors.append(RowError(row, "department", _("no such internal department"), department))
        if len(errors) > bad or account_id is None or received is None:
            complaints.append(None)
            continue
        reporter = text["reporter"][index] or ""
        contact_id = people.get((account_id, reporter.casefold())) if reporter else None
        severity = str(chosen["severity"])
        due = due_times(received_at=received, severity=severity, settings=settings)
        complaints.append(
            Complaint(
                account_id=account_id,
                subject=subject,
                severity=severity,
                category=str(chosen["category"]),
                channel=str(chosen["channel"]),
                received_at=received,
                description=text["description"][index] or "",
                contact_id=contact_id,
                reporter_name="" if contact_id else reporter,
                department_id=department_id,
                status=Status.OPEN,
                acknowledge_due_at=due.acknowledge,
                resolve_due_at=due.resolve,
                created_by=actor,
            )
        )
    return complaints


def _summary(result: ComplaintImportResult) -> list[str]:
    return [
        rows_summary(result, _("%(created)s complaint(s) recorded") % {"created": result.created})
    ]


COMPLAINTS_IMPORTER = Importer(
    kind="complaints",
    label=gettext_noop("Complaints"),
    aliases=COMPLAINT_FIELDS,
    required=COMPLAINT_REQUIRED,
    options=(SKIP_TOTAL_ROWS,),
    load=master_data_loader(complaints_import),
    summary=_summary,
    help="Import customers' complaints.",
    date_help="strptime form of the received times.",
    user_help="The user recording the complaints.",
)


def register_importers() -> None:
    """The complaints' importer (EngagementConfig.ready)."""
    register(COMPLAINTS_IMPORTER)
