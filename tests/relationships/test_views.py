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
    boss = ContactFactory(
        account=account,
        name="Wang Wei",
        department="General management",
        buying_role=BuyingRole.DECISION_MAKER,
        influence=5,
        attitude=Attitude.SUPPORTER,
        closeness=4,
    )
    buyer = ContactFactory(
        account=account,
        name="Li Na",
        department="Purchasing",
        reports_to=boss,
        email="li.na@example.com",
    )
    engineer = ContactFactory(
        account=account, name="Zhang San", department="Engineering", reports_to=boss
    )
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


def test_a_duplicate_email_names_the_other_contact_and_offers_the_merge(
    manager: User, story: dict[str, Any]
) -> None:
    # Given Zhang San's panel
    client = _client(manager)
    engineer, buyer = story["engineer"], story["buyer"]
    url = _url("relationship_map_person", story["account"], engineer.pk)
    # When the manager gives him Li Na's email
    response = client.post(url, {"name": engineer.name, "email": "li.na@example.com"}, **HX)
    # Then nothing is saved, the panel names Li Na and offers to merge him into her
    assert response.status_code == 409
    text = response.content.decode()
    assert "Li Na already has this email at this account" in text
    assert reverse("relationship_map_person_merge", args=[story["account"].pk, buyer.pk]) in text
    engineer.refresh_from_db()
    assert engineer.email == ""

    # When she merges them
    merge = client.post(
        reverse("relationship_map_person_merge", args=[story["account"].pk, buyer.pk]),
        {"duplicate": engineer.pk},
        **HX,
    )
    # Then Zhang San is folded into Li Na
    assert merge.status_code == 200
    engineer.refresh_from_db()
    assert engineer.merged_into_id == buyer.pk


def test_a_reporting_cycle_is_refused_with_the_services_message(
    manager: User, story: dict[str, Any]
) -> None:
    # Given Li Na reports to Wang Wei
    client = _client(manager)
    boss, buyer = story["boss"], story["buyer"]
    # When Wang Wei is dropped onto Li Na
    response = client.post(
        _url("relationship_map_person_boss", story["account"], boss.pk),
        {"reports_to": buyer.pk},
        **HX,
    )
    # Then the toast says the lines would go round in a circle, and nothing changed
    assert response.status_code == 422
    assert "go round in a circle" in response.content.decode()
    assert "HX-Trigger" not in response
    boss.refresh_from_db()
    assert boss.reports_to_id is None


def test_a_drop_changes_the_boss_and_the_undo_restores_it(
    manager: User, story: dict[str, Any]
) -> None:
    client = _client(manager)
    engineer, buyer, boss = story["engineer"], story["buyer"], story["boss"]
    url = _url("relationship_map_person_boss", story["account"], engineer.pk)
    # When Zhang San is dropped onto Li Na
    response = client.post(url, {"reports_to": buyer.pk}, **HX)
    # Then he reports to her, and the toast's undo posts Wang Wei back
    assert response.status_code == 200
    assert "Zhang San now reports to Li Na." in response.content.decode()
    assert f'name="reports_to" value="{boss.pk}"' in response.content.decode()
    engineer.refresh_from_db()
    assert engineer.reports_to_id == buyer.pk
    undo = client.post(url, {"reports_to": boss.pk, "undo": "1"}, **HX)
    assert "Undone: Zhang San reports to Wang Wei again." in undo.content.decode()
    engineer.refresh_from_db()
    assert engineer.reports_to_id == boss.pk


def test_adding_a_person_and_a_link_from_the_map(manager: User, story: dict[str, Any]) -> None:
    client = _client(manager)
    account, boss = story["account"], story["boss"]
    # When she adds Zhao Liu under Wang Wei
    response = client.post(
        _url("relationship_map_person_add", account),
        {"name": "Zhao Liu", "reports_to": boss.pk, "buying_role": "coach"},
        **HX,
    )
    # Then Zhao Liu is on the map, and the panel shows him
    assert response.status_code == 200
    assert response["HX-Trigger"] == "kamMapChanged"
    zhao = Contact.objects.get(account=account, name="Zhao Liu")
    assert (zhao.reports_to_id, zhao.buying_role) == (boss.pk, "coach")
    # When she says he trusts Wang Wei, strongly
    link = client.post(
        _url("relationship_map_link_add", account),
        {"source": zhao.pk, "target": boss.pk, "kind": "trusts", "strength": 3, "note": ""},
        **HX,
    )
    assert link.status_code == 200
    made = InfluenceLink.objects.get(source=zhao, target=boss)
    assert (made.kind, made.strength) == ("trusts", 3)
    # And removes it again
    removed = client.post(_url("relationship_map_link_remove", account, made.pk), **HX)
    assert removed.status_code == 200
    assert not InfluenceLink.objects.filter(pk=made.pk).exists()


