"""GET /accounts/{id}/relationship-map and /relationship-scores (DOMAIN §7, §13)."""

from __future__ import annotations

import datetime as dt

import pytest

from kam.relationships.models import Attitude, BuyingRole, LinkKind
from kam.relationships.services import record_scores
from tests.conftest import api_client_for
from tests.factories import AccountFactory, ContactFactory, InfluenceLinkFactory

pytestmark = pytest.mark.django_db

AS_OF = "2026-06-30"
DAY = dt.date(2026, 6, 30)


def _buying_centre(manager):
    """A boss (decision maker, champion) and a buyer reporting to her, who opposes a user."""
    account = AccountFactory(owner=manager, code="MAP-1", name="Map Co")
    boss = ContactFactory(
        account=account,
        name="Zhang Min",
        title="General manager",
        department="General management",
        buying_role=BuyingRole.DECISION_MAKER,
        attitude=Attitude.CHAMPION,
        influence=5,
        closeness=5,
        solution_approval=5,
        price_acceptance=5,
        last_contact=DAY,
    )
    buyer = ContactFactory(
        account=account,
        name="Li Na",
        department="Purchasing",
        buying_role=BuyingRole.INFLUENCER,
        attitude=Attitude.OPPONENT,
        influence=4,
        closeness=1,
        reports_to=boss,
    )
    link = InfluenceLinkFactory(
        source=buyer, target=boss, kind=LinkKind.OPPOSES, strength=3, note="budget fight"
    )
    return account, boss, buyer, link


def test_the_map_answers_nodes_edges_scores_and_gaps_in_one_call(manager) -> None:
    # Given a two-person buying centre with a reporting line and an opposing link
    account, boss, buyer, link = _buying_centre(manager)

    # When its owner asks for the map as of a date
    response = api_client_for(manager).get(
        f"/api/v1/accounts/{account.pk}/relationship-map", {"as_of": AS_OF}
    )

    # Then one answer holds everything
    assert response.status_code == 200, response.content
    body = response.json()
    assert body["account"] == {"id": account.pk, "code": "MAP-1", "name": "Map Co"}
    assert body["as_of"] == AS_OF
    nodes = {node["id"]: node for node in body["nodes"]}
    assert nodes[boss.pk] == {
        "id": boss.pk,
        "name": "Zhang Min",
        "initials": "ZM",
        "title": "General manager",
        "department": "General management",
        "buying_role": "decision_maker",
        "attitude": "champion",
        "influence": 5,
        "closeness": 5,
        "solution_approval": 5,
        "price_acceptance": 5,
        "last_contact": AS_OF,
        "active": True,
        "left_on": None,
        "reports_to": None,
        "score": 100.0,
        "in_window": True,
        "covered": True,
        "gaps": ["single_threaded"],
    }
    assert nodes[buyer.pk]["reports_to"] == boss.pk
    assert nodes[buyer.pk]["score"] == 0.0
    assert nodes[buyer.pk]["gaps"] == ["high_influence_opponent"]
    assert body["edges"] == [
        {"kind": "reports_to", "source": buyer.pk, "target": boss.pk},
        {
            "id": link.pk,
            "kind": "opposes",
            "source": buyer.pk,
            "target": boss.pk,
            "strength": 3,
            "note": "budget fight",
        },
    ]
    # the decision maker weighs 5 × 2, the buyer 4: (10 × 100 + 4 × 0) / 14
    assert body["scores"]["overall_closeness"] == pytest.approx(1000 / 14)
    assert body["scores"]["coverage"] == 0.5
    assert body["scores"]["departments"] == [
        {"department": "General management", "score": 100.0, "people": 1, "scored": 1},
        {"department": "Purchasing", "score": 0.0, "people": 1, "scored": 1},
    ]
    assert body["gaps"] == [
        {"kind": "high_influence_opponent", "people": [{"id": buyer.pk, "name": "Li Na"}]},
        {"kind": "single_threaded", "people": [{"id": boss.pk, "name": "Zhang Min"}]},
    ]


def test_an_empty_map_has_one_gap(manager) -> None:
    # Given an account without contacts
    account = AccountFactory(owner=manager)

    # When the map is asked for
    body = api_client_for(manager).get(f"/api/v1/accounts/{account.pk}/relationship-map").json()

    # Then it has no people, no scores and the gap "no contacts"
    assert (body["nodes"], body["edges"]) == ([], [])
    assert body["scores"] == {"overall_closeness": None, "coverage": None, "departments": []}
    assert body["gaps"] == [{"kind": "no_contacts", "people": []}]


def test_the_series_answers_each_point_oldest_first(manager) -> None:
    # Given an account recorded twice, its closeness moving between
    account, boss, _buyer, _link = _buying_centre(manager)
    record_scores([account.pk], reason="change", as_of=DAY)
    boss.closeness = 1
    boss.save()
    record_scores([account.pk], reason="sweep", as_of=DAY)

    # When the series is asked for
    response = api_client_for(manager).get(f"/api/v1/accounts/{account.pk}/relationship-scores")

    # Then both points come, oldest first, with their figures
    assert response.status_code == 200
    body = response.json()
    assert body["count"] == 2
    first, second = body["items"]
    assert (first["reason"], second["reason"]) == ("change", "sweep")
    assert first["overall_closeness"] > second["overall_closeness"]
    assert first["as_of"] == AS_OF
    assert first["gaps"][0] == {"kind": "high_influence_opponent", "people": [_buyer.pk]}
    assert first["department_scores"][0] == {
        "department": "General management",
        "score": 100.0,
        "people": 1,
    }
    assert set(first) == {
        "recorded_at",
        "as_of",
        "reason",
        "overall_closeness",
        "coverage",
        "gap_count",
        "gaps",
        "department_scores",
        "people",
    }


@pytest.mark.parametrize("path", ["relationship-map", "relationship-scores"])
def test_another_managers_account_answers_404(path, manager, other_manager) -> None:
    # Given another manager's buying centre
    account, *_ = _buying_centre(other_manager)

    # When the manager asks for it, then it is not found, as JSON, naming nobody
    response = api_client_for(manager).get(f"/api/v1/accounts/{account.pk}/{path}")
    assert response.status_code == 404
    assert set(response.json()) == {"detail", "errors"}
    assert "Zhang" not in response.content.decode()


def test_a_bad_date_is_refused_naming_the_field(manager) -> None:
    account, *_ = _buying_centre(manager)
    response = api_client_for(manager).get(
        f"/api/v1/accounts/{account.pk}/relationship-map", {"as_of": "30/06/2026"}
    )
    assert response.status_code == 422
    assert response.json()["errors"][0]["field"] == "as_of"
