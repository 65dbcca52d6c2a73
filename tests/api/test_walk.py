"""The permission walk: every API operation in the OpenAPI schema, tried against a second
user's objects (DOMAIN §13). New endpoints are covered without anyone remembering: an
operation with a path parameter or a body this file does not know fails the walk.
"""

from __future__ import annotations

import datetime as dt
import io
from collections.abc import Iterator
from decimal import Decimal
from typing import Any

import pytest
from django.apps import apps
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.core.management.color import no_style
from django.db import connection
from django.test import Client
from django.utils.timezone import now

from kam.accounts.services import account_request_create, account_set_key_status
from kam.alerts.services import alert_comment_add, alert_raise
from kam.api.api import api
from kam.core.dates import today
from kam.core.months import month_end, month_index
from kam.engagement.calendar.services import feed_create
from kam.engagement.complaints.services import complaint_create
from kam.engagement.surveys.services import survey_invitation_create
from kam.ledger.jobs import import_job_create
from kam.org.models import Department, DepartmentCode, Role, User
from kam.org.services import notify, token_create
from kam.portfolio.models import Playbook, Strategy
from kam.portfolio.services.costs import cost_to_serve_add
from kam.portfolio.services.scoring import score_history, score_run_create
from kam.portfolio.services.strategy import strategy_override_set
from kam.relationships.services import record_scores
from kam.risk.models import ModelKind
from tests.conftest import api_client_for
from tests.factories import (
    AccountFactory,
    ActivityFactory,
    CompetitorMoveFactory,
    ComplaintFactory,
    ContactFactory,
    InfluenceLinkFactory,
    InterventionFactory,
    ModelRunFactory,
    NoteFactory,
    PotentialEstimateFactory,
    RiskMonthFactory,
    RiskScoreFactory,
    SurveyPlanFactory,
    SurveyResponseFactory,
    TeamFactory,
    TeamMemberFactory,
    TrainingFactory,
    UserFactory,
    WinBackPlanFactory,
    WinBackReasonFactory,
)

# Each test runs in a transaction rolled back after it, over one world built (and committed)
# for the module: building it took a second, 400 times over.
pytestmark = pytest.mark.django_db