def test_a_new_person_without_a_name_is_refused_on_the_form(
    manager: User, story: dict[str, Any]
) -> None:
    response = _client(manager).post(
        _url("relationship_map_person_add", story["account"]), {"name": ""}, **HX
    )
    assert response.status_code == 422
    assert response.context["form"].errors["name"]
    assert Contact.objects.filter(account=story["account"]).count() == 3


def test_marking_a_person_left_and_back(manager: User, story: dict[str, Any]) -> None:
    client = _client(manager)
    buyer = story["buyer"]
    url = _url("relationship_map_person_left", story["account"], buyer.pk)
    client.post(url, **HX)
    buyer.refresh_from_db()
    assert not buyer.active and buyer.left_on is not None
    # And the map can leave her out
    data = client.get(_url("relationship_map_data", story["account"]) + "?left=hide").json()
    assert "Li Na" not in [n["name"] for n in data["nodes"]]
    client.post(url, {"returned": "1"}, **HX)
    buyer.refresh_from_db()
    assert buyer.active


def test_the_table_view_sorts_by_a_column(manager: User, story: dict[str, Any]) -> None:
    response = _client(manager).get(
        _url("relationship_map", story["account"]) + "?view=table&sort=-name"
    )
    assert response.status_code == 200
    assert [row.contact.name for row in response.context["rows"]] == [
        "Zhang San",
        "Wang Wei",
        "Li Na",
    ]
    text = response.content.decode()
    assert 'aria-sort="descending"' in text
    assert 'scope="row"' in text
    assert 'id="relmap-chart"' not in text


@pytest.mark.parametrize(
    "name",
    [
        "relationship_map",
        "relationship_map_data",
        "relationship_map_summary",
        "relationship_map_person_add",
        "relationship_map_link_add",
    ],
)
def test_another_managers_map_is_not_found(
    other_manager: User, story: dict[str, Any], name: str
) -> None:
    assert _client(other_manager).get(_url(name, story["account"])).status_code == 404


def test_another_managers_person_is_not_found_under_ones_own_account(
    manager: User, story: dict[str, Any]
) -> None:
    # Given a contact of someone else's account
    stranger = ContactFactory(name="Stranger")
    mine = story["account"]
    client = _client(manager)
    # Then neither her panel nor a drop onto her is found, even under one's own account
    assert client.get(_url("relationship_map_person", mine, stranger.pk)).status_code == 404
    response = client.post(
        _url("relationship_map_person_boss", mine, story["buyer"].pk), {"reports_to": stranger.pk}
    )
    assert response.status_code == 422
    story["buyer"].refresh_from_db()
    assert story["buyer"].reports_to_id == story["boss"].pk


def test_a_read_only_role_sees_the_map_without_edit_controls(
    executive: User, story: dict[str, Any]
) -> None:
    client = _client(executive)
    page = client.get(_url("relationship_map", story["account"]))
    assert page.status_code == 200
    text = page.content.decode()
    assert "read-only" in text
    assert 'id="add-person"' not in text
    assert 'data-editable=""' in text
    panel = client.get(_url("relationship_map_person", story["account"], story["buyer"].pk), **HX)
    assert 'id="person-form"' not in panel.content.decode()
    # And a write sent anyway is refused by the service
    response = client.post(
        _url("relationship_map_person_boss", story["account"], story["engineer"].pk),
        {"reports_to": story["buyer"].pk},
        **HX,
    )
    assert response.status_code == 403
    story["engineer"].refresh_from_db()
    assert story["engineer"].reports_to_id == story["boss"].pk


def test_the_map_page_reads_a_bounded_number_of_queries(
    manager: User, django_assert_max_num_queries: Any
) -> None:
    from tests.factories import believable_buying_centre

    account = AccountFactory(owner=manager)
    believable_buying_centre(account, 60)
    client = _client(manager)
    with django_assert_max_num_queries(30):
        assert client.get(_url("relationship_map", account)).status_code == 200


def test_an_empty_map_explains_what_to_do(manager: User) -> None:
    account = AccountFactory(owner=manager)
    text = _client(manager).get(_url("relationship_map", account)).content.decode()
    assert "Nobody is on this map yet." in text
    assert 'id="add-first-person"' in text


def test_the_buying_centre_panel_links_to_the_map(manager: User, story: dict[str, Any]) -> None:
    text = _client(manager).get(reverse("account_detail", args=[story["account"].pk]))
    assert _url("relationship_map", story["account"]) in text.content.decode()


def test_the_contacts_download_as_a_vcard_file(manager: User, story: dict[str, Any]) -> None:
    import vobject

    response = _client(manager).get(reverse("account_contacts_vcard", args=[story["account"].pk]))
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/vcard")
    assert "attachment" in response["Content-Disposition"]
    names = sorted(card.fn.value for card in vobject.readComponents(response.content.decode()))
    assert names == ["Li Na", "Wang Wei", "Zhang San"]


def test_another_managers_vcard_file_is_not_found(
    other_manager: User, story: dict[str, Any]
) -> None:
    url = reverse("account_contacts_vcard", args=[story["account"].pk])
    assert _client(other_manager).get(url).status_code == 404
