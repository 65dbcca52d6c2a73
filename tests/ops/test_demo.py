"""The demo company: each app writes its part, and one seed always builds the same company."""

from __future__ import annotations

from typing import Any

import pytest
from django.db import transaction
from django.db.models import Sum

from kam.accounts.models import Account, PotentialEstimate
from kam.ledger.models import ExchangeRate, MonthlyAggregate
from kam.ops.demo import demo_load
from kam.portfolio.models import CostToServe, Snapshot
from kam.relationships.models import Contact

pytestmark = [pytest.mark.django_db, pytest.mark.slow]  # each builds the demo company


def _company() -> dict[str, Any]:
    """What a reader of the demo sees of each app's part, without ids or timestamps."""
    return {
        "accounts": list(
            Account.objects.order_by("code").values_list(
                "code", "name", "status", "owner__username", "parent__code", "is_key"
            )
        ),
        "revenue": list(
            MonthlyAggregate.objects.values("account__code")
            .order_by("account__code")
            .annotate(revenue=Sum("revenue_cents"))
            .values_list("account__code", "revenue")
        ),
        "rates": list(ExchangeRate.objects.order_by("month").values_list("month", "rate")),
        "estimates": list(
            PotentialEstimate.objects.order_by("account__code", "estimated_on").values_list(
                "account__code", "amount", "estimated_on"
            )
        ),
        "costs": list(
            CostToServe.objects.order_by("account__code", "month", "kind").values_list(
                "account__code", "month", "kind", "amount"
            )
        ),
        "contacts": list(
            Contact.objects.order_by("account__code", "name", "title").values_list(
                "account__code", "name", "title", "buying_role", "active", "reports_to__name"
            )
        ),
        "classes": list(
            Snapshot.objects.order_by("account__code", "as_of", "scope").values_list(
                "account__code", "as_of", "scope", "account_class"
            )
        ),
    }


def _load_and_forget(seed: int) -> dict[str, Any]:
    with transaction.atomic():
        result = demo_load(seed=seed, accounts=15, years=1)
        company = _company()
        transaction.set_rollback(True)
    assert result.created
    return company


def test_one_seed_builds_the_same_company_twice() -> None:
    first = _load_and_forget(seed=7)
    second = _load_and_forget(seed=7)

    assert first == second
    assert all(first[part] for part in first), [part for part in first if not first[part]]


def test_another_seed_builds_another_company() -> None:
    assert _load_and_forget(seed=7)["revenue"] != _load_and_forget(seed=8)["revenue"]
