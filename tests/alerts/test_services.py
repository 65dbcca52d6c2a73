"""Raising, syncing and acknowledging alerts through the registry of kinds (§10)."""

from __future__ import annotations

import pytest
from django.utils import translation

from kam.alerts.models import Alert
from kam.alerts.registry import kind_get, kinds
from kam.alerts.services import alert_acknowledge, alert_raise, alerts_sync
from kam.core.errors import Conflict, PermissionDenied
from kam.portfolio.alerts import KIND_CLASS_DROP, KIND_INVESTMENT_BAND, KIND_NO_MANAGER
from tests.factories import AccountFactory

pytestmark = pytest.mark.django_db

DROP = {"previous_class": "A", "account_class": "C", "dropped_on": "2026-10-31"}


def test_the_portfolio_registers_its_kinds() -> None:
    assert {kind.code for kind in kinds()} >= {
        "potential_stale",
        "potential_missing",
        "investment_out_of_band",
        "key_account_without_manager",
        "class_drop",
    }


def test_acknowledging_an_alert_records_who_and_when(manager) -> None:
    account = AccountFactory(owner=manager)
    alert = alert_raise(account, "potential_missing", message="Missing")
    assert alert_raise(account, "potential_missing", message="Missing").pk == alert.pk

    alert_acknowledge(actor=manager, alert=alert)

    alert.refresh_from_db()
    assert alert.acknowledged_by == manager and alert.is_open
    with pytest.raises(Conflict):
        alert_acknowledge(actor=manager, alert=alert)
    assert Alert.objects.count() == 1


def test_executives_acknowledge_nothing(executive) -> None:
    alert = alert_raise(AccountFactory(), KIND_NO_MANAGER)
    with pytest.raises(PermissionDenied):
        alert_acknowledge(actor=executive, alert=alert)


def test_raising_words_and_grades_the_alert_from_its_kind() -> None:
    data = {"band": "above", "account_class": "B", "ratio": 0.2}
    with translation.override("zh-hans"):
        alert = alert_raise(AccountFactory(), KIND_INVESTMENT_BAND, data=data)
    # Stored in English for API readers, whatever language the run had active.
    assert alert.message == "Investment ratio 20.0% is above the class B band."
    assert alert.severity == "warning" and alert.data == data
    assert kind_get(KIND_NO_MANAGER).severity_for({}) == "critical"


def test_an_unregistered_kind_is_refused() -> None:
    with pytest.raises(LookupError):
        alert_raise(AccountFactory(), "no_such_kind")
    with pytest.raises(LookupError):
        alerts_sync("no_such_kind", {})


def test_sync_resolves_what_a_run_no_longer_finds_for_kinds_cleared_by_condition() -> None:
    kept, cleared = AccountFactory(), AccountFactory()
    alerts_sync(KIND_NO_MANAGER, {kept.pk: {}, cleared.pk: {}})
    alerts_sync(KIND_NO_MANAGER, {kept.pk: {}})

    assert set(Alert.objects.filter(is_open=True).values_list("account_id", flat=True)) == {kept.pk}
    gone = Alert.objects.get(account=cleared)
    assert gone.resolved_at is not None and gone.history.count() == 2


def test_a_kind_cleared_by_hand_stays_open_until_acknowledged(manager) -> None:
    account = AccountFactory(owner=manager)
    alerts_sync(KIND_CLASS_DROP, {account.pk: DROP})
    alerts_sync(KIND_CLASS_DROP, {})
    alert = Alert.objects.get(account=account)
    assert alert.is_open
    assert alert.message == "Class dropped from A to C as of 2026-10-31."

    alert_acknowledge(actor=manager, alert=alert)

    alert.refresh_from_db()
    assert not alert.is_open and alert.resolved_at == alert.acknowledged_at
