"""The permission walk: every API operation in the OpenAPI schema, tried against a second
user's objects (DOMAIN §13). New endpoints are covered without anyone remembering: an
operation with a path parameter or a body this file does not know fails the walk.
"""

from __future__ import annotations

import datetime as dt
import io
from decimal import Decimal
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.test import Client

from kam.accounts.models import Account, AccountTeamMember, KeyStatusChange, Note, PotentialEstimate
from kam.accounts.services import account_set_key_status
from kam.api.api import api
from kam.ledger.jobs import import_job_create
from kam.ledger.models import ExchangeRate, ImportBatch, ImportJob, LedgerLine, MonthlyAggregate
from kam.org.models import ApiToken, Role, Team, User
from kam.org.services import token_create
from kam.portfolio.alerts import raise_alert
from kam.portfolio.models import (
    Alert,
    CostToServe,
    KeyProposal,
    Playbook,
    PortfolioSettings,
    ScoreRun,
    Snapshot,
    StrategyOverride,
    Tactic,
)
from kam.portfolio.services.costs import cost_to_serve_add
from kam.portfolio.services.scoring import score_portfolio, score_run_create
from kam.portfolio.services.strategy import strategy_override_set
from tests.conftest import api_client_for
from tests.factories import (
    AccountFactory,
    NoteFactory,
    PotentialEstimateFactory,
    TeamMemberFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db(transaction=True)

SECRET = "SECRET-OF-OTTO"
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
    "update_playbook": {"strategy": "retention", "tactics": ["Call them"]},
    "override_strategy": {"strategy": "retention", "reason": "walk"},
    "decide_key_proposal": {"decision": "declined", "reason": "walk"},
    "add_cost_to_serve": {"month": "2026-10-01", "kind": "travel", "amount": "10.00"},
    "update_cost_to_serve": {"amount": "20.00"},
}
# Executives write nothing of the business; these are their own settings and credentials.
EXECUTIVE_MAY = {"update_me", "create_token", "revoke_token"}
MODELS = [
    Account,
    AccountTeamMember,
    Note,
    PotentialEstimate,
    KeyStatusChange,
    ApiToken,
    Team,
    User,
    ImportJob,
    ImportBatch,
    LedgerLine,
    MonthlyAggregate,
    ExchangeRate,
    Snapshot,
    ScoreRun,
    PortfolioSettings,
    Playbook,
    Tactic,
    StrategyOverride,
    KeyProposal,
    CostToServe,
    Alert,
]


def operation_id(operation: tuple[str, str, dict[str, Any]]) -> str:
    return str(operation[2]["operationId"])


def path_parameters(spec: dict[str, Any]) -> list[str]:
    return [p["name"] for p in spec.get("parameters", []) if p["in"] == "path"]


def snapshot() -> dict[str, list[dict[str, Any]]]:
    """Every row of every business model (a token's last use is bookkeeping, not a change)."""
    return {
        model.__name__: [
            {k: v for k, v in row.items() if k != "last_used_at"}
            for row in model.objects.order_by("pk").values()
        ]
        for model in MODELS
    }


@pytest.fixture
def world(manager: User, other_manager: User) -> dict[str, Any]:
    """Otto owns everything here; Mia owns an account of her own and nothing of his."""
    director = UserFactory(role=Role.DIRECTOR, username="walk-director")
    mine = AccountFactory(owner=manager, code="MIA-1", name="Mia's")
    theirs = AccountFactory(owner=other_manager, code="OTTO-1", name=SECRET)
    member = TeamMemberFactory(account=theirs, user=UserFactory(role=Role.SALES))
    note = NoteFactory(account=theirs, author=other_manager, body=SECRET)
    PotentialEstimateFactory(
        account=theirs,
        source=SECRET,
        amount=Decimal("5000000.00"),
        estimated_on=dt.date(2026, 1, 1),
    )
    account_set_key_status(actor=director, account=theirs, is_key=True, reason=SECRET)
    token, _raw = token_create(user=other_manager, name=SECRET)
    csv = b"customer,date,amount\nOTTO-1,2026-10-01,100.00\n"
    job = import_job_create(
        actor=other_manager, file_name=f"{SECRET}.csv", content=io.BytesIO(csv), size=len(csv)
    )
    call_command("worker", "--batch")
    job.refresh_from_db()
    score_portfolio(dates=[dt.date(2026, 10, 31)])
    cost = cost_to_serve_add(
        actor=other_manager,
        account=theirs,
        month=dt.date(2026, 9, 1),
        kind="travel",
        amount=Decimal("10.00"),
        description=SECRET,
    )
    strategy_override_set(actor=other_manager, account=theirs, strategy="retention", reason=SECRET)
    alert = raise_alert(theirs, "walk", "warning", SECRET)
    run = score_run_create(actor=director, reason=SECRET)
    return {
        "mine": mine,
        "params": {
            "account_id": theirs.pk,
            "member_id": member.pk,
            "note_id": note.pk,
            "token_id": token.pk,
            "job_id": str(job.pk),
            "batch_id": job.batch_id,
            "cost_id": cost.pk,
            "alert_id": alert.pk,
            "run_id": str(run.pk),
        },
        "colleague": member.user_id,
    }


