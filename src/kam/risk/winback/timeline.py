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


def _plan_entries(
    account: Account, limit: int, before: Cursor | None, plan_id: int | None = None
) -> list[HistoryEntry]:
    rows = WinBackPlan.history.model.objects.filter(account_id=account.pk).select_related(
        "history_user"
    )
    if plan_id is not None:
        rows = rows.filter(id=plan_id)
    outcomes = {value: str(label) for value, label in PlanOutcome.choices}
    entries = []
    for row in keyset(rows, "history_date", PLAN_STREAM, before, pk="history_id")[:limit]:
        detail = ""
        if row.history_type == "+":
            action = _("started a win-back plan")
            detail = row.goal
        elif row.status == PlanStatus.CLOSED:
            action = _("closed the win-back plan: %(outcome)s") % {
                "outcome": outcomes.get(row.outcome, row.outcome)
            }
            detail = row.outcome_note
        elif row.history_type == "~":
            action = _("reopened the win-back plan")
        else:
            action = _("deleted a win-back plan")
        entries.append(
            HistoryEntry(
                row.history_date,
                who(row.history_user),
                action,
                (),
                WIN_BACK,
                detail[:300],
                key=entry_key(PLAN_STREAM, row.history_id),
                link=plan_url(account.pk, row.id),
            )
        )
    return entries


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
    rows = Intervention.history.model.objects.filter(plan__account_id=account.pk).select_related(
        "history_user", "owner"
    )
    if plan_id is not None:
        rows = rows.filter(plan_id=plan_id)
    kinds = {value: str(label) for value, label in InterventionKind.choices}
    entries = []
    for row in keyset(rows, "history_date", INTERVENTION_STREAM, before, pk="history_id")[:limit]:
        changes: tuple[HistoryChange, ...] = ()
        if row.status == InterventionStatus.PLANNED:
            changes = (
                HistoryChange(_("owner"), "", who(row.owner)),
                HistoryChange(_("due on"), "", row.due_on.isoformat()),
            )
        entries.append(
            HistoryEntry(
                row.history_date,
                who(row.history_user),
                _step_action(row, kinds.get(row.kind, row.kind)),
                changes,
                WIN_BACK,
                row.description[:300],
                key=entry_key(INTERVENTION_STREAM, row.history_id),
                link=plan_url(account.pk, row.plan_id),
            )
        )
    return entries


def _reason_entries(
    account: Account, limit: int, before: Cursor | None, plan_id: int | None = None
) -> list[HistoryEntry]:
    rows = WinBackReason.history.model.objects.filter(plan__account_id=account.pk).select_related(
        "history_user"
    )
    if plan_id is not None:
        rows = rows.filter(plan_id=plan_id)
    kinds = {value: str(label) for value, label in ReasonKind.choices}
    entries = []
    for row in keyset(rows, "history_date", REASON_STREAM, before, pk="history_id")[:limit]:
        what = {"reason": kinds.get(row.kind, row.kind)}
        if row.history_type == "+" and not row.proposed:
            action = _("added the reason “%(reason)s”") % what
        elif row.history_type == "+":
            action = _("found evidence of “%(reason)s”") % what
        elif row.status == ReasonStatus.CONFIRMED:
            action = _("confirmed the reason “%(reason)s”") % what
        elif row.status == ReasonStatus.REJECTED:
            action = _("rejected the reason “%(reason)s”") % what
        else:
            action = _("refreshed the evidence of “%(reason)s”") % what
        entries.append(
            HistoryEntry(
                row.history_date,
                who(row.history_user),
                action,
                (),
                WIN_BACK,
                (row.note or row.summary)[:300],
                key=entry_key(REASON_STREAM, row.history_id),
                link=plan_url(account.pk, row.plan_id),
            )
        )
    return entries


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
