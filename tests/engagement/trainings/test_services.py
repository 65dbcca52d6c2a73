"""Trainings (§9, S2 step 7): recording a session keeps its attendees to the account's own
people, its feedback to 1–5 and its date to the calendar; reads stop at the reader's
accounts."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.http import Http404

from kam.core.errors import InvalidInput, PermissionDenied
from kam.engagement.trainings.models import Training
from kam.engagement.trainings.selectors import (
    TrainingFilters,
    training_counts,
    training_get,
    training_list,
)
from kam.engagement.trainings.services import training_create, training_delete, training_update
from tests.factories import AccountFactory, ContactFactory, TrainingFactory

pytestmark = pytest.mark.django_db

VALUES = {
    "topic": "technical_support",
    "title": "Commissioning the new valves",
    "held_on": dt.date(2026, 10, 12),
    "trainer": "Zhang Min",
    "feedback_score": Decimal("4.5"),
    "materials": "slides.pdf\nhttps://example.com/manual",
}


def test_a_session_is_recorded_with_the_accounts_people(manager) -> None:
    account = AccountFactory(owner=manager)
    li, wang = ContactFactory(account=account), ContactFactory(account=account)

    training = training_create(
        actor=manager, account=account, values=VALUES, attendee_ids=[li.pk, wang.pk, li.pk]
    )

    training.refresh_from_db()
    assert training.trainer == "Zhang Min"
    assert training.feedback_score == Decimal("4.50")
    assert set(training.attendees.values_list("pk", flat=True)) == {li.pk, wang.pk}
    assert training.created_by == manager
    assert training.history.first().history_user == manager


def test_an_attendee_of_another_account_is_refused_and_nothing_is_written(manager) -> None:
    account = AccountFactory(owner=manager)
    stranger = ContactFactory(account=AccountFactory(owner=manager))

    with pytest.raises(InvalidInput) as refused:
        training_create(actor=manager, account=account, values=VALUES, attendee_ids=[stranger.pk])

    assert refused.value.errors[0].field == "attendee_ids"
    assert not Training.objects.exists()


def test_a_merged_contact_is_no_attendee(manager) -> None:
    account = AccountFactory(owner=manager)
    kept = ContactFactory(account=account)
    merged = ContactFactory(account=account, merged_into=kept)

    with pytest.raises(InvalidInput):
        training_create(actor=manager, account=account, values=VALUES, attendee_ids=[merged.pk])


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("feedback_score", Decimal("0.9")),
        ("feedback_score", Decimal("5.01")),
        ("held_on", dt.date(1899, 12, 31)),
        ("title", ""),
        ("trainer", "   "),
        ("topic", "gossip"),
    ],
)
def test_a_bad_value_is_refused_naming_its_field(manager, field, value) -> None:
    account = AccountFactory(owner=manager)

    with pytest.raises(InvalidInput) as refused:
        training_create(actor=manager, account=account, values={**VALUES, field: value})

    assert field in {error.field for error in refused.value.errors}
    assert not Training.objects.exists()


def test_an_unknown_field_is_refused(manager) -> None:
    with pytest.raises(InvalidInput) as refused:
        training_create(
            actor=manager, account=AccountFactory(owner=manager), values={**VALUES, "account": 1}
        )
    assert refused.value.errors[0].field == "account"


def test_another_managers_account_is_not_written(manager, other_manager) -> None:
    account = AccountFactory(owner=other_manager)
    with pytest.raises(PermissionDenied):
        training_create(actor=manager, account=account, values=VALUES)


def test_an_update_changes_the_fields_given_and_replaces_the_attendees(manager) -> None:
    account = AccountFactory(owner=manager)
    li, wang = ContactFactory(account=account), ContactFactory(account=account)
    training = training_create(actor=manager, account=account, values=VALUES, attendee_ids=[li.pk])

    training_update(
        actor=manager, training=training, values={"feedback_score": None}, attendee_ids=[wang.pk]
    )
    training_update(actor=manager, training=training, values={"title": "Renamed"})

    training.refresh_from_db()
    assert (training.title, training.feedback_score) == ("Renamed", None)
    assert list(training.attendees.values_list("pk", flat=True)) == [wang.pk]


def test_a_deleted_training_is_gone_but_its_history_stays(manager) -> None:
    training = TrainingFactory(account=AccountFactory(owner=manager))
    pk = training.pk
    training_delete(actor=manager, training=training)
    assert not Training.objects.exists()
    assert Training.history.filter(id=pk, history_type="-", history_user=manager).exists()


def test_the_list_filters_by_account_topic_and_dates(manager, other_manager) -> None:
    mine = AccountFactory(owner=manager)
    early = TrainingFactory(account=mine, held_on=dt.date(2026, 3, 1))
    late = TrainingFactory(account=mine, held_on=dt.date(2026, 9, 1), topic="solutions")
    TrainingFactory(account=AccountFactory(owner=other_manager))

    assert list(training_list(actor=manager)) == [late, early]
    assert list(training_list(actor=manager, filters=TrainingFilters(topic="solutions"))) == [late]
    between = TrainingFilters(date_from=dt.date(2026, 2, 1), date_to=dt.date(2026, 3, 1))
    assert list(training_list(actor=manager, filters=between)) == [early]
    assert list(training_list(actor=manager, filters=TrainingFilters(account_id=0))) == []


def test_another_managers_training_answers_404(manager, other_manager) -> None:
    theirs = TrainingFactory(account=AccountFactory(owner=other_manager))
    with pytest.raises(Http404):
        training_get(actor=manager, training_id=theirs.pk)


def test_the_counts_give_sessions_per_topic_and_the_mean_of_every_score(manager) -> None:
    account = AccountFactory(owner=manager)
    TrainingFactory(account=account, feedback_score=Decimal("4"))
    TrainingFactory(account=account, feedback_score=Decimal("5"))
    TrainingFactory(account=account, topic="solutions", feedback_score=Decimal("3"))
    TrainingFactory(account=account, topic="solutions")  # not rated: not in the mean

    counts = training_counts(actor=manager)

    assert counts.total == 4
    assert counts.by_topic == {"product_knowledge": 2, "technical_support": 0, "solutions": 2}
    assert counts.mean_feedback == Decimal("4.00")