def _request(client: Client, method: str, path: str, spec: dict[str, Any], colleague: int) -> Any:
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
    body = dict(BODIES.get(name, {}))
    if "user_id" in body:
        body["user_id"] = colleague
    if "requestBody" in spec:
        return client.generic(
            method, PREFIX + path, data=_json(body), content_type="application/json"
        )
    return client.generic(method, PREFIX + path)


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
        "job_id",
        "batch_id",
        "cost_id",
        "alert_id",
        "run_id",
    }
    for _method, _path, spec in OPERATIONS:
        assert set(path_parameters(spec)) <= known_params, spec["operationId"]
        assert "requestBody" not in spec or spec["operationId"] in BODIES, spec["operationId"]


WITH_PARAMETERS = [op for op in OPERATIONS if path_parameters(op[2])]
LISTS = [op for op in OPERATIONS if op[0] == "GET" and not path_parameters(op[2])]
WRITES = [op for op in OPERATIONS if op[0] != "GET" and operation_id(op) not in EXECUTIVE_MAY]


@pytest.mark.parametrize("operation", WITH_PARAMETERS, ids=operation_id)
def test_another_users_object_answers_404_and_nothing_changes(operation, world, manager) -> None:
    method, path, spec = operation
    client = api_client_for(manager)
    before = snapshot()

    response = _request(client, method, _fill(path, world["params"]), spec, world["colleague"])

    assert response.status_code == 404, response.content
    assert set(response.json()) == {"detail", "errors"}
    assert snapshot() == before


@pytest.mark.parametrize("operation", LISTS, ids=operation_id)
def test_lists_show_nothing_of_another_user(operation, world, manager) -> None:
    method, path, spec = operation
    response = _request(api_client_for(manager), method, path, spec, world["colleague"])
    assert response.status_code == 200
    assert SECRET not in response.content.decode()


@pytest.mark.parametrize("operation", WRITES, ids=operation_id)
def test_an_executive_writes_nothing(operation, world, executive) -> None:
    method, path, spec = operation
    client = api_client_for(executive)
    before = snapshot()

    response = _request(client, method, _fill(path, world["params"]), spec, world["colleague"])

    # Visible but not allowed answers 403; an object the executive cannot see answers 404.
    assert response.status_code in {403, 404}, response.content
    assert snapshot() == before


@pytest.mark.parametrize("operation", OPERATIONS, ids=operation_id)
def test_without_credentials_every_operation_answers_401(operation, world) -> None:
    method, path, spec = operation
    response = _request(Client(), method, _fill(path, world["params"]), spec, world["colleague"])
    assert response.status_code == 401
    assert "detail" in response.json()


# One file per importer, each naming Otto's account and a code nobody has (DOMAIN §13).
FOREIGN_ROWS = {
    "ledger": b"customer,date,amount\nOTTO-1,2026-10-01,1.00\nNOPE-1,2026-10-01,1.00\n",
    "costs": b"account,month,kind,amount\nOTTO-1,2026-10,travel,5.00\nNOPE-1,2026-10,travel,5.00\n",
    "contacts": b"account,name\nOTTO-1,Spy\nNOPE-1,Spy\n",
}


@pytest.mark.parametrize("kind", FOREIGN_ROWS)
def test_an_import_naming_another_users_account_is_refused_by_row(kind, world, manager) -> None:
    """Another's account code reads exactly as an unknown one, and nothing is written."""
    client = api_client_for(manager)
    call_command("worker", "--batch")  # the world's own queued runs first
    before = {name: rows for name, rows in snapshot().items() if name != "ImportJob"}

    created = client.post(
        f"{PREFIX}/imports",
        {
            "file": SimpleUploadedFile(f"{kind}.csv", FOREIGN_ROWS[kind]),
            "kind": kind,
            "create_accounts": "false",
        },
    )
    call_command("worker", "--batch")
    job = client.get(f"{PREFIX}/imports/{created.json()['id']}")

    assert created.status_code == 202, created.content
    result = job.json()["result"]
    assert job.json()["status"] == "rejected"
    theirs, unknown = result["errors"]
    assert (theirs["row"], theirs["value"], unknown["value"]) == (2, "OTTO-1", "NOPE-1")
    assert theirs["reason"] == unknown["reason"]
    assert SECRET not in job.content.decode()
    assert "otto" not in job.content.decode()
    assert {name: rows for name, rows in snapshot().items() if name != "ImportJob"} == before
