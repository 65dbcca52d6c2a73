"""Writes of alerts (DOMAIN §10): raising one, syncing a kind's open set for a run, and the
workflow open → acknowledged → resolved with assignment, comments and follow-ups
(docs/rules.md "Alerts")."""

from __future__ import annotations

from collections.abc import Collection, Iterator, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy

from kam.accounts.models import Account, Note
from kam.accounts.selectors import accounts_visible_to
from kam.accounts.services import note_add
from kam.alerts.followups import NOTE, follow_up_type
from kam.alerts.models import (
    ALERT_STATE,
    Alert,
    AlertComment,
    AlertFollowUp,
    AlertSeverity,
    AlertState,
    CommentAction,
    Resolution,
)
from kam.alerts.registry import AlertKind, Clears, Finding, english, kind_find, kind_get
from kam.core.bulk import history_copy, insert_values, reserve_ids, update_values
from kam.core.errors import Conflict, InvalidInput
from kam.core.history import save_as
from kam.org.models import User
from kam.org.permissions import require_write

ERROR_COMMENT_REQUIRED = gettext_lazy(
    "A critical alert is acknowledged with a comment: say what you will do about it."
)
ERROR_REASON_REQUIRED = gettext_lazy("Say why the alert is resolved.")
ERROR_COMMENT_EMPTY = gettext_lazy("A comment needs some text.")
ERROR_ASSIGNEE_CANNOT_SEE = gettext_lazy(
    "Assign the alert to someone who can see the account and may act on it."
)
ERROR_REOPEN_CLEARED = gettext_lazy(
    "The condition of this alert cleared on a later run: it is not reopened by hand; the "
    "next run raises it again if the condition comes back."
)
ERROR_REOPEN_TAKEN = gettext_lazy(
    "This account already has an open alert of this kind: work on that one instead."
)
ERROR_ASSIGN_RESOLVED = gettext_lazy("A resolved alert is not assigned.")
ERROR_FOLLOW_UP_UNKNOWN = gettext_lazy("No such follow-up on this alert's account.")
ERROR_FOLLOW_UP_TWICE = gettext_lazy("This follow-up is linked to the alert already.")
ERROR_FOLLOW_UP_TYPE = gettext_lazy("Unknown follow-up type.")

TEXT_MOST = 5000


def _check_severity(severity: str) -> str:
    if severity not in AlertSeverity.values:
        raise ValueError(f"unknown severity {severity!r}")
    return severity


def _found(value: Finding | Mapping[str, Any]) -> Finding:
    return value if isinstance(value, Finding) else Finding(data=dict(value))


def alert_raise(
    account: Account | int,
    kind: str,
    *,
    data: Mapping[str, Any] | None = None,
    cause: Mapping[str, Any] | None = None,
    severity: str | None = None,
    message: str | None = None,
) -> Alert:
    """Open an alert of a registered kind, or refresh the open one of the same account and
    kind (idempotent; §10). Severity and message follow the kind from the cause and data
    unless given. Raises LookupError for an unregistered kind, ValueError for an unknown
    severity."""
    declared = kind_get(kind)
    account_id = account if isinstance(account, int) else account.pk
    finding = Finding(data=dict(data or {}), cause=dict(cause or {}))
    severity = _check_severity(severity or declared.severity_for(finding))
    message = message if message is not None else declared.message(finding)
    values = {"severity": severity, "message": message, "data": finding.data}
    values["cause"] = finding.cause
    with transaction.atomic():
        alert = (
            Alert.objects.select_for_update()
            .filter(account_id=account_id, kind=kind, is_open=True)
            .first()
        )
        if alert is None:
            return Alert.objects.create(account_id=account_id, kind=kind, **values)
        if any(getattr(alert, name) != value for name, value in values.items()):
            for name, value in values.items():
                setattr(alert, name, value)
            alert.save(update_fields=list(values))
        return alert


REFRESHED = ["severity", "message", "data", "cause"]
RESOLVED_FIELDS = ["state", "is_open", "resolved_at", "resolution"]
# The columns a new alert is written with (the others keep their defaults: none, "").
OPENED = [
    "id",
    "account",
    "kind",
    *REFRESHED,
    "created_at",
    "state",
    "is_open",
    "resolution",
    "resolution_reason",
]
CHUNK = 2000


@dataclass(frozen=True)
class SyncResult:
    """What one `alerts_sync` did: how many alerts it opened, refreshed and resolved."""

    opened: int = 0
    refreshed: int = 0
    resolved: int = 0


def _chunks(values: Sequence[int], size: int = CHUNK) -> Iterator[list[int]]:
    for start in range(0, len(values), size):
        yield list(values[start : start + size])


def _open_alerts(kind: str, within: Collection[int] | None) -> dict[int, tuple[Any, ...]]:
    """Account id → (pk, severity, message, data, cause) of the kind's open alerts, locked
    (PostgreSQL; SQLite's write lock is the transaction's already)."""
    rows = Alert.objects.select_for_update().filter(kind=kind, is_open=True).order_by()
    columns = ("account_id", "pk", *REFRESHED)
    if within is None or len(within) > CHUNK:
        found = {row[0]: row[1:] for row in rows.values_list(*columns)}
        return found if within is None else {pk: found[pk] for pk in within if pk in found}
    return {
        row[0]: row[1:] for row in rows.filter(account_id__in=list(within)).values_list(*columns)
    }


