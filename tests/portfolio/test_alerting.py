"""The alerts a scoring run raises, each with its cause and the severity its cause carries
(DOMAIN §3, §10; docs/rules.md "Alerts"), on real runs."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from kam.accounts.services import account_set_key_status, potential_estimate_add
from kam.alerts.models import Alert
from kam.portfolio.services.scoring import score_history, score_portfolio
from tests.factories import AccountFactory
from tests.portfolio.test_scoring import load, months_back

pytestmark = pytest.mark.django_db

AS_OF = dt.date(2026, 11, 24)


def drop_of(account) -> Alert:
    return Alert.objects.get(account=account, kind="class_drop")


def changes(alert: Alert) -> dict[str, tuple]:
    return {c["input"]: (c["from"], c["to"], c["driver"]) for c in alert.cause["changes"]}


def test_revenue_falling_on_a_key_account_is_critical(tmp_path, director, manager) -> None:
    # Given a key account buying 1.2 M a month for 14 months, then almost nothing
    account = AccountFactory(code="FALL", owner=manager)
    rows = [("FALL", day, "1200000.00", "") for day in months_back(24)[:14]]
    rows += [("FALL", day, "1000.00", "") for day in months_back(10)]
    load(tmp_path, director, rows)
    potential_estimate_add(
        actor=director,
        account=account,
        amount=Decimal("15000000"),
        estimated_on=dt.date(2025, 6, 1),
    )
    account_set_key_status(actor=director, account=account, is_key=True, reason="big")

    # When the history is scored
    score_history(as_of=AS_OF)

    # Then the drop is put on the contribution, in numbers, and is critical
    alert = drop_of(account)
    assert (alert.severity, alert.cause["rule"]) == ("critical", "contribution")
    before, after, driver = changes(alert)["contribution"]
    assert driver and Decimal(after) < Decimal(before)
    assert "Contribution (last 12 months):" in alert.message


def test_a_raised_estimate_that_moves_the_class_is_information(tmp_path, director) -> None:
    # Given a key account growing to 18 M a year with a 35 M estimate: class A
    account = AccountFactory(code="RISE")
    load(tmp_path, director, [("RISE", day, "1500000.00", "") for day in months_back(24)])
    potential_estimate_add(
        actor=director,
        account=account,
        amount=Decimal("35000000"),
        estimated_on=dt.date(2026, 6, 1),
    )
    account_set_key_status(actor=director, account=account, is_key=True, reason="big")
    score_portfolio(dates=[dt.date(2026, 11, 10)])
    assert not Alert.objects.filter(account=account, kind="class_drop").exists()

    # When a manager raises the estimate to 80 M and the account is scored again
    potential_estimate_add(
        actor=director,
        account=account,
        amount=Decimal("80000000"),
        estimated_on=dt.date(2026, 11, 15),
    )
    score_portfolio(dates=[dt.date(2026, 11, 20)])

    # Then the relative rule dropped it to C, and the alert says the estimate did it
    alert = drop_of(account)
    assert (alert.data["previous_class"], alert.data["account_class"]) == ("A", "C")
    assert (alert.severity, alert.cause["rule"]) == ("info", "potential")
    assert changes(alert)["potential_estimate"] == ("35000000.00", "80000000.00", True)
    assert changes(alert)["share_of_wallet"][1] == pytest.approx(0.225)
    assert alert.cause["from_date"] == "2026-11-10"

    # And when the estimate comes back down on a later run, the drop resolves by itself
    potential_estimate_add(
        actor=director,
        account=account,
        amount=Decimal("40000000"),
        estimated_on=dt.date(2026, 11, 22),
    )
    score_portfolio(dates=[AS_OF])
    alert.refresh_from_db()
    assert (alert.state, alert.resolution) == ("resolved", "condition_cleared")


def test_a_stale_estimate_is_information_with_its_age(tmp_path, director, manager) -> None:
    account = AccountFactory(code="OLD", owner=manager)
    load(tmp_path, director, [("OLD", day, "100000.00", "") for day in months_back(12)])
    potential_estimate_add(
        actor=director,
        account=account,
        amount=Decimal("5000000"),
        estimated_on=dt.date(2025, 5, 24),
    )
    account_set_key_status(actor=director, account=account, is_key=True, reason="key")

    score_portfolio(dates=[AS_OF])

    alert = Alert.objects.get(account=account, kind="potential_stale")
    assert (alert.severity, alert.cause["rule"]) == ("info", "estimate_aged")
    assert changes(alert)["estimate_age"][1] == 18.0
    assert alert.cause["limit_months"] == 12