SECRET = "SECRET-OF-OTTO"
MINE = "MINE-OF-MIA"
AS_OF = "2026-10-31"
PREFIX = "/api/v1"
SCHEMA = api.get_openapi_schema()
OPERATIONS = [
    (method.upper(), path.removeprefix(PREFIX), spec)
    for path, methods in SCHEMA["paths"].items()
    for method, spec in methods.items()
]
# A valid request body for every operation that takes one (JSON unless multipart).
BODIES: dict[str, dict[str, Any]] = {
    "update_me": {"language": "zh-hans"},
    "create_team": {"name": "Walkers"},
    "create_token": {"name": "walk"},
    "create_account": {"code": "WALK-1", "name": "Walk Co"},
    "update_account": {"name": "Renamed by a stranger"},
    "set_key_status": {"is_key": True, "reason": "walk"},
    "add_team_member": {"user_id": 0, "role": "sales"},  # user_id filled in per world
    "add_potential_estimate": {"amount": "1000.00", "estimated_on": "2026-10-01"},
    "add_note": {"body": "walk"},
    "create_import": {},  # multipart: see _request
    "start_score_run": {"as_of": "2026-10-31"},
    "update_portfolio_settings": {"key_score_threshold": "60"},
    "update_company_settings": {"fiscal_year_start_month": 4},
    "update_playbook": {"strategy": "retention", "tactics": ["Call them"]},
    "override_strategy": {"strategy": "retention", "reason": "walk"},
    "decide_key_proposal": {"decision": "declined", "reason": "walk"},
    "add_cost_to_serve": {"month": "2026-10-01", "kind": "travel", "amount": "10.00"},
    "decline_account_request": {"reason": "walk"},
    "update_cost_to_serve": {"amount": "20.00"},
    "acknowledge_alert": {"comment": "walk"},
    "resolve_alert": {"reason": "walk"},
    "reopen_alert": {"comment": "walk"},
    "assign_alert": {"assignee_id": None},
    "add_alert_comment": {"body": "walk"},
    "link_alert_follow_up": {"note": "walk"},
    "create_contact": {"name": "Walk Person"},
    "update_contact": {"title": "Renamed by a stranger"},
    "mark_contact_left": {"left_on": "2026-10-01"},
    "merge_contacts": {"duplicate": 0},  # filled in per world
    "add_influence_link": {"source_id": 0, "target_id": 0, "kind": "opposes"},  # filled in
    "update_influence_link": {"strength": 3},
    "import_contact_vcards": {},  # multipart: see _request
    "create_survey_response": {"responded_on": "2026-10-01", "nps": 9},
    "update_survey_response": {"comments": "walk"},
    "create_survey_plan": {"purpose": "walk"},
    "update_survey_plan": {"purpose": "walk"},
    # Any contact id: the account's gate answers (404, 403) before the contact is looked up.
    "create_survey_invitation": {"contact_id": 1},
    "create_complaint": {
        "account_id": 1,
        "subject": "walk",
        "channel": "phone",
        "category": "service",
        "severity": "low",
    },
    "update_complaint": {"subject": "walk"},
    "update_complaint_settings": {"resolve_low": "30d"},
    "acknowledge_complaint": {"comment": "walk"},
    "start_complaint": {"comment": "walk"},
    "resolve_complaint": {"resolution": "walk", "root_cause": "walk"},
    "close_complaint": {"comment": "walk"},
    "reopen_complaint": {"reason": "walk"},
    "assign_complaint": {"department_id": None},
    "escalate_complaint": {"team_id": 1, "reason": "walk"},
    # An account nobody has: the walk's writes without a path reach no one's account.
    "create_activity": {
        "account_id": 2**40,
        "kind": "visit",
        "channel": "on_site",
        "subject": "walk",
        "planned_for": "2026-12-02T10:00:00",
    },
    "update_activity": {"subject": "Renamed by a stranger"},
    "done_activity": {"outcome": "walk"},
    "replan_activity": {"planned_for": "2026-12-03T10:00:00+08:00"},
    "update_cadence_settings": {"visit_days_b": 40},
    "create_training": {
        "account_id": 2**40,
        "topic": "solutions",
        "title": "walk",
        "held_on": "2026-10-01",
        "trainer": "walk",
    },
    "update_training": {"title": "Renamed by a stranger"},
    "create_competitor_move": {
        "account_id": 2**40,
        "competitor": "walk",
        "offer": "price_cut",
        "seen_on": "2026-10-01",
        "source": "field",
    },
    "update_competitor_move": {"products": "Renamed by a stranger"},
    "start_win_back_plan": {"account_id": 2**40, "goal": "walk"},
    "add_win_back_reason": {"kind": "budget", "summary": "walk"},
    "confirm_win_back_reason": {"note": "walk"},
    "reject_win_back_reason": {"note": "walk"},
    "add_intervention": {"kind": "other", "due_on": "2026-12-10"},
    "update_intervention": {"description": "Renamed by a stranger"},
    "done_intervention": {},
    # Any activity id: the plan's gate answers (404, 403) before the activity is looked up.
    "link_intervention_activity": {"activity_id": 1},
    "close_win_back_plan": {"outcome": "lost", "note": "walk"},
}
# Executives write nothing of the business; these are their own settings and credentials.
EXECUTIVE_MAY = {
    "update_me",
    "create_token",
    "revoke_token",
    "mark_notification_read",
    "mark_all_notifications_read",
    "create_calendar_feed",
    "delete_calendar_feed",
}
# What every list (a GET without path parameters, or one named list_*) answers when Mia asks
# about her own things: a list that answers nothing for everyone cannot pass the walk.
OWN: dict[str, str] = {
    "get_me": '"username": "mia"',
    "list_users": '"username": "mia"',
    "list_teams": "MIA-1 team",
    "list_departments": '"code": "sales"',
    "list_tokens": MINE,
    "list_accounts": MINE,
    "list_account_requests": MINE,
    "list_key_status_decisions": MINE,
    "list_team_members": "mia-1-colleague",
    "list_potential_estimates": MINE,
    "list_notes": MINE,
    "list_imports": MINE,
    "list_batches": MINE,
    "list_ledger_lines": MINE,
    "list_portfolio": MINE,
    "list_matrix_accounts": MINE,
    "list_snapshot_dates": AS_OF,
    "get_portfolio_settings": '"key_score_threshold"',
    "get_company_settings": '"fiscal_year_start_month"',
    "list_playbooks": '"strategy"',
    "list_key_proposals": MINE,
    "list_account_snapshots": MINE,
    "list_account_history": '"as_of": "2026-08-31"',
    "list_costs_to_serve": MINE,
    "list_alerts": MINE,
    "count_alerts": '"active": ',
    "list_alert_comments": MINE,
    "list_notifications": MINE,
    "get_inbox_unread_count": '"unread": 1',
    "list_contacts": MINE,
    "list_influence_links": MINE,
    "list_relationship_scores": '"reason": "change"',
    "list_survey_responses": MINE,
    "list_survey_plans": MINE,
    "list_survey_invitations": MINE,
    "get_portfolio_nps": '"months": ["2026-09"]',
    "list_complaints": MINE,
    "list_complaint_events": '"action": "created"',
    "get_complaint_report": '"count": 1',
    "get_complaint_settings": '"acknowledge_critical"',
    "list_activities": MINE,
    "get_agenda": MINE,
    "get_cadence_settings": '"visit_days_a"',
    "get_calendar_feed": '"exists": true',
    "list_trainings": MINE,
    "list_competitor_moves": MINE,
    "list_risk_accounts": MINE,
    "list_risk_clv": MINE,
    "get_risk_migration": '"states": ["A", "B", "C", "D", "lost"]',
    "list_model_runs": '"kind": "churn"',
    "list_win_back_plans": MINE,
    "get_intervention_report": MINE,
}
# Only a director or an administrator starts a scoring run, so a manager has none to read.
DIRECTORS_ONLY = {"get_score_run"}
# Every model of every installed app, the history tables and many-to-many tables included,
# so a new model is in the "nothing changed" snapshot without anyone adding it here.
MODELS = sorted(apps.get_models(include_auto_created=True), key=lambda model: model._meta.label)
# A rejected upload leaves its job and the worker's task result, and nothing else.
JOB_BOOKKEEPING = {"ledger.ImportJob", "django_tasks_database.DBTaskResult"}
# Bookkeeping a read may touch: a token records when it was last used.
NOT_A_CHANGE = {"last_used_at"}