@transaction.atomic
def alerts_sync(
    kind: str,
    wanted: Mapping[int, Finding | Mapping[str, Any]],
    *,
    keep: Collection[int] = (),
    within: Collection[int] | None = None,
) -> SyncResult:
    """Make the open alerts of a kind match one run's findings, `wanted` (account id → a
    finding, or the data alone): the one bulk path every sweep raises, refreshes and
    resolves alerts through (DOMAIN §10, docs/rules.md "Alerts"). It opens the new ones,
    refreshes the changed ones (severity, message, data, cause; the state stays) and, for a
    kind that clears when its condition clears, resolves the open ones the run no longer
    finds — except those of the accounts in `keep` (whose condition still holds) and, when
    `within` is given (the accounts the run looked at), those of every other account.

    A few statements whatever the number of accounts: one read of the open alerts, then
    keys reserved, rows inserted and updated by the store's bulk path (kam.core.bulk) and
    every change recorded in the history by one INSERT … SELECT per chunk (author: the
    system). A rerun with the same findings writes nothing. Raises LookupError for an
    unregistered kind, ValueError for an unknown severity."""
    declared = kind_get(kind)
    if within is not None:
        scope = set(within)
        wanted = {pk: value for pk, value in wanted.items() if pk in scope}
    open_now = _open_alerts(kind, within)
    created: list[list[Any]] = []
    changed: list[list[Any]] = []
    moment = timezone.now()
    with english():
        for pk, value in wanted.items():
            finding = _found(value)
            fields = [
                _check_severity(declared.severity_for(finding)),
                declared.message(finding),
                dict(finding.data),
                dict(finding.cause),
            ]
            alert = open_now.get(pk)
            if alert is None:
                created.append([pk, kind, *fields, moment, AlertState.OPEN, True, "", ""])
            elif list(alert[1:]) != fields:
                changed.append([*fields, alert[0]])
    resolved: list[int] = []
    if declared.clears is Clears.WHEN_CONDITION_CLEARS:
        resolved = [
            alert[0] for pk, alert in open_now.items() if pk not in wanted and pk not in keep
        ]
    if created:
        keys = reserve_ids(Alert, len(created))
        insert_values(Alert, OPENED, ([key, *row] for key, row in zip(keys, created, strict=True)))
        history_copy(Alert, keys, user_id=None, history_type="+")
    if changed:
        update_values(Alert, REFRESHED, changed)
        history_copy(Alert, [row[-1] for row in changed], user_id=None)
    for part in _chunks(resolved):
        Alert.objects.filter(pk__in=part).update(
            state=AlertState.RESOLVED,
            is_open=False,
            resolved_at=moment,
            resolution=Resolution.CONDITION_CLEARED,
        )
    history_copy(Alert, resolved, user_id=None)
    return SyncResult(len(created), len(changed), len(resolved))


def _text(value: str | None) -> str:
    return (value or "").strip()[:TEXT_MOST]


def _note(actor: User, alert: Alert, action: str, body: str) -> AlertComment:
    comment = AlertComment(alert=alert, author=actor, action=action, body=body)
    save_as(actor, comment)
    return comment


@transaction.atomic
def alert_acknowledge(*, actor: User, alert: Alert, comment: str = "") -> Alert:
    """Someone has seen the alert and takes it on (§10): open → acknowledged, recording who
    and when, and the comment (required for a critical alert). Acknowledging resolves
    nothing. Raises PermissionDenied for read-only users, InvalidInput without the comment a
    critical alert needs, Conflict when the alert is not open."""
    require_write(actor)
    body = _text(comment)
    if alert.severity == AlertSeverity.CRITICAL and not body:
        raise InvalidInput(str(ERROR_COMMENT_REQUIRED), field="comment")
    now = timezone.now()
    ALERT_STATE.move_instance(
        alert, AlertState.ACKNOWLEDGED, acknowledged_at=now, acknowledged_by=actor
    )
    save_as(actor, alert, update_fields=["state", "acknowledged_at", "acknowledged_by"])
    _note(actor, alert, CommentAction.ACKNOWLEDGE, body)
    return alert


@transaction.atomic
def alert_resolve(*, actor: User, alert: Alert, reason: str) -> Alert:
    """Resolve an alert by hand with a reason (§10), recording who and when; open or
    acknowledged → resolved. Raises PermissionDenied for read-only users, InvalidInput
    without a reason, Conflict when it is resolved already."""
    require_write(actor)
    body = _text(reason)
    if not body:
        raise InvalidInput(str(ERROR_REASON_REQUIRED), field="reason")
    ALERT_STATE.move_instance(
        alert,
        AlertState.RESOLVED,
        is_open=False,
        resolved_at=timezone.now(),
        resolved_by=actor,
        resolution=Resolution.BY_HAND,
        resolution_reason=body,
    )
    save_as(actor, alert, update_fields=[*RESOLVED_FIELDS, "resolved_by", "resolution_reason"])
    _note(actor, alert, CommentAction.RESOLVE, body)
    return alert


