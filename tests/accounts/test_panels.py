"""The account page's panel registry: higher apps add sections without accounts importing them."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from django.test import Client
from django.urls import reverse

from kam.accounts import panels
from kam.accounts.panels import AccountPanel, Place, panels_for, register
from tests.factories import AccountFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def _restored_registry() -> Iterator[None]:
    saved = dict(panels._registry)
    yield
    panels._registry.clear()
    panels._registry.update(saved)


def test_the_apps_register_their_panels_in_page_order() -> None:
    def keys(place: Place) -> list[str]:
        return [panel.key for panel in panels.registered() if panel.place == place]

    assert keys(Place.TOP) == ["sales-panel", "strategy-panel", "risk-panel", "win-back"]
    assert keys(Place.MIDDLE) == [
        "contacts",
        "activities-panel",
        "complaints",
        "surveys",
        "trainings",
        "competitors",
    ]


def test_a_panel_is_loaded_from_a_url_or_rendered_from_a_template() -> None:
    with pytest.raises(ValueError, match="either url_name or template"):
        AccountPanel(key="both", title="x", order=1, url_name="a", template="b.html")
    with pytest.raises(ValueError, match="either url_name or template"):
        AccountPanel(key="neither", title="x", order=1)


def test_panels_are_bound_to_the_account_and_the_reader(manager) -> None:
    account = AccountFactory(owner=manager)
    bound = panels_for(actor=manager, account=account)
    sales, strategy, risk, win_back = bound["top"]
    assert sales.url == reverse("account_sales", args=[account.pk])
    assert strategy.url == reverse("account_strategy", args=[account.pk])
    assert risk.url == reverse("account_risk", args=[account.pk])
    assert (win_back.context["plan"], win_back.context["high"]) == (None, False)
    contacts, activities, complaints, surveys, trainings, competitors = bound["middle"]
    assert list(contacts.context["contacts"]) == []
    assert activities.url == reverse("account_activities", args=[account.pk])
    assert (complaints.context["account"], complaints.context["rows"]) == (account, [])
    assert surveys.url == reverse("account_surveys", args=[account.pk])
    assert trainings.url == reverse("account_trainings", args=[account.pk])
    assert competitors.url == reverse("account_competitor_moves", args=[account.pk])


@pytest.mark.usefixtures("_restored_registry")
def test_a_registered_panel_shows_on_the_account_page_in_its_place(manager) -> None:
    register(
        AccountPanel(
            key="first-panel",
            title="First of all",
            order=1,
            place=Place.TOP,
            url_name="account_lines",
        )
    )
    account = AccountFactory(owner=manager)
    client = Client()
    client.force_login(manager)

    page = client.get(reverse("account_detail", args=[account.pk])).content.decode()

    lines = reverse("account_lines", args=[account.pk])
    assert f'id="first-panel" hx-get="{lines}"' in page
    assert page.index("First of all") < page.index('id="sales-panel"')
    assert page.index('id="strategy-panel"') < page.index('id="profile"')
    assert page.index('id="team"') < page.index('id="contacts"') < page.index('id="notes"')
