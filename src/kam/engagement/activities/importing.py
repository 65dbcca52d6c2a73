"""`kam import activities`: visits, calls and the rest from CSV or XLSX, whole or not at all.

A file has `account` (a code), `kind`, `date` and `subject`, and may have `time` (HH:MM, the
company's time zone; 09:00 when empty), `status` (done or planned; done when empty),
`channel` (the kind's usual one when empty), `duration` (minutes), `notes`, `outcome`,
`next_step`, `next_step_on` and `contacts` (names or emails of the account's contacts,
separated by ";"). Done rows move their contacts' last contact forward and turn their next
step into a planned activity, as on the pages (DOMAIN §9, docs/rules.md "Cadence").
"""

from __future__ import annotations

import datetime as dt
import math
import re
from collections import defaultdict
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import pyarrow as pa
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop
from simple_history.utils import bulk_create_with_history

from kam.accounts.selectors import accounts_writable_by
from kam.accounts.signals import contacts_met
from kam.core.choices import choice_lookup
from kam.core.validators import in_calendar, outside_calendar_message
from kam.engagement.activities.forms import USUAL_CHANNEL
from kam.engagement.activities.models import Activity, ActivityKind, ActivityStatus, Channel
from kam.engagement.activities.services import NEXT_STEP_DAYS, NEXT_STEP_TIME
from kam.importing.mapping import match_columns
from kam.importing.reading import sniff, whole_table
from kam.importing.registry import SKIP_TOTAL_ROWS, Importer, master_data_loader, register
from kam.importing.results import RowError, RowsResult, cut_total_rows, rows_summary, unsafe_cells
from kam.importing.values import date_order, normalise_header, parse_dates, text_column
from kam.org.models import User
from kam.org.permissions import require_write

ACTIVITY_FIELDS: dict[str, tuple[str, ...]] = {
    "account": ("account", "account_code", "customer", "customer_code", "客户编码", "客户"),
    "kind": ("kind", "type", "activity", "activity_type", "类型", "活动类型"),
    "date": ("date", "day", "done_on", "planned_on", "日期"),
    "time": ("time", "时间"),
    "subject": ("subject", "title", "topic", "主题"),
    "status": ("status", "状态"),
    "channel": ("channel", "渠道"),
    "duration": ("duration", "duration_minutes", "minutes", "时长"),
    "notes": ("notes", "note", "备注"),
    "outcome": ("outcome", "result", "结果"),
    "next_step": ("next_step", "next", "下一步"),
    "next_step_on": ("next_step_on", "next_date", "下一步日期"),
    "contacts": ("contacts", "participants", "their_participants", "客户参与人", "联系人"),
}
ACTIVITY_REQUIRED = ("account", "kind", "date", "subject")
LIMITS = {"subject": 200, "notes": 5000, "outcome": 2000, "next_step": 500}
IDENTIFYING = frozenset({"account", "contacts"})
TIME = re.compile(r"^([01]?\d|2[0-3]):([0-5]\d)(?::[0-5]\d)?$")


@dataclass
class ActivityImportResult(RowsResult):
    created: int = 0
    planned_next: int = 0


def activities_import(
    *,
    actor: User,
    path: Path,
    mapping: dict[str, str] | None = None,
    date_format: str | None = None,
    dry_run: bool = False,
    skip_total_rows: bool = False,
) -> ActivityImportResult:
    """Create the activities of the accounts the actor may write (§9, §13); a row naming
    another account reads as an unknown code. Raises FileRejected when the file as a whole
    cannot be read."""
    require_write(actor)
    source = sniff(path)
    columns = dict(
        match_columns(source.header, ACTIVITY_FIELDS, ACTIVITY_REQUIRED, mapping).columns
    )
    table = whole_table(source)
    result = ActivityImportResult("imported", rows_read=table.num_rows)
    cut = cut_total_rows(table, source.header, skip=skip_total_rows)
    table, result.total_rows_skipped = cut.table, cut.skipped
    result.errors.extend(cut.errors)
    raw = {name: text_column(table, columns, name) for name in ACTIVITY_FIELDS}
    rows = _rows(actor, raw, date_format, result.errors)
    if result.errors:
        result.status = "rejected"
        return result
    with transaction.atomic():
        _save(actor, rows, result)
        if dry_run:
            result.status = "dry_run"
            transaction.set_rollback(True)
    return result


