"""The agenda, the account page's activities panel and the cadence settings page (§9)."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from kam.engagement.activities.models import Activity
from kam.engagement.activities.selectors import cadence_settings
from kam.org.models import User
from tests.conftest import signed_in
from tests.factories import AccountFactory, ActivityFactory, ContactFactory, SnapshotFactory

pytestmark = pytest.mark.django_db

HTMX = {"HTTP_HX_REQUEST": "true"}


def test_the_agenda_shows_overdue_first_and_is_in_the_navigation(manager: User) -> None:
    account = AccountFactory(owner=manager, name="Late Co")
    SnapshotFactory(account=account, account_class="A")
    ActivityFactory(account=account, status="done", done_at=timezone.now() - dt.timedelta(days=35))
    ActivityFactory(
        account=AccountFactory(owner=manager),
        subject="Lunch with the buyer",
        planned_for=timezone.now() + dt.timedelta(days=1),
    )
    page = signed_in(manager).get(reverse("agenda"))
    text = page.content.decode()
    assert page.status_code == 200
    assert f'href="{reverse("agenda")}"' in text
    assert text.index("Visit due") < text.index("Lunch with the buyer")
    assert "5 days overdue" in text


def test_one_click_logs_a_planned_activity_done(manager: User) -> None:
    activity = ActivityFactory(account__owner=manager, planned_for=timezone.now())
    wang = ContactFactory(account=activity.account)
    activity.their_participants.set([wang])
    answer = signed_in(manager).post(
        reverse("agenda_done", args=[activity.pk]), {"outcome": "Signed the trial"}, **HTMX
    )
    assert answer.status_code == 200
    assert "Signed the trial" in answer.content.decode()
    activity.refresh_from_db()
    wang.refresh_from_db()
    assert activity.status == "done"
    assert wang.last_contact == timezone.localdate()


def test_a_second_click_says_why_it_is_refused(manager: User) -> None:
    activity = ActivityFactory(account__owner=manager, status="done", done_at=timezone.now())
    answer = signed_in(manager).post(reverse("agenda_done", args=[activity.pk]), **HTMX)
    assert "cannot move from done to done" in answer.content.decode()


def test_another_managers_activity_cannot_be_done(manager: User, other_manager: User) -> None:
    theirs = ActivityFactory(account__owner=other_manager)
    answer = signed_in(manager).post(reverse("agenda_done", args=[theirs.pk]))
    assert answer.status_code == 404
    theirs.refresh_from_db()
    assert theirs.status == "planned"


def test_plan_a_visit_for_an_account_due(manager: User) -> None:
    account = AccountFactory(owner=manager)
    answer = signed_in(manager).post(
        reverse("agenda_plan_visit", args=[account.pk]), {"planned_for": "2026-12-04T10:00"}, **HTMX
    )
    assert answer.status_code == 200
    visit = Activity.objects.get(account=account)
    assert (visit.kind, visit.status) == ("visit", "planned")
    assert timezone.localtime(visit.planned_for).hour == 10


def test_the_panel_shows_the_cadence_and_logs_an_activity(manager: User) -> None:
    account = AccountFactory(owner=manager)
    SnapshotFactory(account=account, account_class="B")
    ActivityFactory(account=account, status="done", done_at=timezone.now() - dt.timedelta(days=33))
    client = signed_in(manager)
    panel = client.get(reverse("account_activities", args=[account.pk]))
    assert "Next visit due in 12 days" in panel.content.decode()
    logged = client.post(
        reverse("account_activities", args=[account.pk]),
        {"status": "done", "kind": "visit", "subject": "Plant tour"},
        **HTMX,
    )
    assert "Next visit due in 45 days" in logged.content.decode()
    assert Activity.objects.get(subject="Plant tour").channel == "on_site"


def test_the_panel_form_names_the_missing_date_of_a_plan(manager: User) -> None:
    account = AccountFactory(owner=manager)
    answer = signed_in(manager).post(
        reverse("account_activities", args=[account.pk]),
        {"status": "planned", "kind": "call", "subject": "Call back"},
        **HTMX,
    )
    assert "A planned activity needs a date and time." in answer.content.decode()
    assert not Activity.objects.exists()


def test_the_account_page_loads_the_panel(manager: User) -> None:
    account = AccountFactory(owner=manager)
    page = signed_in(manager).get(reverse("account_detail", args=[account.pk]))
    assert reverse("account_activities", args=[account.pk]) in page.content.decode()


def test_the_director_edits_the_cadence_page(director: User, manager: User) -> None:
    values = {
        "visit_days_a": 20,
        "visit_days_b": 45,
        "visit_days_c": 30,
        "visit_days_d": 90,
        "decision_maker_days": 60,
    }
    refused = signed_in(manager).post(reverse("cadence_settings"), values)
    assert "Only a director or an administrator may edit the contact cadence." in (
        refused.content.decode()
    )
    assert cadence_settings().visit_days_a == 30
    page = signed_in(director).post(reverse("cadence_settings"), values, follow=True)
    assert page.status_code == 200
    assert "Cadence saved." in page.content.decode()
    assert cadence_settings().visit_days_a == 20
