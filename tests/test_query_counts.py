"""Every list page and list endpoint answers in a number of queries that does not grow with
its rows: the same bound holds for a few rows and for many (no N+1)."""

from __future__ import annotations

import datetime as dt

import pytest
from django.test import Client
from django.urls import reverse

from kam.accounts.services import account_set_key_status
from kam.alerts.registry import kinds
from kam.alerts.services import alert_raise
from kam.api.api import api
from kam.org.models import Role, User
from kam.org.services import token_create
from kam.portfolio.models import Playbook, Strategy
from kam.portfolio.services.playbooks import playbook_update
from kam.portfolio.services.scoring import score_history
from kam.portfolio.services.strategy import strategy_override_set
from tests.conftest import api_client_for
from tests.factories import (
    AccountFactory,
    AccountRequestFactory,
    ContactFactory,
    CostToServeFactory,
    ImportBatchFactory,
    LedgerLineFactory,
    NoteFactory,
    PotentialEstimateFactory,
    TeamFactory,
    TeamMemberFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db

FEW, MANY = 2, 12
AS_OF = dt.date(2026, 10, 31)
PREFIX = "/api/v1"
SCHEMA = api.get_openapi_schema()
LIST_OPERATIONS = [
    (path.removeprefix(PREFIX), spec["operationId"])
    for path, methods in SCHEMA["paths"].items()
    for method, spec in methods.items()
    if method == "get" and (spec["operationId"].startswith("list_") or "{" not in path)
] + [("/accounts/{account_id}/history", "get_account_history")]
# The most queries each may take, whatever its rows: sign-in, scope, the rows, a fixed few
# related lookups (measured, plus two to spare). A lookup per row fails with MANY rows.
MOST = {
    "get_me": 4,
    "list_users": 5,
    "list_teams": 5,
    "list_departments": 4,
    "list_tokens": 4,
    "list_accounts": 5,
    "list_account_requests": 5,
    "list_key_status_decisions": 5,
    "list_team_members": 5,
    "list_potential_estimates": 5,
    "list_notes": 7,
    "get_account_history": 12,  # merged: notes, decisions, overrides, re-scores, imports
    "list_imports": 5,
    "list_batches": 5,
    "list_ledger_lines": 6,
    "list_portfolio": 6,
    "list_matrix_accounts": 6,
    "list_snapshot_dates": 4,
    "get_portfolio_settings": 4,
    "get_company_settings": 4,
    "list_playbooks": 5,
    "list_key_proposals": 6,
    "list_account_snapshots": 6,
    "list_account_history": 5,
    "list_costs_to_serve": 6,
    "list_alerts": 5,
    "dashboard": 6,
    "profile": 5,
    "account_list": 9,
    "account_request_list": 7,
    "account_detail": 24,  # the history merges notes, decisions, overrides, re-scores, imports
    "import_list": 6,
    "account_lines": 8,
    "account_sales": 11,
    "account_strategy": 20,  # and the group: top parent, its snapshot, override, history
    "portfolio_matrix": 13,
    "portfolio_pareto": 11,
    "portfolio_migration": 11,
    "portfolio_proposals": 8,
    "portfolio_playbooks": 6,
    "portfolio_settings": 8,
    "portfolio_alerts": 6,
}
LIST_PAGES = [
    ("dashboard", False),
    ("profile", False),
    ("account_list", False),
    ("account_request_list", False),
    ("account_detail", True),
    ("import_list", False),
    ("account_lines", True),
    ("account_sales", True),
    ("account_strategy", True),
    ("portfolio_matrix", False),
    ("portfolio_pareto", False),
    ("portfolio_migration", False),
    ("portfolio_proposals", False),
    ("portfolio_playbooks", False),
    ("portfolio_settings", False),
    ("portfolio_alerts", False),
]


def build(rows: int, manager: User) -> int:
    """`rows` accounts of the manager's, the first with `rows` of everything under it."""
    director = UserFactory(role=Role.DIRECTOR)
    accounts = [AccountFactory(owner=manager) for _ in range(rows)]
    first = accounts[0]
    for index in range(rows):
        account = accounts[index]
        member = UserFactory(role=Role.SALES)
        TeamMemberFactory(account=first, user=member)
        TeamFactory().members.add(manager, member)
        NoteFactory(account=first, author=manager)
        PotentialEstimateFactory(account=account, estimated_on=dt.date(2026, 1, index + 1))
        PotentialEstimateFactory(account=first, estimated_on=dt.date(2026, 2, index + 1))
        account_set_key_status(actor=director, account=first, is_key=index % 2 == 0, reason="r")
        batch = ImportBatchFactory(created_by=manager)
        LedgerLineFactory(account=account, batch=batch, date=dt.date(2026, 8, 1 + index))
        LedgerLineFactory(account=first, batch=batch, date=dt.date(2026, 9, 1 + index))
        CostToServeFactory(account=first, month=dt.date(2026, 1 + index % 9, 1))
        ContactFactory(account=first)
        token_create(user=manager, name=f"t{index}")
        AccountRequestFactory(requested_by=manager)
        kind = kinds()[index % len(kinds())].code
        alert_raise(account, kind, message="m")
        alert_raise(first, kind, message="m")
    for strategy in Strategy.values[: min(rows, len(Strategy.values))]:
        playbook, _new = Playbook.objects.get_or_create(
            strategy=strategy, defaults={"summary": "s"}
        )
        playbook_update(actor=director, playbook=playbook, tactics=[f"t{i}" for i in range(rows)])
    score_history(as_of=AS_OF)
    for account in accounts:
        strategy_override_set(actor=manager, account=account, strategy="retention", reason="r")
    return first.pk


def signed_in(user: User) -> Client:
    client = Client()
    client.force_login(user)
    return client


@pytest.mark.parametrize("rows", [FEW, MANY])
def test_list_endpoints_answer_in_queries_that_do_not_grow_with_rows(
    rows, manager, django_assert_max_num_queries
) -> None:
    first = build(rows, manager)
    client = api_client_for(manager)
    for path, name in LIST_OPERATIONS:
        url = PREFIX + path.replace("{account_id}", str(first))
        with django_assert_max_num_queries(MOST[name], info=url):
            response = client.get(url)
        assert response.status_code == 200, url


@pytest.mark.parametrize("rows", [FEW, MANY])
def test_list_pages_answer_in_queries_that_do_not_grow_with_rows(
    rows, manager, django_assert_max_num_queries
) -> None:
    first = build(rows, manager)
    client = signed_in(manager)
    for name, per_account in LIST_PAGES:
        url = reverse(name, args=[first] if per_account else [])
        with django_assert_max_num_queries(MOST[name], info=url):
            response = client.get(url)
        assert response.status_code == 200, url