def _dates(raw: pa.Array, name: str, date_format: str | None, errors: list[RowError]) -> list[Any]:
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


def _people(account_ids: set[int]) -> dict[tuple[int, str], int]:
    """(account, name or email folded) → contact, through the relation's own model: engagement
    does not import the buying centre."""
    contact = Activity._meta.get_field("their_participants").related_model
    found: dict[tuple[int, str], int] = {}
    for pk, account_id, name, email in (
        contact._default_manager.filter(account_id__in=account_ids, merged_into__isnull=True)
        .order_by("-active", "id")
        .values_list("pk", "account_id", "name", "email")
    ):
        found.setdefault((account_id, name.casefold()), pk)
        if email:
            found.setdefault((account_id, email.casefold()), pk)
    return found


def _choice(
    text: str | None, lookup: dict[str, str], name: str, row: int, errors: list[RowError]
) -> str | None:
    if text is None:
        return None
    value = lookup.get(normalise_header(text))
    if value is None:
        choices = ", ".join(sorted(set(lookup.values())))
        errors.append(
            RowError(row, name, _("not one of: %(choices)s") % {"choices": choices}, text)
        )
    return value


def _rows(
    actor: User, raw: dict[str, pa.Array], date_format: str | None, errors: list[RowError]
) -> list[tuple[Activity, list[int]]]:
    """One unsaved activity and its contacts per row, or errors naming row and column."""
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
    days = _dates(raw["date"], "date", date_format, errors)
    next_days = _dates(raw["next_step_on"], "next_step_on", date_format, errors)
    kinds, channels = choice_lookup(ActivityKind), choice_lookup(Channel)
    statuses = {
        k: v
        for k, v in choice_lookup(ActivityStatus).items()
        if v in (ActivityStatus.DONE, ActivityStatus.PLANNED)
    }
    visible = {
        code.casefold(): pk for pk, code in accounts_writable_by(actor).values_list("pk", "code")
    }
    people = _people(set(visible.values()))
    found: list[tuple[Activity, list[int]]] = []
    for index, code in enumerate(text["account"]):
        row = index + 2
        bad = len(errors)
        account_id = visible.get(code.casefold()) if code else None
        if account_id is None:
            reason = _("no account with this code") if code else _("required")
            errors.append(RowError(row, "account", reason, code or ""))
        kind = _choice(text["kind"][index], kinds, "kind", row, errors)
        if text["kind"][index] is None:
            errors.append(RowError(row, "kind", _("required"), ""))
        channel = _choice(text["channel"][index], channels, "channel", row, errors)
        status = _choice(text["status"][index], statuses, "status", row, errors)
        subject = text["subject"][index]
        if not subject:
            errors.append(RowError(row, "subject", _("required"), ""))
        day = days[index]
        if day is None and text["date"][index] is None:
            errors.append(RowError(row, "date", _("required"), ""))
        moment = _time(text["time"][index], row, errors)
        minutes = _minutes(text["duration"][index], row, errors)
        if text["next_step_on"][index] and not text["next_step"][index]:
            errors.append(RowError(row, "next_step", _("required with next_step_on"), ""))
        contact_ids = _contact_ids(text["contacts"][index], account_id, people, row, errors)
        if len(errors) > bad or account_id is None or kind is None or day is None or not subject:
            continue
        when = timezone.make_aware(dt.datetime.combine(day, moment))
        status = status or ActivityStatus.DONE
        activity = Activity(
            account_id=account_id,
            kind=kind,
            channel=channel or USUAL_CHANNEL[ActivityKind(kind)],
            status=status,
            planned_for=when,
            done_at=when if status == ActivityStatus.DONE else None,
            duration_minutes=minutes,
            subject=subject,
            notes=text["notes"][index] or "",
            outcome=text["outcome"][index] or "",
            next_step=text["next_step"][index] or "",
            next_step_on=next_days[index],
            owner=actor,
        )
        found.append((activity, contact_ids))
    return found


