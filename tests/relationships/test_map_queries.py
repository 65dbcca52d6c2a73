"""The relationship map answers in a bounded number of queries, whatever its size (§7)."""

from __future__ import annotations

import pytest

from kam.relationships.models import InfluenceLink
from tests.conftest import api_client_for
from tests.factories import AccountFactory, buying_centre

pytestmark = pytest.mark.django_db

# Sign-in (token, user), the account, the settings, the contacts, the links, the series.
MOST = 8


@pytest.mark.parametrize(("people", "links"), [(8, 4), (200, 100)])
def test_the_map_endpoint_answers_in_queries_that_do_not_grow_with_people(
    people, links, manager, django_assert_max_num_queries
) -> None:
    # Given a buying centre of `people` people and `links` influence links
    account = AccountFactory(owner=manager)
    buying_centre(account, people, links)
    assert InfluenceLink.objects.filter(account=account).count() == links
    client = api_client_for(manager)

    # When the map is asked for
    with django_assert_max_num_queries(MOST):
        response = client.get(f"/api/v1/accounts/{account.pk}/relationship-map")

    # Then every person and link is in the one answer
    assert response.status_code == 200
    body = response.json()
    assert len(body["nodes"]) == people
    assert len([e for e in body["edges"] if e["kind"] != "reports_to"]) == links
    assert len([e for e in body["edges"] if e["kind"] == "reports_to"]) == people - 1
