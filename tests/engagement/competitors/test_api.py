"""The competitor moves API (§9): CRUD under /api/v1/competitor-moves with filters."""

from __future__ import annotations

import pytest

from kam.alerts.models import Alert
from kam.engagement.competitors.models import CompetitorMove
from tests.conftest import api_client_for
from tests.factories import AccountFactory, CompetitorMoveFactory, UserFactory

pytestmark = pytest.mark.django_db


def _body(account_id: int, **more: object) -> dict[str, object]:
    return {
        "account_id": account_id,
        "competitor": "Rival Pumps",
        "offer": "payment_terms",
        "products": "spare parts",
        "seen_on": "2026-11-02",
        "source": "tender",
        **more,
    }


def test_a_manager_records_a_move_and_the_key_account_is_alerted(manager) -> None:
    account = AccountFactory(owner=manager, is_key=True)
    client = api_client_for(manager)

    made = client.post(
        "/api/v1/competitor-moves", _body(account.pk), content_type="application/json"
    )

    assert made.status_code == 201, made.content
    assert made.json()["seen_by_id"] == manager.pk
    assert Alert.objects.get(account=account, kind="competitor_move").severity == "warning"
    read = client.get(f"/api/v1/competitor-moves/{made.json()['id']}")
    assert read.json()["products"] == "spare parts"


def test_who_saw_it_may_be_a_colleague(manager) -> None:
    colleague = UserFactory()
    made = api_client_for(manager).post(
        "/api/v1/competitor-moves",
        _body(AccountFactory(owner=manager).pk, seen_by_id=colleague.pk),
        content_type="application/json",
    )
    assert made.json()["seen_by_id"] == colleague.pk


@pytest.mark.parametrize(
    ("extra", "field"),
    [
        ({"offer": "free_lunch"}, "offer"),
        ({"source": "rumour"}, "source"),
        ({"seen_on": "2026-13-01"}, "seen_on"),
        ({"competitor": "  "}, "competitor"),
        ({"seen_by_id": 2**40}, "seen_by_id"),
        ({"colour": "red"}, "colour"),
    ],
)
def test_a_bad_field_answers_422_naming_it(manager, extra, field) -> None:
    answer = api_client_for(manager).post(
        "/api/v1/competitor-moves",
        _body(AccountFactory(owner=manager).pk, **extra),
        content_type="application/json",
    )
    assert answer.status_code == 422, answer.content
    assert field in {error["field"] for error in answer.json()["errors"]}
    assert not CompetitorMove.objects.exists()


def test_another_managers_moves_answer_404(manager, other_manager) -> None:
    theirs = AccountFactory(owner=other_manager)
    move = CompetitorMoveFactory(account=theirs)
    client = api_client_for(manager)

    answers = [
        client.post("/api/v1/competitor-moves", _body(theirs.pk), content_type="application/json"),
        client.get(f"/api/v1/competitor-moves/{move.pk}"),
        client.patch(
            f"/api/v1/competitor-moves/{move.pk}",
            {"products": "x"},
            content_type="application/json",
        ),
        client.delete(f"/api/v1/competitor-moves/{move.pk}"),
    ]

    assert [a.status_code for a in answers] == [404, 404, 404, 404]
    assert client.get("/api/v1/competitor-moves").json()["count"] == 0


def test_the_list_filters_by_competitor_and_offer(manager) -> None:
    account = AccountFactory(owner=manager)
    CompetitorMoveFactory(account=account, competitor="Rival Pumps", offer="price_cut")
    CompetitorMoveFactory(account=account, competitor="Rival Pumps", offer="other")
    CompetitorMoveFactory(account=account, competitor="Small Co")
    client = api_client_for(manager)

    rival = client.get("/api/v1/competitor-moves?competitor=rival%20pumps&offer=price_cut")
    bad = client.get("/api/v1/competitor-moves?offer=free_lunch")

    assert [(m["competitor"], m["offer"]) for m in rival.json()["items"]] == [
        ("Rival Pumps", "price_cut")
    ]
    assert bad.status_code == 422


def test_a_patch_changes_and_a_delete_removes(manager) -> None:
    move = CompetitorMoveFactory(account=AccountFactory(owner=manager))
    client = api_client_for(manager)

    patched = client.patch(
        f"/api/v1/competitor-moves/{move.pk}",
        {"offer": "bundled_service", "seen_by_id": None},
        content_type="application/json",
    )
    gone = client.delete(f"/api/v1/competitor-moves/{move.pk}")

    assert patched.status_code == 200, patched.content
    assert (patched.json()["offer"], patched.json()["seen_by_id"]) == ("bundled_service", None)
    assert gone.status_code == 204
    assert not CompetitorMove.objects.exists()
