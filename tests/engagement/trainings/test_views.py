"""Training pages (§9): the account's panel, recording from the page, editing, removing."""

from __future__ import annotations

import pytest

from kam.engagement.trainings.models import Training
from tests.conftest import signed_in
from tests.factories import AccountFactory, ContactFactory, TrainingFactory

pytestmark = pytest.mark.django_db


def test_the_empty_panel_says_what_to_record(manager) -> None:
    account = AccountFactory(owner=manager)
    page = signed_in(manager).get(f"/accounts/{account.pk}/trainings/")
    text = page.content.decode()
    assert "No training held yet" in text
    assert f'action="/accounts/{account.pk}/trainings/add/"' in text


def test_a_manager_records_a_training_from_the_service_page(manager) -> None:
    account = AccountFactory(owner=manager)
    person = ContactFactory(account=account, name="Chen Jie")

    answer = signed_in(manager).post(
        f"/accounts/{account.pk}/trainings/add/",
        {
            "back": "service",
            "training-topic": "solutions",
            "training-title": "Water treatment line",
            "training-held_on": "2026-10-15",
            "training-trainer": "Li Wei",
            "training-feedback_score": "4.6",
            "training-attendee_ids": [str(person.pk)],
        },
    )

    assert answer.status_code == 302
    assert answer["Location"] == f"/accounts/{account.pk}/service/#trainings"
    training = Training.objects.get()
    assert list(training.attendees.all()) == [person]


def test_a_bad_feedback_comes_back_as_a_message_naming_the_field(manager) -> None:
    account = AccountFactory(owner=manager)
    client = signed_in(manager)

    answer = client.post(
        f"/accounts/{account.pk}/trainings/add/",
        {
            "training-topic": "solutions",
            "training-title": "x",
            "training-held_on": "2026-10-15",
            "training-trainer": "Li Wei",
            "training-feedback_score": "7",
        },
        follow=True,
    )

    assert "Feedback (1–5):" in answer.content.decode()
    assert not Training.objects.exists()


def test_the_edit_page_changes_a_training(manager) -> None:
    training = TrainingFactory(account=AccountFactory(owner=manager))
    client = signed_in(manager)
    assert client.get(f"/engagement/trainings/{training.pk}/edit/").status_code == 200

    answer = client.post(
        f"/engagement/trainings/{training.pk}/edit/",
        {
            "topic": "technical_support",
            "title": "Renamed",
            "held_on": "2026-10-01",
            "trainer": "Zhang Min",
        },
    )

    assert answer.status_code == 302
    training.refresh_from_db()
    assert (training.title, training.topic) == ("Renamed", "technical_support")


def test_another_managers_pages_answer_404(manager, other_manager) -> None:
    training = TrainingFactory(account=AccountFactory(owner=other_manager))
    client = signed_in(manager)
    assert client.get(f"/accounts/{training.account_id}/trainings/").status_code == 404
    assert client.get(f"/engagement/trainings/{training.pk}/edit/").status_code == 404
    assert client.post(f"/engagement/trainings/{training.pk}/delete/").status_code == 404
    assert Training.objects.filter(pk=training.pk).exists()


def test_a_training_is_removed(manager) -> None:
    training = TrainingFactory(account=AccountFactory(owner=manager))
    answer = signed_in(manager).post(f"/engagement/trainings/{training.pk}/delete/")
    assert answer["Location"] == f"/accounts/{training.account_id}/#trainings"
    assert not Training.objects.exists()
