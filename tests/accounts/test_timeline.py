"""The account's timeline (docs/rules.md "Change history"): every kind told, filtered by kind,
paged by a keyset cursor without gaps or repeats, another manager's account not found."""

from __future__ import annotations

import datetime as dt

import pytest
from django.test import Client
from django.urls import reverse

from kam.accounts.models import Note
from kam.accounts.services import account_set_key_status
from kam.accounts.timeline import Cursor, timeline_kinds, timeline_page
from kam.alerts.registry import kinds as alert_kinds
from kam.alerts.services import alert_acknowledge, alert_raise, alert_resolve
from kam.engagement.activities.models import Activity, ActivityStatus
from kam.engagement.complaints.services import complaint_acknowledge, complaint_create
from kam.org.models import Role
from kam.portfolio.services.strategy import strategy_override_set
from kam.risk.winback.services import plan_start
from tests.conftest import api_client_for
from tests.factories import (
    AccountFactory,
    ActivityFactory,
    CompetitorMoveFactory,
    ContactFactory,
    ImportBatchFactory,
    InfluenceLinkFactory,
    LedgerLineFactory,
    NoteFactory,
    SurveyResponseFactory,
    TrainingFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db
MOMENT = dt.datetime(2026, 10, 1, 9, 0, tzinfo=dt.UTC)


def every_kind(manager):
    """An account with one record of every kind the timeline tells."""
    account = AccountFactory(owner=manager)
    director = UserFactory(role=Role.DIRECTOR)
    NoteFactory(account=account, author=manager, body="Met the buyer")
    account_set_key_status(actor=director, account=account, is_key=True, reason="big")
    strategy_override_set(actor=manager, account=account, strategy="retention", reason="r")
    LedgerLineFactory(account=account, batch=ImportBatchFactory(created_by=manager))
    contact = ContactFactory(account=account, name="Wang Fang")
    InfluenceLinkFactory(source=contact, target=ContactFactory(account=account))
    activity = ActivityFactory(
        account=account,
        owner=manager,
        status=ActivityStatus.DONE,
        done_at=MOMENT,
        outcome="Agreed a trial",
    )
    activity.our_participants.add(manager)
    activity.their_participants.add(contact)
    complaint = complaint_create(
        actor=manager,
        account=account,
        subject="Late delivery",
        channel="phone",
        category="service",
        severity="high",
    )
    complaint_acknowledge(actor=manager, complaint=complaint, comment="on it")
    SurveyResponseFactory(account=account, contact=contact, nps=9)
    TrainingFactory(account=account, created_by=manager).attendees.add(contact)
    CompetitorMoveFactory(account=account, seen_by=manager, competitor="Acme")
    alert = alert_raise(account, alert_kinds()[0].code, message="m")
    alert_acknowledge(actor=manager, alert=alert, comment="seen")
    alert_resolve(actor=manager, alert=alert, reason="handled")
    plan_start(actor=manager, account=account, goal="Orders back")
    return account


def test_every_kind_is_told_with_who_what_and_a_label(manager) -> None:
    # Given an account with one record of each kind
    account = every_kind(manager)
    # When its timeline is read
    entries = timeline_page(account=account, limit=200).entries
    # Then every registered kind is there, each with a label and a key
    told = {entry.kind for entry in entries}
    # (re-scores are queued by estimates: tests/portfolio/test_account_story.py tells them)
    assert told == {kind.key for kind in timeline_kinds()} - {"rescore"}
    assert all(entry.key for entry in entries)
    held = next(e for e in entries if e.kind == "activity")
    assert "Wang Fang" in str(held.changes) and held.detail == "Agreed a trial"
    alert_steps = [e.action for e in entries if e.kind == "alert"]
    assert len(alert_steps) == 3
    complaint = [e for e in entries if e.kind == "complaint"]
    assert len(complaint) == 2 and all(e.link for e in complaint)
    # Trainings and competitor moves open the account's service page at their card.
    service = reverse("account_service", args=[account.pk])
    assert next(e for e in entries if e.kind == "training").link == service + "#trainings"
    assert next(e for e in entries if e.kind == "competitor").link == service + "#competitors"


def test_a_kind_filter_keeps_only_those_kinds(manager) -> None:
    account = every_kind(manager)
    page = timeline_page(account=account, limit=200, kinds={"activity", "complaint"})
    assert {e.kind for e in page.entries} == {"activity", "complaint"}
    assert page.next_cursor is None


def test_pages_walk_every_entry_once_when_timestamps_tie(manager) -> None:
    # Given 13 notes and 13 activities all at the very same moment
    account = AccountFactory(owner=manager)
    NoteFactory.create_batch(13, account=account, author=manager)
    Note.objects.filter(account=account).update(created_at=MOMENT)
    ActivityFactory.create_batch(13, account=account, owner=manager)
    Activity.objects.filter(account=account).update(created_at=MOMENT)
    everything = timeline_page(account=account, limit=200, kinds={"note", "activity"}).entries
    assert len(everything) == 26
    # When they are read five at a time by cursor
    seen, cursor = [], None
    for _ in range(10):
        page = timeline_page(account=account, limit=5, kinds={"note", "activity"}, before=cursor)
        seen.extend(page.entries)
        cursor = page.next_cursor
        if cursor is None:
            break
    # Then each entry comes once, in the same order as all at once
    assert [e.key for e in seen] == [e.key for e in everything]


def test_a_cursor_reads_back_as_written() -> None:
    cursor = Cursor(MOMENT + dt.timedelta(microseconds=7), "note:000000000012.00")
    assert Cursor.parse(str(cursor)) == cursor
    with pytest.raises(ValueError):
        Cursor.parse("yesterday")


def test_the_page_filters_by_chip_and_loads_older(manager) -> None:
    account = AccountFactory(owner=manager)
    NoteFactory.create_batch(60, account=account, author=manager, body="hello")
    client = Client()
    client.force_login(manager)
    page = client.get(reverse("account_detail", args=[account.pk]) + "?kinds=note")
    text = page.content.decode()
    assert page.status_code == 200 and 'class="chip tl-blue on"' in text
    assert "Load older" in text
    older = client.get(
        reverse("account_timeline", args=[account.pk]),
        {"kinds": "note", "before": str(page.context["timeline"].next_cursor)},
    )
    assert older.status_code == 200 and older.content.decode().count("tl-entry") == 10
    empty = client.get(reverse("account_timeline", args=[account.pk]), {"kinds": "training"})
    assert "Nothing of training recorded yet" in empty.content.decode()


def test_another_managers_account_is_not_found(manager, other_manager) -> None:
    account = AccountFactory(owner=other_manager)
    client = Client()
    client.force_login(manager)
    assert client.get(reverse("account_timeline", args=[account.pk])).status_code == 404
    api = api_client_for(manager)
    assert api.get(f"/api/v1/accounts/{account.pk}/timeline").status_code == 404


def test_the_api_pages_by_cursor_and_names_bad_fields(manager) -> None:
    account = AccountFactory(owner=manager)
    NoteFactory.create_batch(3, account=account, author=manager)
    api = api_client_for(manager)
    url = f"/api/v1/accounts/{account.pk}/timeline"
    first = api.get(url, {"kinds": "note", "limit": 2}).json()
    assert len(first["entries"]) == 2 and "note" in {k["key"] for k in first["kinds"]}
    rest = api.get(url, {"kinds": "note", "limit": 2, "before": first["next_before"]}).json()
    assert len(rest["entries"]) == 1 and rest["next_before"] is None
    for params, field in (
        ({"kinds": "nope"}, "kinds"),
        ({"before": "x"}, "before"),
        ({"limit": 0}, "limit"),
    ):
        answer = api.get(url, params)
        assert answer.status_code == 422, params
        assert answer.json()["errors"][0]["field"] == field