def operation_id(operation: tuple[str, str, dict[str, Any]]) -> str:
    return str(operation[2]["operationId"])


def path_parameters(spec: dict[str, Any]) -> list[str]:
    return [p["name"] for p in spec.get("parameters", []) if p["in"] == "path"]


def snapshot() -> dict[str, list[dict[str, Any]]]:
    """Every row of every model (a token's last use is bookkeeping, not a change)."""
    return {
        model._meta.label: [
            {k: v for k, v in row.items() if k not in NOT_A_CHANGE}
            for row in model._default_manager.order_by("pk").values()
        ]
        for model in MODELS
    }


def _import(actor: User, name: str, csv: bytes) -> Any:
    """Queue an upload; the world's one worker run carries out every upload at once."""
    return import_job_create(actor=actor, file_name=name, content=io.BytesIO(csv), size=len(csv))


def _belongings(owner: User, director: User, *, code: str, marker: str) -> dict[str, Any]:
    """An account and one of everything under it, each carrying `marker`; the path
    parameters that reach them."""
    account = AccountFactory(owner=owner, code=code, name=marker)
    member = TeamMemberFactory(
        account=account, user=UserFactory(role=Role.SALES, username=f"{code.lower()}-colleague")
    )
    note = NoteFactory(account=account, author=owner, body=marker)
    PotentialEstimateFactory(
        account=account,
        source=marker,
        amount=Decimal("5000000.00"),
        estimated_on=dt.date(2026, 1, 1),
    )
    account_set_key_status(actor=director, account=account, is_key=True, reason=marker)
    # Top ratings and no sales: scoring proposes it as key (§2).
    AccountFactory(
        owner=owner,
        code=f"{code}-P",
        name=f"{marker} proposed",
        strategic_importance=5,
        technical_fit=5,
        credit_reputation=5,
    )
    token, _raw = token_create(user=owner, name=marker)
    (notification,) = notify(recipients=[owner], kind="walk", text=marker, link="/accounts/")
    asked = account_request_create(actor=owner, code=f"{code}-ASKED", name=marker)
    plan = SurveyPlanFactory(account=account, purpose=marker)
    survey = SurveyResponseFactory(account=account, plan=plan, comments=marker, nps=9)
    invitation, _link = survey_invitation_create(
        actor=owner, account=account, contact_id=ContactFactory(account=account, name=marker).pk
    )
    TeamFactory(name=f"{code} team").members.add(owner)  # teams are everyone's to see
    contact = ContactFactory(account=account, name=marker, email=f"{code.lower()}@example.com")
    other = ContactFactory(account=account, name=f"{marker} colleague")
    link = InfluenceLinkFactory(source=contact, target=other, note=marker)
    complaint = complaint_create(
        actor=owner,
        account=account,
        subject=marker,
        channel="phone",
        category="service",
        severity="high",
    )
    ComplaintFactory(
        account=account,
        subject=f"{marker} closed",
        status="closed",
        resolved_at=dt.datetime.now(dt.UTC),
    )
    good = _import(
        owner,
        f"{marker}.csv",
        (
            "customer,date,amount,document\n"
            f"{code},2026-08-01,100.00,{marker}\n{code},2026-10-01,100.00,{marker}-2\n"
        ).encode(),
    )
    # A rejected upload has an error report, so reading it is a real read, not a missing file.
    bad = _import(owner, f"{marker}-bad.csv", f"customer,date,amount\n{code},never,1\n".encode())
    return {
        "account": account,
        "upload": good,
        "params": {
            "account_id": account.pk,
            "member_id": member.pk,
            "note_id": note.pk,
            "token_id": token.pk,
            "notification_id": notification.pk,
            "request_id": asked.pk,
            "job_id": str(bad.pk),
            "contact_id": contact.pk,
            "link_id": link.pk,
            "response_id": survey.pk,
            "plan_id": plan.pk,
            "invitation_id": invitation.pk,
            "complaint_id": complaint.pk,
        },
        # The ids a body names: a real colleague, a second contact of the same account.
        "fill": {
            "user_id": member.user_id,
            "duplicate": other.pk,
            "source_id": other.pk,
            "target_id": contact.pk,
        },
    }


