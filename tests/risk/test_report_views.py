"""The intervention report page (DOMAIN §10): the statement, the counts, the accounts."""

from __future__ import annotations

import json
import re
from typing import Any

import pytest
from django.urls import reverse

from kam.org.models import User
from tests.conftest import signed_in
from tests.risk.report_world import AS_OF, treated_world

pytestmark = pytest.mark.django_db


def test_the_page_states_the_difference_with_its_counts(
    manager: User, django_assert_max_num_queries: Any
) -> None:
    # Given eight treated and eight untreated at-risk accounts
    treated_world(manager)
    client = signed_in(manager)

    # When the manager opens the report as of the fixture date
    with django_assert_max_num_queries(12):
        response = client.get(reverse("risk_interventions"), {"as_of": AS_OF.isoformat()})

    # Then the churn statement, the window, the counts and the accounts are on it
    page = response.content.decode()
    assert response.status_code == 200
    assert "moved −75.0 percentage points against the untreated" in page
    assert "less churn went with the plans" in page
    assert "between 2025-06-01 and 2026-05-31" in page
    assert 'data-verdict="lower"' in page
    assert "TREAT-0" in page
    assert "ALONE-7" in page
    # the CSAT card says plainly that nobody was surveyed
    assert "Too small to conclude: 0 treated and 0 untreated accounts" in page
    found = re.search(r'id="chart-churn"[^>]*>(.*?)</script>', page, re.S)
    assert found is not None
    chart = json.loads(found[1])
    assert chart["values"] == [[0.0, 0.0], [12.5, 87.5]]


def test_another_manager_sees_an_empty_report_saying_what_to_do(
    manager: User, other_manager: User
) -> None:
    treated_world(manager)

    page = (
        signed_in(other_manager)
        .get(reverse("risk_interventions"), {"as_of": AS_OF.isoformat()})
        .content.decode()
    )

    assert "TREAT-0" not in page
    assert "No at-risk account in the window yet" in page
    assert "Start a plan from a high-risk alert today" in page


def test_a_bad_date_is_named_and_the_report_still_shows(manager: User) -> None:
    for value in ("not-a-date", "0001-01-01"):
        response = signed_in(manager).get(reverse("risk_interventions"), {"as_of": value})

        assert response.status_code == 200
        assert "The report is shown as of today." in response.content.decode()
