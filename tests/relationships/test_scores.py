"""The dated series of relationship scores (kam.relationships.services.scores, §7)."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import transaction

from kam.relationships.models import BuyingRole, RelationshipScore
from kam.relationships.services import (
    contact_create,
    contact_update,
    latest_scores,
    record_scores,
    scores_sweep,
)
from kam.relationships.tasks import relationship_sweep_task
from tests.factories import AccountFactory, ContactFactory

pytestmark = pytest.mark.django_db

AS_OF = dt.date(2026, 6, 30)


def _points(account) -> list[RelationshipScore]:
    return list(RelationshipScore.objects.filter(account=account).order_by("recorded_at", "id"))


def test_a_first_recording_stores_every_figure(manager) -> None:
    # Given an account with a rated decision maker in Purchasing
    account = AccountFactory(owner=manager)
    person = ContactFactory(
        account=account,
        department="Purchasing",
        buying_role=BuyingRole.DECISION_MAKER,
        closeness=5,
        last_contact=AS_OF,
    )

    # When its scores are recorded
    appended = record_scores([account.pk], reason="change", as_of=AS_OF)

    # Then one point holds the figures, the gaps and their people
    assert len(appended) == 1
    (point,) = _points(account)
    assert (point.overall_closeness, point.coverage, point.people, point.reason) == (
        100.0,
        1.0,
        1,
        "change",
    )
    assert point.gaps == [
        {"kind": "no_coach", "people": []},
        {"kind": "single_threaded", "people": [person.pk]},
    ]
    assert point.gap_count == 2
    assert point.department_scores == [{"department": "Purchasing", "score": 100.0, "people": 1}]
    assert point.as_of == AS_OF


def test_nothing_is_appended_when_nothing_moved(manager) -> None:
    # Given an account recorded once
    account = AccountFactory(owner=manager)
    ContactFactory(account=account, closeness=3, last_contact=AS_OF)
    record_scores([account.pk], reason="change", as_of=AS_OF)

    # When it is recorded again unchanged
    again = record_scores([account.pk], reason="sweep", as_of=AS_OF)

    # Then the series keeps its one point
    assert again == []
    assert len(_points(account)) == 1


def test_a_moved_value_appends_a_point(manager) -> None:
    # Given an account recorded once
    account = AccountFactory(owner=manager)
    person = ContactFactory(account=account, closeness=3, last_contact=AS_OF)
    record_scores([account.pk], reason="change", as_of=AS_OF)

    # When a rating changes and it is recorded again
    person.closeness = 5
    person.save()
    record_scores([account.pk], reason="change", as_of=AS_OF)

    # Then a second point holds the new closeness
    assert [p.overall_closeness for p in _points(account)] == [50.0, 100.0]


def test_a_gap_naming_other_people_is_a_movement(manager) -> None:
    # Given a single-threaded account recorded with one person in the window
    account = AccountFactory(owner=manager)
    first = ContactFactory(account=account, closeness=3, last_contact=AS_OF)
    second = ContactFactory(account=account, closeness=3, last_contact=AS_OF - dt.timedelta(200))
    record_scores([account.pk], reason="change", as_of=AS_OF)

    # When the one in the window changes (same kinds, same scores, other people)
    first.last_contact, second.last_contact = second.last_contact, first.last_contact
    first.save()
    second.save()
    record_scores([account.pk], reason="change", as_of=AS_OF)

    # Then the second point names the other person
    single = [{g["kind"]: g["people"] for g in p.gaps}["single_threaded"] for p in _points(account)]
    assert single == [[first.pk], [second.pk]]


def test_latest_scores_reads_each_accounts_newest_point_in_one_query(
    manager, django_assert_num_queries
) -> None:
    # Given two accounts with two and one points
    first, second = AccountFactory(owner=manager), AccountFactory(owner=manager)
    person = ContactFactory(account=first, closeness=1, last_contact=AS_OF)
    record_scores([first.pk, second.pk], reason="change", as_of=AS_OF)
    person.closeness = 2
    person.save()
    record_scores([first.pk], reason="change", as_of=AS_OF)

    # When the latest points are read, then one query answers with each newest
    with django_assert_num_queries(1):
        latest = latest_scores([first.pk, second.pk])
    assert latest[first.pk].overall_closeness == 25.0
    assert latest[second.pk].gaps == [{"kind": "no_contacts", "people": []}]


def test_changes_in_one_transaction_record_once_after_commit(
    manager, django_capture_on_commit_callbacks
) -> None:
    # Given an account the manager owns
    account = AccountFactory(owner=manager)

    # When three changes are made in one transaction
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        with transaction.atomic():
            person = contact_create(actor=manager, account=account, name="Wang Wei")
            contact_update(actor=manager, contact=person, closeness=4)
            contact_create(actor=manager, account=account, name="Li Na", closeness=2)
        assert _points(account) == []  # nothing before the commit

    # Then one recording ran, with reason "change", holding the last state
    assert len(callbacks) == 1
    (point,) = _points(account)
    assert (point.reason, point.people) == ("change", 2)
    assert point.overall_closeness == pytest.approx((75.0 + 25.0) / 2)


def test_a_later_transaction_records_again(manager, django_capture_on_commit_callbacks) -> None:
    # Given an account recorded after a first change
    account = AccountFactory(owner=manager)
    with django_capture_on_commit_callbacks(execute=True):
        person = contact_create(actor=manager, account=account, name="Wang Wei", closeness=1)

    # When a second transaction changes the closeness
    with django_capture_on_commit_callbacks(execute=True):
        contact_update(actor=manager, contact=person, closeness=5)

    # Then the series has two points
    assert [p.overall_closeness for p in _points(account)] == [0.0, 100.0]


def test_a_rolled_back_change_records_nothing(manager, django_capture_on_commit_callbacks) -> None:
    # Given a change whose transaction rolls back
    account = AccountFactory(owner=manager)
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        try:
            with transaction.atomic():
                contact_create(actor=manager, account=account, name="Wang Wei")
                raise RuntimeError("undo")
        except RuntimeError:
            pass
        # When the next change commits
        contact_create(actor=manager, account=account, name="Li Na")

    # Then only that change records, once
    assert len(callbacks) == 1
    assert [p.people for p in _points(account)] == [1]


def test_the_sweep_records_every_account_with_contacts_as_time_passes(manager) -> None:
    # Given two accounts recorded when their people were in the window, and one without contacts
    met = AS_OF - dt.timedelta(days=80)
    first, second = AccountFactory(owner=manager), AccountFactory(owner=manager)
    empty = AccountFactory(owner=manager)
    ContactFactory(
        account=first, buying_role=BuyingRole.DECISION_MAKER, closeness=4, last_contact=met
    )
    ContactFactory(account=second, closeness=4, last_contact=met)
    record_scores([first.pk, second.pk], reason="change", as_of=AS_OF)

    # When the sweep runs twenty days later
    appended = scores_sweep(as_of=AS_OF + dt.timedelta(days=20))

    # Then the decision maker fell out of the window: both accounts moved, the empty one is not read
    assert appended == 2
    latest = latest_scores([first.pk, second.pk, empty.pk])
    assert (latest[first.pk].reason, latest[first.pk].coverage) == ("sweep", 0.0)
    assert empty.pk not in latest


def test_the_sweep_task_appends_points(manager) -> None:
    # Given an account with a contact and no series yet
    account = AccountFactory(owner=manager)
    ContactFactory(account=account)

    # When the task runs, then it appends the account's first point
    assert relationship_sweep_task.call() == 1
    assert _points(account)[0].reason == "sweep"


def test_an_unknown_reason_is_refused(manager) -> None:
    with pytest.raises(ValueError, match="reason"):
        record_scores([AccountFactory(owner=manager).pk], reason="whim")


def test_a_failed_recording_does_not_fail_the_change(
    manager, django_capture_on_commit_callbacks, monkeypatch, caplog
) -> None:
    # Given a recording that fails
    from kam.relationships.services import scores

    def broken(*args, **kwargs):
        raise RuntimeError("disk full")

    monkeypatch.setattr(scores, "record_scores", broken)
    account = AccountFactory(owner=manager)

    # When a contact is created and its transaction commits
    with django_capture_on_commit_callbacks(execute=True):
        person = contact_create(actor=manager, account=account, name="Wang Wei")

    # Then the contact is kept and the failure is logged for the sweep to catch up
    person.refresh_from_db()
    assert _points(account) == []
    assert "disk full" in caplog.text