def _scored(owner: User, account: Any, marker: str) -> dict[str, Any]:
    """What scoring leaves under an account, and what its owner adds after."""
    cost = cost_to_serve_add(
        actor=owner,
        account=account,
        month=dt.date(2026, 9, 1),
        kind="travel",
        amount=Decimal("10.00"),
        description=marker,
    )
    strategy_override_set(actor=owner, account=account, strategy="retention", reason=marker)
    alert = alert_raise(account, "potential_missing", message=marker)
    alert_comment_add(actor=owner, alert=alert, body=marker)
    ContactFactory(account=account, name=marker, closeness=4)
    record_scores([account.pk], reason="change")  # the relationship series' first point
    activity = ActivityFactory(account=account, owner=owner, subject=marker, planned_for=now())
    feed_create(actor=owner)
    training = TrainingFactory(account=account, title=marker, created_by=owner)
    training.attendees.add(ContactFactory(account=account, name=f"{marker} trainee"))
    move = CompetitorMoveFactory(account=account, competitor=marker, seen_by=owner)
    # What a risk scoring run leaves: the account's score and month, the models' runs — at
    # high risk, so the at-risk list shows it (the run's own scores for it are replaced).
    account.risk_scores.all().delete()
    account.risk_months.all().delete()
    RiskScoreFactory(account=account, account_class="A", is_key=True)
    RiskMonthFactory(account=account)
    plan = WinBackPlanFactory(account=account, goal=marker)
    reason = WinBackReasonFactory(plan=plan, summary=marker)
    step = InterventionFactory(plan=plan, description=marker, reason=reason)
    # At risk a year ago and treated by a plan since closed: in the intervention report.
    index = month_end(month_index(today()) - 12)
    RiskMonthFactory(account=account, month_end=index, risk_level="high")
    WinBackPlanFactory(
        account=account,
        started_on=index + dt.timedelta(days=1),
        status="closed",
        outcome="stabilised",
        closed_on=index + dt.timedelta(days=90),
    )
    return {
        "cost_id": cost.pk,
        "alert_id": alert.pk,
        "activity_id": activity.pk,
        "training_id": training.pk,
        "move_id": move.pk,
        "win_back_id": plan.pk,
        "reason_id": reason.pk,
        "intervention_id": step.pk,
    }


