"""The relationship figures on the account list and the portfolio API (§7)."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.urls import reverse

from kam.relationships.models import BuyingRole
from kam.relationships.services import record_scores
from tests.conftest import api_client_for, signed_in
from tests.factories import AccountFactory, ContactFactory, SnapshotFactory

pytestmark = pytest.mark.django_db

AS_OF = dt.date(2026, 6, 30)


def _codes(html: str) -> list[str]:
    return re.findall(r'<td><a href="/accounts/\d+/">([^<]+)</a></td>', html)


def _mapped(manager) -> dict[str, int]:
    """CLOSE (closeness 100, covered, no gap), FAR (closeness 0, uncovered, three gaps), a
    recorded account without contacts (NONE: one gap) and one never recorded (NEW)."""
    close = AccountFactory(owner=manager, code="CLOSE")
    far = AccountFactory(owner=manager, code="FAR")
    none = AccountFactory(owner=manager, code="NONE")
    new = AccountFactory(owner=manager, code="NEW")
    for code, account in (("c", close), ("d", close)):
        ContactFactory(
            account=account,
            name=code,
            buying_role=BuyingRole.COACH if code == "c" else BuyingRole.DECISION_MAKER,
            closeness=5,
            last_contact=AS_OF,
        )
    ContactFactory(account=far, buying_role=BuyingRole.DECISION_MAKER, closeness=1)
    record_scores([close.pk, far.pk, none.pk], reason="change", as_of=AS_OF)
    return {"CLOSE": close.pk, "FAR": far.pk, "NONE": none.pk, "NEW": new.pk}


def test_the_list_shows_closeness_coverage_and_gaps(manager) -> None:
    # Given accounts with and without a relationship score
    _mapped(manager)

    # When the manager opens the account list
    html = signed_in(manager).get(reverse("account_list"), {"sort": "code"}).text

    # Then each row shows its latest closeness, coverage and gap count, "—" without a score
    rows = dict(re.findall(r'">([A-Z]+)</a></td>(.*?)</tr>', html, re.S))
    assert re.search(
        r'<td class="num">100</td><td class="num">100 %</td><td class="num">0</td>', rows["CLOSE"]
    )
    assert '<span class="badge danger">3</span>' in rows["FAR"]
    assert rows["NEW"].count('<span class="muted">—</span>') >= 3
    assert "Closeness, coverage and gaps are those of the buying centre" in html


@pytest.mark.parametrize(
    ("sort", "order"),
    [
        ("-closeness", ["CLOSE", "FAR", "NEW", "NONE"]),
        ("closeness", ["FAR", "CLOSE", "NEW", "NONE"]),  # no closeness last either way
        ("coverage", ["FAR", "CLOSE", "NEW", "NONE"]),
        ("gaps", ["CLOSE", "NONE", "FAR", "NEW"]),
        ("-gaps", ["FAR", "NONE", "CLOSE", "NEW"]),
    ],
)
def test_the_relationship_columns_sort_on_the_server(manager, sort, order) -> None:
    # Given recorded accounts and one never recorded
    _mapped(manager)

    # When the list is sorted by a relationship column
    html = signed_in(manager).get(reverse("account_list"), {"sort": sort}).text

    # Then the rows come in that order (ties by code), accounts without a figure last
    assert _codes(html) == order


def test_the_portfolio_api_answers_the_latest_relationship_figures(manager) -> None:
    # Given scored accounts, two of them with a relationship series
    ids = _mapped(manager)
    for code in ("CLOSE", "FAR", "NEW"):
        SnapshotFactory(account_id=ids[code])

    # When the portfolio is listed
    response = api_client_for(manager).get("/api/v1/portfolio")

    # Then each row carries the latest closeness, coverage and gap count, null without
    assert response.status_code == 200, response.content
    rows = {row["account_code"]: row for row in response.json()["items"]}
    figures = {
        code: (row["overall_closeness"], row["coverage"], row["gap_count"])
        for code, row in rows.items()
    }
    assert figures == {
        "CLOSE": (100.0, 1.0, 0),
        "FAR": (0.0, 0.0, 3),
        "NEW": (None, None, None),
    }
