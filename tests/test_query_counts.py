"""Every list page and list endpoint answers in a number of queries that does not grow with
its rows: the same bound holds for a few rows and for many (no N+1)."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.urls import reverse

from kam.accounts.columns import column_sorts
from kam.accounts.services import account_set_key_status
from kam.alerts.models import Alert
from kam.alerts.registry import kinds
from kam.alerts.services import alert_comment_add, alert_raise
from kam.api.api import api
from kam.core.dates import today
from kam.core.months import month_end, month_index
from kam.engagement.complaints.models import Complaint
from kam.engagement.complaints.services import complaint_acknowledge, complaint_create
from kam.engagement.surveys.services import survey_invitation_create
from kam.org.models import Role, User
from kam.org.services import notify, token_create
from kam.portfolio.models import Playbook, Strategy
from kam.portfolio.services.playbooks import playbook_update
from kam.portfolio.services.scoring import score_history
from kam.portfolio.services.strategy import strategy_override_set
from kam.risk.models import ModelKind
from tests.conftest import api_client_for, signed_in
from tests.factories import (
    AccountFactory,
    AccountRequestFactory,
    CompetitorMoveFactory,
    ComplaintFactory,
    ContactFactory,
    CostToServeFactory,
    ImportBatchFactory,
    InterventionFactory,
    LedgerLineFactory,
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
)

pytestmark = pytest.mark.django_db

FEW, MANY = 2, 12
# The timeline page: sign-in and scope, then each source a fixed few (kam.accounts.timeline).
TIMELINE_FRAGMENT, TIMELINE_API = 30, 30
AS_OF = dt.date(2026, 10, 31)
PREFIX = "/api/v1"
SCHEMA = api.get_openapi_schema()
LIST_OPERATIONS = [
    (path.removeprefix(PREFIX), spec["operationId"])
    for path, methods in SCHEMA["paths"].items()
    for method, spec in methods.items()
    if method == "get" and (spec["operationId"].startswith("list_") or "{" not in path)
] + [
    ("/accounts/{account_id}/history", "get_account_history"),
    ("/accounts/{account_id}/timeline", "get_account_timeline"),
    ("/accounts/{account_id}/risk", "get_account_risk"),
]
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
    # The timeline: each kind's stream one keyset query a page (kam.accounts.timeline), the
    # activities' participants and the trainings' attendees prefetched, whatever the rows (the
    # win-back plans, reasons and interventions three streams of their own).
    "get_account_history": 30,
    "get_account_timeline": 29,
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
    "count_alerts": 4,
    "list_alert_comments": 6,
    "list_notifications": 5,
    "get_inbox_unread_count": 4,
    "list_relationship_scores": 5,
    "list_contacts": 6,
    "list_influence_links": 6,
    "list_activities": 6,
    "get_agenda": 15,  # planned activities, accounts due, decision makers due, the zone
    "get_cadence_settings": 4,
    "get_calendar_feed": 4,
    "list_survey_responses": 5,
    "list_survey_plans": 6,  # and the contacts surveyed, prefetched
    "list_survey_invitations": 6,
    "get_portfolio_nps": 4,
    "list_complaints": 5,
    "list_complaint_events": 6,
    "get_complaint_report": 5,
    "get_complaint_settings": 4,
    "list_trainings": 6,  # and the attendees, prefetched
    "list_competitor_moves": 5,
    # The scores with their accounts, owners and open plans in one query, and its count.
    "list_risk_accounts": 6,
    "list_risk_clv": 5,
    "get_risk_migration": 5,  # the Markov run, the reader's classes
    "list_model_runs": 8,  # the newest run of each of the five kinds
    "get_account_risk": 8,  # the score, the months, the open plan, the churn run
    # The dashboard gathers a fixed set of cards (alerts, movements, mentions, counts).
    "dashboard": 17,
    "profile": 5,
    "account_list": 9,
    "account_request_list": 7,
    # The timeline (as get_account_timeline: every kind's stream), the buying centre, the
    # open complaints and the win-back panel (open plan, latest score, last plan).
    "account_detail": 45,
    "import_list": 6,
    "account_lines": 8,
    "account_sales": 11,
    "account_strategy": 20,  # and the group: top parent, its snapshot, override, history
    "portfolio_matrix": 14,
    "portfolio_pareto": 12,
    "portfolio_migration": 11,
    "portfolio_proposals": 12,
    "portfolio_playbooks": 6,
    "portfolio_settings": 9,
    # The navigation's unread count adds one query to every page.
    "portfolio_alerts": 8,
    "alert_detail": 13,
    "inbox": 6,
    # The trend, responses, plans and their contacts, links, the respondent menu, the alert.
    "account_surveys": 14,
    "complaint_list": 8,
    "complaint_detail": 12,
    "complaint_report": 7,
    "complaint_settings": 7,
    # Open complaints and their settings, the trend, trainings and attendees, the attendee
    # choices, moves, the move alert.
    "account_service": 20,
    "account_trainings": 9,
    "account_competitor_moves": 8,
    "competitor_move_list": 10,  # the page, its count, the summary, the names
    # The score, the months, the open plan and its reasons, the newest run of each model.
    "account_risk": 13,
    "risk_list": 11,  # the page, its count, the level counts, the owners, the churn run
    "risk_clv": 13,
    "risk_migration": 7,
    "risk_models": 10,
    "list_win_back_plans": 5,
    "win_back_list": 6,
    # The intervention report: plans, risk months, labels, surveys, names, whatever the rows.
    "get_intervention_report": 8,
    "risk_interventions": 10,
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
    ("alert_detail", "alert"),
    ("inbox", False),
    ("account_surveys", True),
    ("complaint_list", False),
    ("complaint_detail", "complaint"),
    ("complaint_report", False),
    ("complaint_settings", False),
    ("account_service", True),
    ("account_trainings", True),
    ("account_competitor_moves", True),
    ("competitor_move_list", False),
    ("account_risk", True),
    ("risk_list", False),
    ("risk_clv", False),
    ("risk_migration", False),
    ("risk_models", False),
    ("win_back_list", False),
    ("risk_interventions", False),
]


def build(rows: int, manager: User) -> int:
    """`rows` accounts of the manager's, the first with `rows` of everything under it."""
    director = UserFactory(role=Role.DIRECTOR)
    accounts = [AccountFactory(owner=manager) for _ in range(rows)]
    first = accounts[0]
    a_year_ago = month_end(month_index(today()) - 12)
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
        contact = ContactFactory(account=first)
        SurveyPlanFactory(account=first).contacts.add(contact)
        SurveyResponseFactory(
            account=first, contact=contact, responded_on=dt.date(2026, 1 + index % 9, 3)
        )
        survey_invitation_create(actor=manager, account=first, contact_id=contact.pk)
        token_create(user=manager, name=f"t{index}")
        notify(recipients=[manager], kind="mention", text=f"n{index}", link="/", actor=director)
        AccountRequestFactory(requested_by=manager)
        kind = kinds()[index % len(kinds())].code
        alert_raise(account, kind, message="m")
        alert_comment_add(actor=manager, alert=alert_raise(first, kind, message="m"), body="c")
        complaint = complaint_create(
            actor=manager,
            account=first,
            subject=f"c{index}",
            channel="phone",
            category="service",
            severity="high",
        )
        complaint_acknowledge(actor=manager, complaint=complaint, comment="c")
        ComplaintFactory(account=account, status="closed", resolved_at=complaint.received_at)
        TrainingFactory(account=first, created_by=manager).attendees.add(contact)
        CompetitorMoveFactory(account=first, competitor=f"Rival {index % 3}", seen_by=manager)
        RiskScoreFactory(account=account, account_class="ABCD"[index % 4])
        RiskMonthFactory(account=first, month_end=dt.date(2025 + index // 12, 1 + index % 12, 28))
        plan = WinBackPlanFactory(account=account)
        InterventionFactory(plan=plan, due_on=dt.date(2026, 10, 1 + index))
        InterventionFactory(plan=first.win_back_plans.get(status="open"), description=f"i{index}")
        # At risk a year ago, every other one treated by a plan: in the intervention report.
        RiskMonthFactory(account=account, month_end=a_year_ago, risk_level="high")
        if index % 2 == 0:
            WinBackPlanFactory(
                account=account,
                started_on=a_year_ago + dt.timedelta(days=3),
                status="closed",
                outcome="stabilised",
                closed_on=a_year_ago + dt.timedelta(days=90),
            )
    for strategy in Strategy.values[: min(rows, len(Strategy.values))]:
        playbook, _new = Playbook.objects.get_or_create(
            strategy=strategy, defaults={"summary": "s"}
        )
        playbook_update(actor=director, playbook=playbook, tactics=[f"t{i}" for i in range(rows)])
    score_history(as_of=AS_OF)
    for kind in ModelKind.values:
        ModelRunFactory(kind=kind)
    for account in accounts:
        strategy_override_set(actor=manager, account=account, strategy="retention", reason="r")
    return first.pk


@pytest.mark.parametrize("rows", [FEW, MANY])
def test_list_endpoints_answer_in_queries_that_do_not_grow_with_rows(
    rows, manager, django_assert_max_num_queries
) -> None:
    first = build(rows, manager)
    first_alert = Alert.objects.filter(account_id=first).first().pk
    client = api_client_for(manager)
    for path, name in LIST_OPERATIONS:
        first_complaint = Complaint.objects.filter(account_id=first).first().pk
        url = PREFIX + path.replace("{account_id}", str(first)).replace(
            "{alert_id}", str(first_alert)
        ).replace("{complaint_id}", str(first_complaint))
        with django_assert_max_num_queries(MOST[name], info=url):
            response = client.get(url)
        assert response.status_code == 200, url


@pytest.mark.parametrize("rows", [FEW, MANY])
def test_list_pages_answer_in_queries_that_do_not_grow_with_rows(
    rows, manager, django_assert_max_num_queries
) -> None:
    first = build(rows, manager)
    first_alert = Alert.objects.filter(account_id=first).first().pk
    client = signed_in(manager)
    for name, per_account in LIST_PAGES:
        first_complaint = Complaint.objects.filter(account_id=first).first().pk
        args = (
            [first_alert]
            if per_account == "alert"
            else [first_complaint]
            if per_account == "complaint"
            else [first]
            if per_account
            else []
        )
        url = reverse(name, args=args)
        with django_assert_max_num_queries(MOST[name], info=url):
            response = client.get(url)
        assert response.status_code == 200, url


def page_and_api(
    user: User, page: str, path: str, most: dict[str, int], bound: Any
) -> tuple[Any, Any]:
    """`user`'s answers from the list page named `page` and the API list at `path`, each
    within its bound in `most` (the sign-in and token set-up are not counted)."""
    browser, script = signed_in(user), api_client_for(user)
    with bound(most["page"], info=page):
        shown = browser.get(reverse(page))
    with bound(most["api"], info=path):
        listed = script.get(PREFIX + path)
    return shown, listed


def build_requests(rows: int, director: User) -> None:
    """`rows` account requests from as many managers: a third open, a third approved (an
    account linked), a third declined with a reason (decided by the director)."""
    from kam.accounts.services import account_request_approve, account_request_decline

    for index in range(rows):
        asked = AccountRequestFactory(requested_by=UserFactory(role=Role.MANAGER))
        if index % 3 == 1:
            account_request_approve(actor=director, account_request=asked)
        elif index % 3 == 2:
            account_request_decline(actor=director, account_request=asked, reason="no")


# A director's list of account requests: every row another asker, decided by someone, some
# with their account (each a related lookup, were it loaded per row).
REQUESTS_MOST = {"page": 8, "api": 6}


@pytest.mark.parametrize("rows", [FEW + 1, MANY])
def test_a_directors_account_requests_answer_in_queries_that_do_not_grow_with_rows(
    rows, director, django_assert_max_num_queries
) -> None:
    bound = django_assert_max_num_queries
    # Given requests from many managers, open, approved and declined
    build_requests(rows, director)

    # When the director lists them on the page and through the API
    page, listed = page_and_api(
        director, "account_request_list", "/account-requests", REQUESTS_MOST, bound
    )

    # Then both list every request, in a bounded number of queries
    assert page.status_code == listed.status_code == 200
    assert page.content.count(b"<tr>") == rows + 1  # the head and a row each
    assert listed.json()["count"] == rows


# Queued jobs with no worker: each says it waits and for how long (a heartbeat look, were it
# made per job).
IMPORTS_MOST = {"page": 8, "api": 7}


@pytest.mark.parametrize("rows", [FEW, MANY])
def test_queued_imports_say_they_wait_in_queries_that_do_not_grow_with_rows(
    rows, manager, django_assert_max_num_queries
) -> None:
    bound = django_assert_max_num_queries
    # Given uploads queued with no worker to take them (each says how long it has waited)
    import io

    from kam.ledger.jobs import import_job_create
    from kam.ledger.models import ImportJob, JobStatus

    for _ in range(rows):
        data = b"customer,date,amount\nC1,2026-10-03,100\n"
        import_job_create(
            actor=manager, file_name="x.csv", content=io.BytesIO(data), size=len(data)
        )
    assert ImportJob.objects.filter(status=JobStatus.QUEUED).count() == rows

    # When they are listed on the page and through the API
    page, listed = page_and_api(manager, "import_list", "/imports", IMPORTS_MOST, bound)

    # Then every job says it waits for a worker, in a bounded number of queries
    assert page.status_code == listed.status_code == 200
    assert [job["waiting_for_worker"] for job in listed.json()["items"]] == [True] * rows


@pytest.mark.parametrize("rows", [FEW, MANY])
def test_the_account_list_sorted_by_a_registered_column_stays_in_budget(
    rows, manager, django_assert_max_num_queries
) -> None:
    # Given scored accounts with overrides, when the list is sorted by each column that
    # portfolio registers (revenue, class, strategy), then the budget of the list holds
    build(rows, manager)
    client = signed_in(manager)
    for sort in column_sorts():
        with django_assert_max_num_queries(MOST["account_list"], info=sort):
            response = client.get(reverse("account_list"), {"sort": sort})
        assert response.status_code == 200, sort


@pytest.mark.parametrize("events", [10, 500])
def test_the_account_timeline_answers_in_queries_that_do_not_grow_with_events(
    events, manager, django_assert_num_queries
) -> None:
    """Given an account with 10 or 500 events of every kind, the timeline's first page (the
    page fragment and the API) takes the same number of queries."""
    from tests.factories import timeline_events

    account = AccountFactory(owner=manager)
    timeline_events(account, events)
    client = signed_in(manager)
    with django_assert_num_queries(TIMELINE_FRAGMENT):
        assert client.get(reverse("account_timeline", args=[account.pk])).status_code == 200
    api = api_client_for(manager)
    with django_assert_num_queries(TIMELINE_API):
        answer = api.get(f"{PREFIX}/accounts/{account.pk}/timeline")
    assert answer.status_code == 200 and len(answer.json()["entries"]) == min(50, events + 3)
