"""The trainings API (§9): CRUD under /api/v1/trainings with filters; refusals are 4xx JSON
naming the field; another manager's training answers 404."""

from __future__ import annotations

import pytest

from kam.engagement.trainings.models import Training
from tests.conftest import api_client_for
from tests.factories import AccountFactory, ContactFactory, TrainingFactory

pytestmark = pytest.mark.django_db


def _body(account_id: int, **more: object) -> dict[str, object]:
    return {
        "account_id": account_id,
        "topic": "product_knowledge",
        "title": "Pump range 2027",
        "held_on": "2026-10-20",
        "trainer": "Li Wei",
        **more,
    }


def test_a_manager_records_a_training_and_reads_it_back(manager) -> None:
    account = AccountFactory(owner=manager)
    person = ContactFactory(account=account, name="Chen Jie")
    client = api_client_for(manager)

    made = client.post(
        "/api/v1/trainings",
        _body(account.pk, attendee_ids=[person.pk], feedback_score=4.25, duration_hours="2.5"),
        content_type="application/json",
    )

    assert made.status_code == 201, made.content
    data = made.json()
    assert data["attendees"] == [{"id": person.pk, "name": "Chen Jie"}]
    assert (data["feedback_score"], data["duration_hours"]) == (4.25, 2.5)
    read = client.get(f"/api/v1/trainings/{data['id']}")
    assert read.json()["title"] == "Pump range 2027"


@pytest.mark.parametrize(
    ("extra", "field"),
    [
        ({"feedback_score": 6}, "feedback_score"),
        ({"feedback_score": 0.5}, "feedback_score"),
        ({"held_on": "3000-01-01"}, "held_on"),
        ({"topic": "gossip"}, "topic"),
        ({"title": ""}, "title"),
    ],
)
def test_a_bad_field_answers_422_naming_it(manager, extra, field) -> None:
    account = AccountFactory(owner=manager)

    answer = api_client_for(manager).post(
        "/api/v1/trainings", _body(account.pk, **extra), content_type="application/json"
    )

    assert answer.status_code == 422, answer.content
    assert field in {error["field"] for error in answer.json()["errors"]}
    assert not Training.objects.exists()


def test_an_attendee_of_another_account_answers_422(manager) -> None:
    account = AccountFactory(owner=manager)
    stranger = ContactFactory(account=AccountFactory(owner=manager))

    answer = api_client_for(manager).post(
        "/api/v1/trainings",
        _body(account.pk, attendee_ids=[stranger.pk]),
        content_type="application/json",
    )

    assert answer.status_code == 422
    assert answer.json()["errors"][0]["field"] == "attendee_ids"


def test_another_managers_account_and_training_answer_404(manager, other_manager) -> None:
    theirs = AccountFactory(owner=other_manager)
    training = TrainingFactory(account=theirs)
    client = api_client_for(manager)

    made = client.post("/api/v1/trainings", _body(theirs.pk), content_type="application/json")
    read = client.get(f"/api/v1/trainings/{training.pk}")
    changed = client.patch(
        f"/api/v1/trainings/{training.pk}", {"title": "x"}, content_type="application/json"
    )
    gone = client.delete(f"/api/v1/trainings/{training.pk}")

    assert [r.status_code for r in (made, read, changed, gone)] == [404, 404, 404, 404]
    assert Training.objects.get(pk=training.pk).title == training.title


def test_the_list_filters_by_topic_and_dates(manager) -> None:
    account = AccountFactory(owner=manager)
    TrainingFactory(account=account, title="Old", held_on="2026-01-10")
    TrainingFactory(account=account, title="New", held_on="2026-09-10", topic="solutions")
    client = api_client_for(manager)

    solutions = client.get("/api/v1/trainings?topic=solutions").json()
    early = client.get("/api/v1/trainings?date_to=2026-02-01").json()
    bad = client.get("/api/v1/trainings?date_from=yesterday")

    assert [row["title"] for row in solutions["items"]] == ["New"]
    assert [row["title"] for row in early["items"]] == ["Old"]
    assert bad.status_code == 422


def test_a_patch_clears_the_feedback_and_delete_removes(manager) -> None:
    training = TrainingFactory(account=AccountFactory(owner=manager), feedback_score=4)
    client = api_client_for(manager)

    patched = client.patch(
        f"/api/v1/trainings/{training.pk}",
        {"feedback_score": None},
        content_type="application/json",
    )
    gone = client.delete(f"/api/v1/trainings/{training.pk}")

    assert patched.status_code == 200 and patched.json()["feedback_score"] is None
    assert gone.status_code == 204
    assert not Training.objects.exists()


def test_a_patch_setting_a_required_field_to_null_answers_422(manager) -> None:
    training = TrainingFactory(account=AccountFactory(owner=manager))
    answer = api_client_for(manager).patch(
        f"/api/v1/trainings/{training.pk}", {"trainer": None}, content_type="application/json"
    )
    assert answer.status_code == 422
    assert answer.json()["errors"][0]["field"] == "trainer"
