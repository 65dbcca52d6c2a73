"""Writes of complaints (DOMAIN §9; docs/rules.md "Complaints and service levels"): record,
edit, the flow open → acknowledged → in progress → resolved → closed with reopen, assignment
to a department and an owner, escalation to a conflict-resolution team, and the SLA settings.

Every move goes through `COMPLAINT_FLOW` (an illegal one raises Conflict, 409) and writes one
`ComplaintEvent`; a move that stops a clock clears that account's breach alert at once.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db import transaction
from django.utils.timezone import now as timezone_now
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from kam.accounts.models import Account
from kam.accounts.selectors import accounts_visible_to
from kam.core.errors import Conflict, InvalidInput, full_clean_or_raise
from kam.core.history import delete_as, save_as
from kam.engagement.complaints.models import (
    COMPLAINT_FLOW,
    COMPLAINT_SETTINGS_FIELDS,
    ESCALATABLE,
    Complaint,
    ComplaintEvent,
    ComplaintSettings,
    EventAction,
    Severity,
    Status,
)
from kam.engagement.complaints.selectors import complaint_settings, due_times
from kam.engagement.complaints.sweep import account_breaches_refresh
from kam.org.models import Department, Team, User
from kam.org.permissions import require_governing, require_write
from kam.org.services import notify

ERROR_RESOLUTION_REQUIRED = gettext_lazy("Say how the complaint was resolved.")
ERROR_ROOT_CAUSE_REQUIRED = gettext_lazy("Name the root cause of the complaint.")
ERROR_REOPEN_REASON = gettext_lazy("Say why the complaint is reopened.")
ERROR_ESCALATE_REASON = gettext_lazy("Say why the complaint is escalated.")
ERROR_ESCALATE_TEAM = gettext_lazy("Choose the team the complaint is escalated to.")
ERROR_ESCALATE_STATUS = gettext_lazy(
    "Only a complaint still being worked on is escalated; reopen it first."
)
ERROR_CONTACT_ACCOUNT = gettext_lazy("The reporter must be a contact of the complaint's account.")
ERROR_OWNER_CANNOT_SEE = gettext_lazy(
    "The owner must be someone who can see the account and may act on it."
)
ERROR_UNKNOWN_DEPARTMENT = gettext_lazy("No such internal department.")
ERROR_CLOSED_EDIT = gettext_lazy("A closed complaint is not edited.")
ERROR_RECEIVED_FUTURE = gettext_lazy("A complaint cannot be received in the future.")
ERROR_UNKNOWN_FIELD = gettext_lazy("This field is not edited here.")

NOTIFY_ESCALATED = "complaint_escalated"
TEXT_MOST = 5000
EDITABLE = (
    "subject",
    "description",
    "channel",
    "category",
    "severity",
    "received_at",
    "contact_id",
    "reporter_name",
)
# Changing either moves the SLA due times.
CLOCK_FIELDS = {"severity", "received_at"}


def _text(value: str | None) -> str:
    return (value or "").strip()[:TEXT_MOST]


def _log(
    complaint: Complaint,
    actor: User | None,
    action: str,
    *,
    from_status: str = "",
    to_status: str = "",
    comment: str = "",
    at: dt.datetime | None = None,
) -> ComplaintEvent:
    event = ComplaintEvent(
        complaint=complaint,
        action=action,
        from_status=from_status,
        to_status=to_status,
        actor=actor,
        at=at or timezone_now(),
        comment=_text(comment),
    )
    save_as(actor, event)
    return event


def _check_contact(account: Account, contact_id: int | None) -> None:
    if contact_id is None:
        return
    # The contact model belongs to relationships, which engagement does not import: it is
    # reached through the foreign key's model.
    contacts = Complaint._meta.get_field("contact").related_model._default_manager
    if not contacts.filter(pk=contact_id, account=account).exists():
        raise InvalidInput(str(ERROR_CONTACT_ACCOUNT), field="contact_id")


def _check_owner(account: Account, owner_id: int | None) -> None:
    if owner_id is None:
        return
    owner = User.objects.filter(pk=owner_id, is_active=True).first()
    if (
        owner is None
        or not owner.can_write
        or not accounts_visible_to(owner).filter(pk=account.pk).exists()
    ):
        raise InvalidInput(str(ERROR_OWNER_CANNOT_SEE), field="owner_id")


def _check_department(department_id: int | None) -> None:
    if department_id is not None and not Department.objects.filter(pk=department_id).exists():
        raise InvalidInput(str(ERROR_UNKNOWN_DEPARTMENT), field="department_id")


def _check_severity(severity: str) -> None:
    if severity not in Severity.values:
        raise InvalidInput(_("Choose a severity: critical, high, medium or low."), field="severity")


def _set_due_times(complaint: Complaint) -> None:
    due = due_times(received_at=complaint.received_at, severity=complaint.severity)
    complaint.acknowledge_due_at, complaint.resolve_due_at = due.acknowledge, due.resolve


def _refresh_alerts(account_id: int) -> None:
    transaction.on_commit(lambda: account_breaches_refresh(account_id))


@transaction.atomic
def complaint_create(
    *,
    actor: User,
    account: Account,
    subject: str,
    channel: str,
    category: str,
    severity: str,
    received_at: dt.datetime | None = None,
    description: str = "",
    contact_id: int | None = None,
    reporter_name: str = "",
    department_id: int | None = None,
    owner_id: int | None = None,
) -> Complaint:
    """Record a complaint (§9) with its SLA due times from the settings in force; it opens.
    Raises PermissionDenied (read-only role) and InvalidInput naming the field."""
    require_write(actor)
    now = timezone_now()
    received_at = received_at or now
    if received_at > now:
        raise InvalidInput(str(ERROR_RECEIVED_FUTURE), field="received_at")
    _check_contact(account, contact_id)
    _check_owner(account, owner_id)
    _check_department(department_id)
    complaint = Complaint(
        account=account,
        subject=(subject or "").strip(),
        channel=channel,
        category=category,
        severity=severity,
        received_at=received_at,
        description=_text(description),
        contact_id=contact_id,
        reporter_name=(reporter_name or "").strip(),
        department_id=department_id,
        owner_id=owner_id,
        created_by=actor,
        status=Status.OPEN,
    )
    _check_severity(severity)
    _set_due_times(complaint)
    full_clean_or_raise(complaint)
    save_as(actor, complaint)
    _log(complaint, actor, EventAction.CREATED, to_status=Status.OPEN, at=now)
    _refresh_alerts(account.pk)
    return complaint


@transaction.atomic
def complaint_update(*, actor: User, complaint: Complaint, **changes: Any) -> Complaint:
    """Edit what the complaint says (subject, description, channel, category, severity,
    received time, reporter); a new severity or received time moves the SLA due times.
    Raises PermissionDenied, InvalidInput and Conflict (a closed complaint)."""
    require_write(actor)
    unknown = sorted(set(changes) - set(EDITABLE))
    if unknown:
        raise InvalidInput(str(ERROR_UNKNOWN_FIELD), field=unknown[0])
    complaint = Complaint.objects.select_for_update().get(pk=complaint.pk)
    if complaint.status == Status.CLOSED:
        raise Conflict(str(ERROR_CLOSED_EDIT), field="status")
    if "contact_id" in changes:
        _check_contact(complaint.account, changes["contact_id"])
    if "severity" in changes:
        _check_severity(changes["severity"])
    if changes.get("received_at") is not None and changes["received_at"] > timezone_now():
        raise InvalidInput(str(ERROR_RECEIVED_FUTURE), field="received_at")
    changed = [name for name, value in changes.items() if getattr(complaint, name) != value]
    if not changed:
        return complaint
    for name in changed:
        value = changes[name]
        setattr(complaint, name, value.strip() if isinstance(value, str) else value)
    fields = [name.removesuffix("_id") if name == "contact_id" else name for name in changed]
    if CLOCK_FIELDS & set(changed):
        _set_due_times(complaint)
        fields += ["acknowledge_due_at", "resolve_due_at"]
    full_clean_or_raise(complaint)
    save_as(actor, complaint, update_fields=fields)
    _log(complaint, actor, EventAction.EDITED, comment=", ".join(sorted(changed)))
    _refresh_alerts(complaint.account_id)
    return complaint


def _refused(current: str, target: str) -> Conflict:
    # The state machine's own wording (kam.core.transitions), for a move it would allow from
    # another state: "in progress" is reached by starting work and by reopening.
    return Conflict(
        _("A %(machine)s cannot move from %(current)s to %(target)s.")
        % {"machine": str(COMPLAINT_FLOW.name), "current": current, "target": target},
        field="status",
    )


def _move(
    actor: User,
    complaint: Complaint,
    source: str,
    target: str,
    action: str,
    *,
    comment: str = "",
    **fields: Any,
) -> Complaint:
    """One move of the flow from `source`, as one conditional UPDATE (a racing writer who
    moved it first makes this one a Conflict), its history row and its log entry."""
    require_write(actor)
    COMPLAINT_FLOW.check(source, target)
    now = timezone_now()
    stamped = {name: (now if value is _NOW else value) for name, value in fields.items()}
    rows = Complaint.objects.filter(pk=complaint.pk)
    if COMPLAINT_FLOW.move(rows.filter(status=source), target, **stamped) == 0:
        raise _refused(rows.values_list("status", flat=True).first() or complaint.status, target)
    complaint.refresh_from_db()
    # The UPDATE bypasses save(); one history row records the move and its author.
    save_as(actor, complaint, update_fields=["status"])
    _log(complaint, actor, action, from_status=source, to_status=target, comment=comment, at=now)
    _refresh_alerts(complaint.account_id)
    return complaint


_NOW = object()


@transaction.atomic
def complaint_acknowledge(*, actor: User, complaint: Complaint, comment: str = "") -> Complaint:
    """Open → acknowledged (§9): stops the acknowledge clock. Raises Conflict."""
    return _move(
        actor,
        complaint,
        Status.OPEN,
        Status.ACKNOWLEDGED,
        EventAction.ACKNOWLEDGED,
        comment=comment,
        acknowledged_at=_NOW,
    )


@transaction.atomic
def complaint_start(*, actor: User, complaint: Complaint, comment: str = "") -> Complaint:
    """Acknowledged → in progress (§9). Raises Conflict."""
    return _move(
        actor,
        complaint,
        Status.ACKNOWLEDGED,
        Status.IN_PROGRESS,
        EventAction.STARTED,
        comment=comment,
        started_at=_NOW,
    )


@transaction.atomic
def complaint_resolve(
    *, actor: User, complaint: Complaint, resolution: str, root_cause: str, comment: str = ""
) -> Complaint:
    """In progress → resolved (§9) with how it was resolved and the root cause (both
    required): stops the resolve clock. Raises InvalidInput and Conflict."""
    require_write(actor)
    resolution, root_cause = _text(resolution), _text(root_cause)
    if complaint.status != Status.IN_PROGRESS:
        raise _refused(complaint.status, Status.RESOLVED)
    if not resolution:
        raise InvalidInput(str(ERROR_RESOLUTION_REQUIRED), field="resolution")
    if not root_cause:
        raise InvalidInput(str(ERROR_ROOT_CAUSE_REQUIRED), field="root_cause")
    return _move(
        actor,
        complaint,
        Status.IN_PROGRESS,
        Status.RESOLVED,
        EventAction.RESOLVED,
        comment=comment,
        resolved_at=_NOW,
        resolution=resolution,
        root_cause=root_cause,
    )


@transaction.atomic
def complaint_close(*, actor: User, complaint: Complaint, comment: str = "") -> Complaint:
    """Resolved → closed (§9): final. Raises Conflict."""
    return _move(
        actor,
        complaint,
        Status.RESOLVED,
        Status.CLOSED,
        EventAction.CLOSED,
        comment=comment,
        closed_at=_NOW,
    )


@transaction.atomic
def complaint_reopen(*, actor: User, complaint: Complaint, reason: str) -> Complaint:
    """Resolved → in progress (§9) with the reason: the resolve clock runs again against the
    due time set at receipt. Raises InvalidInput and Conflict."""
    require_write(actor)
    reason = _text(reason)
    if complaint.status != Status.RESOLVED:
        raise _refused(complaint.status, Status.IN_PROGRESS)
    if not reason:
        raise InvalidInput(str(ERROR_REOPEN_REASON), field="reason")
    return _move(
        actor,
        complaint,
        Status.RESOLVED,
        Status.IN_PROGRESS,
        EventAction.REOPENED,
        comment=reason,
        resolved_at=None,
    )


_UNSET: Any = object()


@transaction.atomic
def complaint_assign(
    *,
    actor: User,
    complaint: Complaint,
    department_id: int | None = _UNSET,
    owner_id: int | None = _UNSET,
    comment: str = "",
) -> Complaint:
    """Give the complaint to an internal department (§13) and/or an owner who can see the
    account (None clears). Raises PermissionDenied, InvalidInput and Conflict (closed)."""
    require_write(actor)
    complaint = Complaint.objects.select_for_update().get(pk=complaint.pk)
    if complaint.status == Status.CLOSED:
        raise Conflict(str(ERROR_CLOSED_EDIT), field="status")
    fields: list[str] = []
    notes: list[str] = []
    if department_id is not _UNSET and department_id != complaint.department_id:
        _check_department(department_id)
        complaint.department_id = department_id
        fields.append("department")
        department = Department.objects.filter(pk=department_id).first() if department_id else None
        notes.append(_("department: %(name)s") % {"name": department or "—"})
    if owner_id is not _UNSET and owner_id != complaint.owner_id:
        _check_owner(complaint.account, owner_id)
        complaint.owner_id = owner_id
        fields.append("owner")
        owner = User.objects.filter(pk=owner_id).first() if owner_id else None
        notes.append(_("owner: %(name)s") % {"name": owner.display_name if owner else "—"})
    if not fields:
        return complaint
    save_as(actor, complaint, update_fields=fields)
    text = "; ".join(notes) + (f" — {_text(comment)}" if _text(comment) else "")
    _log(complaint, actor, EventAction.ASSIGNED, comment=text)
    return complaint


@transaction.atomic
def complaint_escalate(
    *, actor: User, complaint: Complaint, team_id: int | None, reason: str
) -> Complaint:
    """Escalate a complaint still being worked on to a conflict-resolution team (§9), with
    who and why; the team's members are told in their inbox. Raises InvalidInput and
    Conflict."""
    require_write(actor)
    complaint = Complaint.objects.select_for_update().get(pk=complaint.pk)
    if complaint.status not in ESCALATABLE:
        raise Conflict(str(ERROR_ESCALATE_STATUS), field="status")
    team = Team.objects.filter(pk=team_id).first() if team_id is not None else None
    if team is None:
        raise InvalidInput(str(ERROR_ESCALATE_TEAM), field="team_id")
    reason = _text(reason)
    if not reason:
        raise InvalidInput(str(ERROR_ESCALATE_REASON), field="reason")
    now = timezone_now()
    complaint.escalated_at, complaint.escalated_to, complaint.escalated_by = now, team, actor
    complaint.escalation_reason = reason
    save_as(
        actor,
        complaint,
        update_fields=["escalated_at", "escalated_to", "escalated_by", "escalation_reason"],
    )
    _log(complaint, actor, EventAction.ESCALATED, comment=f"{team.name}: {reason}", at=now)
    params = {"subject": complaint.subject, "account": complaint.account.name, "team": team.name}
    transaction.on_commit(
        lambda: notify(
            recipients=list(team.members.all()),
            kind=NOTIFY_ESCALATED,
            params=params,
            text=str(NOTIFY_ESCALATED_TEXT) % params,
            link=f"/engagement/complaints/{complaint.pk}/",
            actor=actor,
        )
    )
    return complaint


NOTIFY_ESCALATED_TEXT = gettext_lazy("Complaint escalated to %(team)s: %(subject)s (%(account)s).")


@transaction.atomic
def complaint_delete(*, actor: User, complaint: Complaint) -> None:
    """Delete a complaint recorded by mistake (director, administrator); history keeps it.
    Raises PermissionDenied."""
    require_governing(actor, _("delete a complaint"))
    account_id = complaint.account_id
    delete_as(actor, complaint)
    _refresh_alerts(account_id)


@transaction.atomic
def complaint_settings_update(*, actor: User, **changes: Any) -> ComplaintSettings:
    """Edit the SLA targets and the clock (director, administrator), kept in history. Due
    times already set stay: a complaint keeps the promise made when it was received.
    Raises PermissionDenied and InvalidInput."""
    require_governing(actor, _("edit the complaint settings"))
    unknown = sorted(set(changes) - set(COMPLAINT_SETTINGS_FIELDS))
    if unknown:
        raise InvalidInput(_("Unknown setting."), field=unknown[0])
    settings = ComplaintSettings.objects.select_for_update().get(pk=complaint_settings().pk)
    for name, value in changes.items():
        setattr(settings, name, value.strip() if isinstance(value, str) else value)
    full_clean_or_raise(settings)
    save_as(actor, settings)
    return settings