def build_world(manager: User, other_manager: User) -> dict[str, Any]:
    """Otto owns everything marked SECRET; Mia owns the same things, marked MINE, of her own."""
    director = UserFactory(role=Role.DIRECTOR, username="walk-director")
    Department.objects.update_or_create(code=DepartmentCode.SALES, defaults={"head": manager})
    mine = _belongings(manager, director, code="MIA-1", marker=MINE)
    theirs = _belongings(other_manager, director, code="OTTO-1", marker=SECRET)
    call_command("worker", "--batch")
    for side in (mine, theirs):
        side["upload"].refresh_from_db()
        side["params"]["batch_id"] = side["upload"].batch_id
    Playbook.objects.get_or_create(strategy=Strategy.RETENTION, defaults={"summary": "Keep"})
    score_history(as_of=dt.date.fromisoformat(AS_OF))
    mine["params"] |= _scored(manager, mine["account"], MINE)
    theirs["params"] |= _scored(other_manager, theirs["account"], SECRET)
    theirs["params"]["run_id"] = str(score_run_create(actor=director, reason=SECRET).pk)
    ModelRunFactory()
    ModelRunFactory(kind=ModelKind.MARKOV, parameters={"states": ["A", "B", "C", "D", "lost"]})
    return {"params": theirs["params"], "fill": theirs["fill"], "mine": mine}


@pytest.fixture(scope="module")
def world(django_db_setup: Any, django_db_blocker: Any) -> Iterator[dict[str, Any]]:
    """The world, committed as a transactional test would (its imports and scores run on
    commit); after the module, or a build that failed, the database is put back as it was
    for the tests after it."""
    with django_db_blocker.unblock():
        before = connection.creation.serialize_db_to_string()
        try:
            manager = UserFactory(role=Role.MANAGER, username="mia")
            other_manager = UserFactory(role=Role.MANAGER, username="otto")
            world = build_world(manager, other_manager)
        except BaseException:
            _put_back(before)
            raise
    world["users"] = {"manager": manager.pk}
    yield world
    with django_db_blocker.unblock():
        _put_back(before)


def _put_back(serialized: str) -> None:
    """Empty the database and load `serialized` back, as Django's serialized rollback does."""
    call_command("flush", interactive=False, verbosity=0, inhibit_post_migrate=True)
    connection.creation.deserialize_db_from_string(serialized)
    # The flush started the sequences again; the rows put back hold the low ids.
    with connection.cursor() as cursor:
        for statement in connection.ops.sequence_reset_sql(no_style(), MODELS):
            cursor.execute(statement)


@pytest.fixture
def manager(world: dict[str, Any]) -> User:
    return User.objects.get(pk=world["users"]["manager"])


def _request(
    client: Client, method: str, path: str, spec: dict[str, Any], fill: dict[str, int]
) -> Any:
    name = spec["operationId"]
    if name == "create_import":
        return client.post(
            PREFIX + path,
            {
                "file": SimpleUploadedFile(
                    "walk.csv", b"customer,date,amount\nMIA-1,2026-10-01,1.00\n"
                )
            },
        )
    if name == "import_contact_vcards":
        card = b"BEGIN:VCARD\r\nVERSION:4.0\r\nFN:Walk Person\r\nEND:VCARD\r\n"
        return client.post(PREFIX + path, {"file": SimpleUploadedFile("walk.vcf", card)})
    body = dict(BODIES.get(name, {}))
    body |= {key: value for key, value in fill.items() if key in body}
    if "requestBody" in spec:
        return client.generic(
            method, PREFIX + path, data=_json(body), content_type="application/json"
        )
    return client.generic(method, PREFIX + path)


