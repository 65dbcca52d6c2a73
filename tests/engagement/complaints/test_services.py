"""Complaint writes (DOMAIN §9): each legal and illegal move of the flow, the required
texts, assignment, escalation, edits that move the SLA and the settings."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

import pytest
from django.utils.timezone import now as timezone_now

from kam.core.errors import Conflict, InvalidInput, PermissionDenied
from kam.engagement.complaints.models import ComplaintEvent, EventAction, Status
from kam.engagement.complaints.selectors import complaint_settings
from kam.engagement.complaints.services import (
    ERROR_CONTACT_ACCOUNT,
    ERROR_ESCALATE_REASON,
    ERROR_ESCALATE_STATUS,
    ERROR_OWNER_CANNOT_SEE,
    ERROR_REOPEN_REASON,
    ERROR_RESOLUTION_REQUIRED,
    ERROR_ROOT_CAUSE_REQUIRED,
    complaint_acknowledge,
    complaint_assign,
    complaint_close,
    complaint_create,
    complaint_escalate,
    complaint_reopen,
    complaint_resolve,
    complaint_settings_update,
    complaint_start,
    complaint_update,
)
from kam.org.models import Department, DepartmentCode, Notification, User
from tests.factories import AccountFactory, ComplaintFactory, ContactFactory, TeamFactory

pytestmark = pytest.mark.django_db

Move = Callable[..., Any]
MOVES: dict[str, tuple[Move, dict[str, str]]] = {
    "acknowledge": (complaint_acknowledge, {}),
    "start": (complaint_start, {}),
    "resolve": (complaint_resolve, {"resolution": "Replaced", "root_cause": "Bad batch"}),
    "close": (complaint_close, {}),
    "reopen": (complaint_reopen, {"reason": "Broke again"}),
}
# §9: the only legal moves, and where they lead.
LEGAL = {
    ("acknowledge", Status.OPEN): Status.ACKNOWLEDGED,
    ("start", Status.ACKNOWLEDGED): Status.IN_PROGRESS,
    ("resolve", Status.IN_PROGRESS): Status.RESOLVED,
    ("close", Status.RESOLVED): Status.CLOSED,
    ("reopen", Status.RESOLVED): Status.IN_PROGRESS,
}
ILLEGAL = [
    (move, status) for move in MOVES for status in Status.values if (move, status) not in LEGAL
]


@pytest.mark.parametrize(("move", "status"), list(LEGAL))
def test_each_legal_move_lands_where_the_flow_says_and_is_logged(
    manager: User, move: str, status: str
) -> None:
    complaint = ComplaintFactory(account=AccountFactory(owner=manager), status=status)
    service, extra = MOVES[move]

    service(actor=manager, complaint=complaint, **extra)

    complaint.refresh_from_db()
    assert complaint.status == LEGAL[(move, status)]
    event = ComplaintEvent.objects.get(complaint=complaint)
    assert (event.from_status, event.to_status, event.actor) == (
        status,
        LEGAL[(move, status)],
        manager,
    )
    assert complaint.history.first().history_user == manager


@pytest.mark.parametrize(("move", "status"), ILLEGAL)
def test_each_illegal_move_is_refused_and_changes_nothing(
    manager: User, move: str, status: str
) -> None:
    complaint = ComplaintFactory(account=AccountFactory(owner=manager), status=status)
    service, extra = MOVES[move]

    with pytest.raises(Conflict):
        service(actor=manager, complaint=complaint, **extra)

    complaint.refresh_from_db()
    assert complaint.status == status
    assert not ComplaintEvent.objects.filter(complaint=complaint).exists()


def test_the_steps_are_stamped_and_a_reopen_clears_the_resolution_time(manager: User) -> None:
    complaint = ComplaintFactory(account=AccountFactory(owner=manager))
    complaint_acknowledge(actor=manager, complaint=complaint, comment="On it")
    complaint_start(actor=manager, complaint=complaint)
    complaint_resolve(actor=manager, complaint=complaint, resolution="Fixed", root_cause="Wear")
    assert complaint.acknowledged_at and complaint.started_at and complaint.resolved_at
    assert (complaint.resolution, complaint.root_cause) == ("Fixed", "Wear")

    complaint_reopen(actor=manager, complaint=complaint, reason="Came back")

    assert complaint.status == Status.IN_PROGRESS
    assert complaint.resolved_at is None
    last = complaint.events.last()
    assert (last.action, last.comment) == (EventAction.REOPENED, "Came back")


@pytest.mark.parametrize(
    ("resolution", "root_cause", "message"),
    [("", "Wear", ERROR_RESOLUTION_REQUIRED), ("Fixed", "  ", ERROR_ROOT_CAUSE_REQUIRED)],
)
def test_resolving_needs_a_resolution_and_a_root_cause(
    manager: User, resolution: str, root_cause: str, message: str
) -> None:
    complaint = ComplaintFactory(account=AccountFactory(owner=manager), status=Status.IN_PROGRESS)
    with pytest.raises(InvalidInput, match=str(message)):
        complaint_resolve(
            actor=manager, complaint=complaint, resolution=resolution, root_cause=root_cause
        )
    complaint.refresh_from_db()
    assert complaint.status == Status.IN_PROGRESS


def test_reopening_needs_a_reason(manager: User) -> None:
    complaint = ComplaintFactory(account=AccountFactory(owner=manager), status=Status.RESOLVED)
    with pytest.raises(InvalidInput, match=str(ERROR_REOPEN_REASON)):
        complaint_reopen(actor=manager, complaint=complaint, reason=" ")


def test_an_executive_moves_nothing(executive: User) -> None:
    complaint = ComplaintFactory()
    with pytest.raises(PermissionDenied):
        complaint_acknowledge(actor=executive, complaint=complaint)


def test_a_complaint_is_recorded_with_its_sla_due_times(manager: User) -> None:
    account = AccountFactory(owner=manager)
    received = timezone_now() - dt.timedelta(minutes=30)
    contact = ContactFactory(account=account)

    complaint = complaint_create(
        actor=manager,
        account=account,
        subject="Late pallets",
        channel="phone",
        category="delivery",
        severity="critical",
        received_at=received,
        contact_id=contact.pk,
    )

    assert complaint.status == Status.OPEN
    assert complaint.acknowledge_due_at == received + dt.timedelta(hours=4)
    assert complaint.resolve_due_at == received + dt.timedelta(days=2)
    assert complaint.reporter == contact.name
    assert complaint.events.get().action == EventAction.CREATED


def test_the_reporter_must_be_a_contact_of_the_account(manager: User) -> None:
    account = AccountFactory(owner=manager)
    with pytest.raises(InvalidInput, match=str(ERROR_CONTACT_ACCOUNT)) as caught:
        complaint_create(
            actor=manager,
            account=account,
            subject="x",
            channel="phone",
            category="delivery",
            severity="low",
            contact_id=ContactFactory().pk,
        )
    assert caught.value.errors[0].field == "contact_id"


def test_an_unknown_category_names_its_field(manager: User) -> None:
    with pytest.raises(InvalidInput) as caught:
        complaint_create(
            actor=manager,
            account=AccountFactory(owner=manager),
            subject="x",
            channel="phone",
            category="weather",
            severity="low",
        )
    assert caught.value.errors[0].field == "category"


def test_a_new_severity_moves_the_due_times(manager: User) -> None:
    complaint = ComplaintFactory(account=AccountFactory(owner=manager), severity="low")

    complaint_update(actor=manager, complaint=complaint, severity="critical")

    complaint.refresh_from_db()
    assert complaint.acknowledge_due_at == complaint.received_at + dt.timedelta(hours=4)
    assert complaint.events.get().action == EventAction.EDITED


def test_assigning_a_department_and_an_owner_who_sees_the_account(
    manager: User, other_manager: User, director: User
) -> None:
    complaint = ComplaintFactory(account=AccountFactory(owner=manager))
    service, _ = Department.objects.get_or_create(code=DepartmentCode.SERVICE)

    complaint_assign(actor=manager, complaint=complaint, department_id=service.pk)
    with pytest.raises(InvalidInput, match=str(ERROR_OWNER_CANNOT_SEE)):
        complaint_assign(actor=manager, complaint=complaint, owner_id=other_manager.pk)
    complaint_assign(actor=manager, complaint=complaint, owner_id=director.pk)

    complaint.refresh_from_db()
    assert (complaint.department, complaint.owner) == (service, director)
    assert complaint.events.filter(action=EventAction.ASSIGNED).count() == 2


def test_escalating_names_the_team_who_and_why_and_tells_the_team(
    manager: User, director: User, django_capture_on_commit_callbacks: Any
) -> None:
    complaint = ComplaintFactory(account=AccountFactory(owner=manager), status=Status.IN_PROGRESS)
    team = TeamFactory(name="Conflict board")
    team.members.add(director)

    with django_capture_on_commit_callbacks(execute=True):
        complaint_escalate(actor=manager, complaint=complaint, team_id=team.pk, reason="Angry CEO")

    complaint.refresh_from_db()
    assert (complaint.escalated_to, complaint.escalated_by) == (team, manager)
    assert complaint.escalation_reason == "Angry CEO"
    assert complaint.events.get().action == EventAction.ESCALATED
    assert Notification.objects.filter(recipient=director, kind="complaint_escalated").exists()


def test_escalating_needs_a_reason_and_a_complaint_still_worked_on(manager: User) -> None:
    account = AccountFactory(owner=manager)
    team = TeamFactory()
    running = ComplaintFactory(account=account)
    with pytest.raises(InvalidInput, match=str(ERROR_ESCALATE_REASON)):
        complaint_escalate(actor=manager, complaint=running, team_id=team.pk, reason="")
    closed = ComplaintFactory(account=account, status=Status.CLOSED)
    with pytest.raises(Conflict, match=str(ERROR_ESCALATE_STATUS)):
        complaint_escalate(actor=manager, complaint=closed, team_id=team.pk, reason="Why")


def test_the_director_edits_the_targets_and_a_manager_may_not(
    manager: User, director: User
) -> None:
    with pytest.raises(PermissionDenied):
        complaint_settings_update(actor=manager, resolve_low="30d")
    with pytest.raises(InvalidInput) as caught:
        complaint_settings_update(actor=director, resolve_low="soon")
    assert caught.value.errors[0].field == "resolve_low"

    complaint_settings_update(actor=director, resolve_low="30d", clock="business")

    settings = complaint_settings()
    assert (settings.resolve_low, settings.clock) == ("30d", "business")
    assert settings.history.first().history_user == director
