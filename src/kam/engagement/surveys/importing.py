"""`kam import survey-responses`: survey results from CSV or XLSX, whole or not at all (§9).

A file has `account` (a code) and `responded_on`, and at least one score per row: `nps`
(0–10) or `product`, `service`, `delivery`, `price`, `relationship` (CSAT 1–5); it may name
the `contact` (a name or email of one of the account's people), the `method` (interview, web
form, phone) and `comments`. Every row is a new response; any bad row rejects the file.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pyarrow as pa
from django.apps import apps
from django.db import transaction
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from kam.accounts.selectors import accounts_writable_by
from kam.core.choices import choice_lookup
from kam.core.validators import in_calendar, outside_calendar_message
from kam.engagement.surveys.models import ResponseSource, SurveyMethod, SurveyResponse
from kam.engagement.surveys.services import survey_responses_bulk_create
from kam.importing.mapping import match_columns
from kam.importing.reading import sniff, whole_table
from kam.importing.registry import SKIP_TOTAL_ROWS, Importer, master_data_loader, register
from kam.importing.results import RowError, RowsResult, cut_total_rows, rows_summary, unsafe_cells
from kam.importing.values import date_order, normalise_header, parse_dates, text_column
from kam.org.models import User
from kam.org.permissions import require_write

RESPONSE_FIELDS: dict[str, tuple[str, ...]] = {
    "account": ("account", "account_code", "customer", "customer_code", "客户编码", "客户"),
    "responded_on": ("responded_on", "date", "survey_date", "answered_on", "日期", "调查日期"),
    "contact": ("contact", "respondent", "name", "email", "联系人", "答复人"),
    "method": ("method", "channel", "方式", "调查方式"),
    "nps": ("nps", "recommend", "likely_to_recommend", "推荐意愿", "净推荐值"),
    "product": ("product", "csat_product", "产品", "产品满意度"),
    "service": ("service", "csat_service", "服务", "服务满意度"),
    "delivery": ("delivery", "csat_delivery", "交付", "交付满意度"),
    "price": ("price", "csat_price", "价格", "价格满意度"),
    "relationship": ("relationship", "csat_relationship", "关系", "关系满意度"),
    "comments": ("comments", "comment", "notes", "意见", "备注"),
}
RESPONSE_REQUIRED = ("account", "responded_on")
CSAT_COLUMNS = ("product", "service", "delivery", "price", "relationship")
COMMENTS_LIMIT = 5000
IDENTIFYING = frozenset({"account", "contact"})


@dataclass
class SurveyImportResult(RowsResult):
    created: int = 0
    accounts: int = 0


def survey_responses_import(
    *,
    actor: User,
    path: Path,
    mapping: dict[str, str] | None = None,
    date_format: str | None = None,
    dry_run: bool = False,
    skip_total_rows: bool = False,
) -> SurveyImportResult:
    """Add the file's responses to the accounts the actor may write (§9, §13): all rows or
    none; a row naming another's account reads as an unknown code. Raises FileRejected when
    the file as a whole cannot be read."""
    require_write(actor)
    source = sniff(path)
    columns = dict(
        match_columns(source.header, RESPONSE_FIELDS, RESPONSE_REQUIRED, mapping).columns
    )
    table = whole_table(source)
    result = SurveyImportResult("imported", rows_read=table.num_rows)
    cut = cut_total_rows(table, source.header, skip=skip_total_rows)
    table, result.total_rows_skipped = cut.table, cut.skipped
    result.errors.extend(cut.errors)
    raw = {name: text_column(table, columns, name) for name in RESPONSE_FIELDS}
    responses = _responses(actor, raw, date_format, result.errors)
    if result.errors:
        result.status = "rejected"
        return result
    with transaction.atomic():
        survey_responses_bulk_create(actor=actor, responses=responses)
        result.created = len(responses)
        result.accounts = len({response.account_id for response in responses})
        if dry_run:
            result.status = "dry_run"
            transaction.set_rollback(True)
    return result


def _responses(
    actor: User, raw: dict[str, pa.Array], date_format: str | None, errors: list[RowError]
) -> list[SurveyResponse]:
    for name, values in raw.items():
        errors.extend(unsafe_cells(name, values, identifying=name in IDENTIFYING))
    text = {name: values.to_pylist() for name, values in raw.items()}
    days = _dates(raw["responded_on"], date_format, errors)
    nps = _scores(text["nps"], "nps", 0, 10, errors)
    csat = {name: _scores(text[name], name, 1, 5, errors) for name in CSAT_COLUMNS}
    methods = choice_lookup(SurveyMethod)
    visible = {
        code.casefold(): pk for pk, code in accounts_writable_by(actor).values_list("pk", "code")
    }
    people = _people(set(visible.values()))
    rows: list[SurveyResponse] = []
    for index, code in enumerate(text["account"]):
        row = index + 2
        account_id = visible.get(code.casefold()) if code else None
        if account_id is None:
            reason = _("no account with this code") if code else _("required")
            errors.append(RowError(row, "account", reason, code or ""))
        if days[index] is None and text["responded_on"][index] is None:
            errors.append(RowError(row, "responded_on", _("required"), ""))
        scores = [nps[index], *(csat[name][index] for name in CSAT_COLUMNS)]
        if all(score is None for score in scores) and not _any_text(text, index):
            errors.append(RowError(row, "nps", _("no score: give NPS or a CSAT"), ""))
        contact_id = None
        who = text["contact"][index]
        if who and account_id is not None:
            contact_id = people.get((account_id, who.casefold()))
            if contact_id is None:
                errors.append(
                    RowError(
                        row, "contact", _("no contact of this account with this name or email"), who
                    )
                )
        method = SurveyMethod.WEB_FORM.value
        if text["method"][index]:
            found = methods.get(normalise_header(text["method"][index]))
            if found is None:
                choices = ", ".join(sorted(set(methods.values())))
                errors.append(
                    RowError(
                        row,
                        "method",
                        _("not one of: %(choices)s") % {"choices": choices},
                        text["method"][index],
                    )
                )
            else:
                method = found
        comments = text["comments"][index] or ""
        if len(comments) > COMMENTS_LIMIT:
            limit = _("longer than %(limit)s characters") % {"limit": COMMENTS_LIMIT}
            errors.append(RowError(row, "comments", limit, comments[:200]))
        day = days[index]
        if errors or account_id is None or day is None:
            continue
        rows.append(
            SurveyResponse(
                account_id=account_id,
                contact_id=contact_id,
                responded_on=day,
                method=method,
                nps=nps[index],
                **{f"csat_{name}": csat[name][index] for name in CSAT_COLUMNS},
                comments=comments,
                source=ResponseSource.IMPORT,
                entered_by=actor,
            )
        )
    return rows


def _any_text(text: dict[str, list[str | None]], index: int) -> bool:
    # A score cell that did not parse has its own error already: do not add "no score".
    return any(text[name][index] for name in ("nps", *CSAT_COLUMNS))


def _people(account_ids: set[int]) -> dict[tuple[int, str], int]:
    """(account, name or email folded) → contact id; contacts are read by model name (§7's
    app is on the same layer)."""
    contact = apps.get_model("relationships", "Contact")
    people: dict[tuple[int, str], int] = {}
    rows = contact.objects.filter(account_id__in=account_ids).order_by("pk")
    for pk, account_id, name, email in rows.values_list("pk", "account_id", "name", "email"):
        people.setdefault((account_id, name.casefold()), pk)
        if email:
            people[(account_id, email.casefold())] = pk
    return people


def _dates(raw: pa.Array, date_format: str | None, errors: list[RowError]) -> list[dt.date | None]:
    parsed = parse_dates(raw, None if date_format else date_order(raw), date_format)
    errors.extend(
        RowError(index + 2, "responded_on", _("not a date"), str(raw[index]))
        for index in np.flatnonzero(parsed.invalid).tolist()
    )
    values: list[dt.date | None] = parsed.values.to_pylist()
    for index, value in enumerate(values):
        if value is not None and not in_calendar(value):
            errors.append(
                RowError(index + 2, "responded_on", outside_calendar_message(), str(raw[index]))
            )
            values[index] = None
    return values


def _scores(
    texts: list[str | None], name: str, low: int, high: int, errors: list[RowError]
) -> list[int | None]:
    """Whole scores from `low` to `high`; 4 and 4.0 are the same score."""
    values: list[int | None] = []
    for row, cell in enumerate(texts, start=2):
        value = None
        if cell is not None:
            try:
                number = float(cell.replace(",", "."))
            except ValueError:
                number = float("nan")
            if number.is_integer() and low <= number <= high:
                value = int(number)
            else:
                message = _("not a score from %(low)s to %(high)s") % {"low": low, "high": high}
                errors.append(RowError(row, name, message, cell))
        values.append(value)
    return values


def _summary(result: SurveyImportResult) -> list[str]:
    done = _("%(created)s survey response(s) added to %(accounts)s account(s)") % {
        "created": result.created,
        "accounts": result.accounts,
    }
    return [rows_summary(result, done)]


SURVEY_RESPONSES_IMPORTER = Importer(
    kind="survey-responses",
    label=gettext_noop("Survey responses"),
    aliases=RESPONSE_FIELDS,
    required=RESPONSE_REQUIRED,
    options=(SKIP_TOTAL_ROWS,),
    load=master_data_loader(survey_responses_import),
    summary=_summary,
    help="Import satisfaction survey responses (NPS and CSAT).",
    date_help="strptime form of the response dates.",
    user_help="The user entering the responses.",
)


def register_importers() -> None:
    register(SURVEY_RESPONSES_IMPORTER)
