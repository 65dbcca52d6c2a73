"""The win-back plans in the account's timeline (kam.accounts.timeline, DOMAIN §10): each plan
started, closed with its outcome and reopened, each reason found and decided, each
intervention planned, changed, done and
cancelled — read from their history (the services save a plan only when it starts, closes or
reopens), one query per stream a page."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from kam.accounts.models import Account
from kam.accounts.selectors import HistoryChange, HistoryEntry
from kam.accounts.timeline import Cursor, Kind, entry_key, keyset, register_history, wants, who
from kam.risk.models import (
    Intervention,
    InterventionKind,
    InterventionStatus,
    PlanOutcome,
    PlanStatus,
    ReasonKind,
    ReasonStatus,
    WinBackPlan,
    WinBackReason,
)
from kam.risk.winback.links import plan_url

WIN_BACK = "win_back"
KINDS = (Kind(WIN_BACK, gettext_lazy("win-back"), "↺", "green"),)
PLAN_STREAM, REASON_STREAM, INTERVENTION_STREAM = (
    "win_back_plan",
    "win_back_reason",
    "win_back_step",
)


def _history_rows(
    model: Any,
    stream: str,
    limit: int,
    before: Cursor | None,
    scope: dict[str, int],
    *related: str,
) -> list[Any]:
    """A page of one model's history rows, newest first, keyset on the moment recorded."""
    rows = model.history.model.objects.filter(**scope).select_related("history_user", *related)
    return list(keyset(rows, "history_date", stream, before, pk="history_id")[:limit])


def _plan_scope(account: Account, plan_id: int | None) -> dict[str, int]:
    """A plan's reasons or interventions, or those of all the account's plans."""
    return {"plan_id": plan_id} if plan_id else {"plan__account_id": account.pk}


def _entry(
    row: Any,
    stream: str,
    action: str,
    detail: str,
    plan_id: int,
    account: Account,
    changes: tuple[HistoryChange, ...] = (),
) -> HistoryEntry:
    return HistoryEntry(
        row.history_date,
        who(row.history_user),
        action,
        changes,
        WIN_BACK,
        detail[:300],
        key=entry_key(stream, row.history_id),
        link=plan_url(account.pk, plan_id),
    )


def _plan_action(row: Any, outcomes: dict[str, str]) -> str:
    if row.history_type == "+":
        return _("started a win-back plan")
    if row.status == PlanStatus.CLOSED:
        return _("closed the win-back plan: %(outcome)s") % {
            "outcome": outcomes.get(row.outcome, row.outcome)
        }
    if row.history_type == "~":
        return _("reopened the win-back plan")
    return _("deleted a win-back plan")


def _plan_detail(row: Any) -> str:
    if row.history_type == "+":
        return str(row.goal)
    return str(row.outcome_note) if row.status == PlanStatus.CLOSED else ""


def _plan_entries(
    account: Account, limit: int, before: Cursor | None, plan_id: int | None = None
) -> list[HistoryEntry]:
    outcomes = {value: str(label) for value, label in PlanOutcome.choices}
    scope = {"id": plan_id} if plan_id else {"account_id": account.pk}
    return [
        _entry(
            row,
            PLAN_STREAM,
            _plan_action(row, outcomes),
            _plan_detail(row),
            row.id,
            account,
        )
        for row in _history_rows(WinBackPlan, PLAN_STREAM, limit, before, scope)
    ]


def _step_action(row: Any, kind: str) -> str:
    what = {"kind": kind}
    if row.history_type == "+":
        return _("planned the win-back intervention “%(kind)s”") % what
    if row.history_type == "-":
        return _("removed the win-back intervention “%(kind)s”") % what
    if row.status == InterventionStatus.DONE:
        return _("carried out the win-back intervention “%(kind)s”") % what
    if row.status == InterventionStatus.CANCELLED:
        return _("cancelled the win-back intervention “%(kind)s”") % what
    return _("changed the win-back intervention “%(kind)s”") % what


def _intervention_entries(
    account: Account, limit: int, before: Cursor | None, plan_id: int | None = None
) -> list[HistoryEntry]:
    kinds = {value: str(label) for value, label in InterventionKind.choices}
    scope = _plan_scope(account, plan_id)
    entries = []
    for row in _history_rows(Intervention, INTERVENTION_STREAM, limit, before, scope, "owner"):
        changes: tuple[HistoryChange, ...] = ()
        if row.status == InterventionStatus.PLANNED:
            changes = (
                HistoryChange(_("owner"), "", who(row.owner)),
                HistoryChange(_("due on"), "", row.due_on.isoformat()),
            )
        action = _step_action(row, kinds.get(row.kind, row.kind))
        entries.append(
            _entry(row, INTERVENTION_STREAM, action, row.description, row.plan_id, account, changes)
        )
    return entries


def _reason_action(row: Any, kind: str) -> str:
    what = {"reason": kind}
    if row.history_type == "+" and not row.proposed:
        return _("added the reason “%(reason)s”") % what
    if row.history_type == "+":
        return _("found evidence of “%(reason)s”") % what
    if row.status == ReasonStatus.CONFIRMED:
        return _("confirmed the reason “%(reason)s”") % what
    if row.status == ReasonStatus.REJECTED:
        return _("rejected the reason “%(reason)s”") % what
    return _("refreshed the evidence of “%(reason)s”") % what


def _reason_entries(
    account: Account, limit: int, before: Cursor | None, plan_id: int | None = None
) -> list[HistoryEntry]:
    kinds = {value: str(label) for value, label in ReasonKind.choices}
    scope = _plan_scope(account, plan_id)
    return [
        _entry(
            row,
            REASON_STREAM,
            _reason_action(row, kinds.get(row.kind, row.kind)),
            row.note or row.summary,
            row.plan_id,
            account,
        )
        for row in _history_rows(WinBackReason, REASON_STREAM, limit, before, scope)
    ]


def plan_history(plan: WinBackPlan, limit: int = 200) -> list[HistoryEntry]:
    """One plan's history, newest first: started, reasons found and decided, interventions,
    closed and reopened (§10)."""
    account = plan.account
    entries = [
        *_plan_entries(account, limit, None, plan.pk),
        *_reason_entries(account, limit, None, plan.pk),
        *_intervention_entries(account, limit, None, plan.pk),
    ]
    entries.sort(key=Cursor.of, reverse=True)
    return entries[:limit]


def win_back_history(
    account: Account, limit: int, kinds: set[str] | None = None, before: Cursor | None = None
) -> Iterable[HistoryEntry]:
    """The account's win-back plans and interventions, newest first (§10)."""
    if not wants(kinds, WIN_BACK):
        return []
    return [
        *_plan_entries(account, limit, before),
        *_reason_entries(account, limit, before),
        *_intervention_entries(account, limit, before),
    ]


def register_timeline() -> None:
    register_history("win_back", win_back_history, KINDS)
