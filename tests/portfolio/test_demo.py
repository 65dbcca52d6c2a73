"""Rows without an author (seeded, or their author deleted) stay editable (§4 cost to serve)."""

from __future__ import annotations

import pytest

from kam.accounts.models import Note, PotentialEstimate
from kam.ops.demo import demo_load
from kam.org.models import User
from kam.portfolio.models import CostToServe
from tests.conftest import api_client_for
from tests.factories import CostToServeFactory

pytestmark = pytest.mark.django_db


def test_a_cost_whose_author_is_gone_is_edited_and_the_edit_names_the_editor(director) -> None:
    cost = CostToServeFactory(created_by=None)

    response = api_client_for(director).patch(
        f"/api/v1/accounts/{cost.account_id}/cost-to-serve/{cost.pk}",
        {"amount": "250.00"},
        content_type="application/json",
    )

    assert response.status_code == 200
    assert response.json()["amount"] == "250.00"
    assert cost.history.latest().history_user == director


@pytest.mark.slow
def test_every_demo_row_has_an_author_and_the_director_edits_a_demo_cost() -> None:
    demo_load(seed=7, accounts=15, years=1)
    director = User.objects.get(username="director")
    cost = CostToServe.objects.order_by("pk").first()
    assert cost is not None

    response = api_client_for(director).patch(
        f"/api/v1/accounts/{cost.account_id}/cost-to-serve/{cost.pk}",
        {"description": "Account team time, checked"},
        content_type="application/json",
    )

    assert response.status_code == 200
    assert not CostToServe.objects.filter(created_by=None).exists()
    assert not PotentialEstimate.objects.filter(author=None).exists()
    assert not Note.objects.filter(author=None).exists()
    assert cost.history.earliest().history_user == director