def _body(response: Any) -> str:
    """The text of a response, streamed (a file download) or not."""
    if response.streaming:
        return b"".join(response.streaming_content).decode()
    return str(response.content.decode())


def _json(body: dict[str, Any]) -> str:
    import json

    return json.dumps(body)


def _fill(path: str, params: dict[str, Any]) -> str:
    for name, value in params.items():
        path = path.replace("{" + name + "}", str(value))
    return path


def test_every_operation_is_known_to_the_walk() -> None:
    """A new path parameter or body must be taught to the walk before it can pass."""
    known_params = {
        "account_id",
        "member_id",
        "note_id",
        "token_id",
        "notification_id",
        "request_id",
        "job_id",
        "batch_id",
        "cost_id",
        "alert_id",
        "run_id",
        "contact_id",
        "link_id",
        "response_id",
        "plan_id",
        "invitation_id",
        "complaint_id",
        "activity_id",
        "training_id",
        "move_id",
        "win_back_id",
        "reason_id",
        "intervention_id",
    }
    for _method, _path, spec in OPERATIONS:
        assert set(path_parameters(spec)) <= known_params, spec["operationId"]
        assert "requestBody" not in spec or spec["operationId"] in BODIES, spec["operationId"]
    # A list must say what its owner finds in it, so one answering nothing cannot pass.
    assert {operation_id(op) for op in LISTS} <= set(OWN)


WITH_PARAMETERS = [op for op in OPERATIONS if path_parameters(op[2])]
READS = [op for op in OPERATIONS if op[0] == "GET"]
LISTS = [op for op in READS if not path_parameters(op[2]) or operation_id(op).startswith("list_")]
OWNER_READS = [op for op in READS if operation_id(op) not in DIRECTORS_ONLY]
WRITES = [op for op in OPERATIONS if op[0] != "GET" and operation_id(op) not in EXECUTIVE_MAY]


@pytest.mark.parametrize("operation", WITH_PARAMETERS, ids=operation_id)
def test_another_users_object_answers_404_and_nothing_changes(operation, world, manager) -> None:
    method, path, spec = operation
    client = api_client_for(manager)
    before = snapshot()

    response = _request(client, method, _fill(path, world["params"]), spec, world["fill"])

    assert response.status_code == 404, response.content
    assert set(response.json()) == {"detail", "errors"}
    assert snapshot() == before


@pytest.mark.parametrize("operation", OWNER_READS, ids=operation_id)
def test_the_owner_reads_her_own_and_nothing_of_another_user(operation, world, manager) -> None:
    method, path, spec = operation
    own = _fill(path, world["mine"]["params"])

    response = _request(api_client_for(manager), method, own, spec, world["fill"])

    assert response.status_code == 200, _body(response)
    assert SECRET not in _body(response)


@pytest.mark.parametrize("operation", LISTS, ids=operation_id)
def test_each_list_answers_the_owners_own_object(operation, world, manager) -> None:
    method, path, spec = operation
    own = _fill(path, world["mine"]["params"])

    response = _request(api_client_for(manager), method, own, spec, world["fill"])

    assert OWN[operation_id(operation)] in _body(response)


@pytest.mark.parametrize("operation", READS, ids=operation_id)
def test_an_executive_reads_everything(operation, world, executive) -> None:
    method, path, spec = operation
    theirs = _fill(path, world["params"])

    response = _request(api_client_for(executive), method, theirs, spec, world["fill"])

    assert response.status_code == 200, _body(response)


@pytest.mark.parametrize("operation", WRITES, ids=operation_id)
def test_an_executive_writes_nothing(operation, world, executive) -> None:
    method, path, spec = operation
    client = api_client_for(executive)
    before = snapshot()

    response = _request(client, method, _fill(path, world["params"]), spec, world["fill"])

    # Visible but not allowed answers 403; an object the executive cannot see answers 404.
    assert response.status_code in {403, 404}, response.content
    assert snapshot() == before


@pytest.mark.parametrize("operation", OPERATIONS, ids=operation_id)
def test_without_credentials_every_operation_answers_401(operation, world) -> None:
    method, path, spec = operation
    response = _request(Client(), method, _fill(path, world["params"]), spec, world["fill"])
    assert response.status_code == 401
    assert "detail" in response.json()