def _time(value: str | None, row: int, errors: list[RowError]) -> dt.time:
    """The time of day (09:00 when empty)."""
    clock = (value or "").strip()
    if not clock:
        return NEXT_STEP_TIME
    match = TIME.match(clock)
    if match is None:
        errors.append(RowError(row, "time", _("not a time (HH:MM)"), clock))
        return NEXT_STEP_TIME
    return dt.time(int(match.group(1)), int(match.group(2)))


def _contact_ids(
    value: str | None,
    account_id: int | None,
    people: dict[tuple[int, str], int],
    row: int,
    errors: list[RowError],
) -> list[int]:
    """The row's contacts, named or emailed and separated by ";", each of the account."""
    found: list[int] = []
    if account_id is None:
        return found
    for name in (value or "").split(";"):
        if not name.strip():
            continue
        pk = people.get((account_id, name.strip().casefold()))
        if pk is None:
            reason = _("no contact of this account with this name or email")
            errors.append(RowError(row, "contacts", reason, name.strip()))
        elif pk not in found:
            found.append(pk)
    return found


def _minutes(value: str | None, row: int, errors: list[RowError]) -> int | None:
    if value is None:
        return None
    try:
        number = float(value.replace(",", "."))
    except ValueError:
        number = float("nan")
    if math.isnan(number) or number != int(number) or not 1 <= number <= 24 * 60:
        errors.append(RowError(row, "duration", _("not a number of minutes from 1 to 1440"), value))
        return None
    return int(number)


def _save(
    actor: User, rows: list[tuple[Activity, list[int]]], result: ActivityImportResult
) -> None:
    """Write the activities in bulk, their contacts, the next steps, and move the last
    contacts forward: one signal per date."""
    activities = [activity for activity, _ in rows]
    # Both stores return the new keys from a bulk insert (SQLite ≥ 3.35, PostgreSQL).
    bulk_create_with_history(activities, Activity, default_user=actor, batch_size=1000)
    through = Activity.their_participants.through
    through.objects.bulk_create(
        [
            through(activity_id=activity.pk, contact_id=contact_id)
            for activity, contact_ids in rows
            for contact_id in contact_ids
        ],
        batch_size=1000,
    )
    follows: list[Activity] = []
    met: dict[dt.date, set[int]] = defaultdict(set)
    for activity, contact_ids in rows:
        if activity.status != ActivityStatus.DONE or activity.done_at is None:
            continue
        on = timezone.localdate(activity.done_at)
        met[on].update(contact_ids)
        if activity.next_step:
            day = activity.next_step_on or on + dt.timedelta(days=NEXT_STEP_DAYS)
            follows.append(
                Activity(
                    account_id=activity.account_id,
                    kind=activity.kind,
                    channel=activity.channel,
                    status=ActivityStatus.PLANNED,
                    planned_for=timezone.make_aware(dt.datetime.combine(day, NEXT_STEP_TIME)),
                    subject=activity.next_step[:200],
                    owner=actor,
                    follows_id=activity.pk,
                )
            )
    bulk_create_with_history(follows, Activity, default_user=actor, batch_size=1000)
    for on, people in sorted(met.items()):
        if people:
            contacts_met.send(Activity, contact_ids=sorted(people), on=on, actor=actor)
    result.created, result.planned_next = len(activities), len(follows)


def _summary(result: ActivityImportResult) -> list[str]:
    done = _("%(created)s activities created, %(next)s next steps planned") % {
        "created": result.created,
        "next": result.planned_next,
    }
    return [rows_summary(result, done)]


ACTIVITIES_IMPORTER = Importer(
    kind="activities",
    label=gettext_noop("Activities"),
    aliases=ACTIVITY_FIELDS,
    required=ACTIVITY_REQUIRED,
    options=(SKIP_TOTAL_ROWS,),
    load=master_data_loader(activities_import),
    summary=_summary,
    help="Import visits, calls, meetings and other activities with the customers.",
    date_help="strptime form of the dates.",
    user_help="The user recording the activities.",
)


def register_importers() -> None:
    """The activities' importer (EngagementConfig.ready)."""
    register(ACTIVITIES_IMPORTER)