@transaction.atomic
def alert_reopen(*, actor: User, alert: Alert, comment: str = "") -> Alert:
    """Reopen an alert resolved by hand (docs/rules.md "Alerts"): resolved → open, the
    acknowledgement and resolution cleared (the comments keep them). Raises PermissionDenied
    for read-only users, Conflict when it is not resolved, when its condition cleared by
    itself, or when the account has another open alert of the kind."""
    require_write(actor)
    if alert.state == AlertState.RESOLVED and alert.resolution != Resolution.BY_HAND:
        raise Conflict(str(ERROR_REOPEN_CLEARED), field="state")
    taken = Alert.objects.filter(account_id=alert.account_id, kind=alert.kind, is_open=True)
    if alert.state == AlertState.RESOLVED and taken.exclude(pk=alert.pk).exists():
        raise Conflict(str(ERROR_REOPEN_TAKEN), field="state")
    ALERT_STATE.move_instance(
        alert,
        AlertState.OPEN,
        is_open=True,
        resolved_at=None,
        resolved_by=None,
        resolution="",
        resolution_reason="",
        acknowledged_at=None,
        acknowledged_by=None,
    )
    save_as(
        actor,
        alert,
        update_fields=[
            *RESOLVED_FIELDS,
            "resolved_by",
            "resolution_reason",
            "acknowledged_at",
            "acknowledged_by",
        ],
    )
    _note(actor, alert, CommentAction.REOPEN, _text(comment))
    return alert


@transaction.atomic
def alert_assign(*, actor: User, alert: Alert, assignee_id: int | None) -> Alert:
    """Give the alert to a user who can see its account and may write (or to nobody, with
    None); the move is written in its comments. Raises PermissionDenied for read-only users,
    InvalidInput (field assignee_id) for anyone else, Conflict when it is resolved."""
    require_write(actor)
    if alert.state == AlertState.RESOLVED:
        raise Conflict(str(ERROR_ASSIGN_RESOLVED), field="state")
    assignee = None
    if assignee_id is not None:
        assignee = User.objects.filter(pk=assignee_id, is_active=True).first()
        if assignee is None or not (
            assignee.can_write
            and accounts_visible_to(assignee).filter(pk=alert.account_id).exists()
        ):
            raise InvalidInput(str(ERROR_ASSIGNEE_CANNOT_SEE), field="assignee_id")
    if alert.assignee_id == assignee_id:
        return alert
    alert.assignee = assignee
    save_as(actor, alert, update_fields=["assignee"])
    _note(actor, alert, CommentAction.ASSIGN, assignee.display_name if assignee else "")
    return alert


@transaction.atomic
def alert_comment_add(*, actor: User, alert: Alert, body: str) -> AlertComment:
    """Add a comment to an alert in any state (§10). Raises PermissionDenied for read-only
    users, InvalidInput for an empty comment."""
    require_write(actor)
    text = _text(body)
    if not text:
        raise InvalidInput(str(ERROR_COMMENT_EMPTY), field="body")
    return _note(actor, alert, CommentAction.COMMENT, text)


@transaction.atomic
def alert_follow_up_link(
    *, actor: User, alert: Alert, target_type: str, target_id: int
) -> AlertFollowUp:
    """Link an object of a registered follow-up type under the alert's account (a note now)
    as the work done about the alert (§10). Raises PermissionDenied for read-only users,
    InvalidInput for an unknown type or an object not under the account, Conflict when it
    is linked already."""
    require_write(actor)
    declared = follow_up_type(target_type)
    if declared is None:
        raise InvalidInput(str(ERROR_FOLLOW_UP_TYPE), field="target_type")
    if target_id not in declared.find(alert.account_id, [target_id]):
        raise InvalidInput(str(ERROR_FOLLOW_UP_UNKNOWN), field="target_id")
    if AlertFollowUp.objects.filter(
        alert=alert, target_type=target_type, target_id=target_id
    ).exists():
        raise Conflict(str(ERROR_FOLLOW_UP_TWICE), field="target_id")
    link = AlertFollowUp(
        alert=alert, target_type=target_type, target_id=target_id, created_by=actor
    )
    save_as(actor, link)
    return link


@transaction.atomic
def alert_follow_up_note(*, actor: User, alert: Alert, body: str) -> tuple[Note, AlertFollowUp]:
    """Write a note on the alert's account and link it as the alert's follow-up (§10).
    Raises what note_add and alert_follow_up_link raise."""
    note = note_add(actor=actor, account=alert.account, body=body)
    return note, alert_follow_up_link(actor=actor, alert=alert, target_type=NOTE, target_id=note.pk)


def alert_kind(alert: Alert) -> AlertKind | None:
    return kind_find(alert.kind)
