"""The one bulk path every sweep raises, refreshes and resolves alerts through (§10;
docs/rules.md "Alerts"): each change in the history, reruns idempotent, queries that do not
grow with the number of accounts."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from kam.alerts.models import Alert, AlertState, Resolution
from kam.alerts.registry import Finding
from kam.alerts.services import SyncResult, alert_acknowledge, alerts_sync
from kam.portfolio.alerts import KIND_CLASS_DROP, KIND_NO_MANAGER
from tests.factories import AccountFactory

pytestmark = pytest.mark.django_db

DROP = {"previous_class": "A", "account_class": "C", "dropped_on": "2026-10-31"}
LATER = {"previous_class": "A", "account_class": "D", "dropped_on": "2026-11-30"}
ESTIMATE_RAISED = {"rule": "potential", "changes": []}
REVENUE_FELL = {"rule": "contribution", "currency": "CNY", "changes": []}


def history(alert: Alert) -> list[tuple[str, str, str, int | None]]:
    rows = alert.history.order_by("history_date", "history_id")
    return [(r.history_type, r.state, r.severity, r.history_user_id) for r in rows]


def test_a_first_run_opens_every_alert_worded_graded_and_recorded() -> None:
    # Given three accounts a run finds with a class drop
    accounts = AccountFactory.create_batch(3)
    # When the run syncs its findings
    done = alerts_sync(KIND_CLASS_DROP, {a.pk: Finding(DROP, REVENUE_FELL) for a in accounts})
    # Then each has one open alert, worded and graded by its kind, created by the system
    assert done == SyncResult(opened=3)
    for account in accounts:
        alert = Alert.objects.get(account=account, kind=KIND_CLASS_DROP)
        assert (alert.state, alert.is_open, alert.severity) == ("open", True, "critical")
        assert alert.message.startswith("Class dropped from A to C as of 2026-10-31.")
        assert (alert.data, alert.cause, alert.resolution) == (DROP, REVENUE_FELL, "")
        assert alert.created_at is not None
        assert history(alert) == [("+", "open", "critical", None)]


def test_a_rerun_finding_the_same_writes_nothing() -> None:
    accounts = AccountFactory.create_batch(2)
    wanted = {a.pk: Finding(DROP, REVENUE_FELL) for a in accounts}
    alerts_sync(KIND_CLASS_DROP, wanted)
    # When the same run comes again
    done = alerts_sync(KIND_CLASS_DROP, wanted)
    # Then nothing is opened, changed or recorded
    assert done == SyncResult()
    assert Alert.objects.count() == 2 and Alert.history.count() == 2


def test_a_changed_finding_refreshes_the_alert_keeping_its_state(manager) -> None:
    # Given an acknowledged alert
    account = AccountFactory(owner=manager)
    alerts_sync(KIND_CLASS_DROP, {account.pk: Finding(DROP, ESTIMATE_RAISED)})
    alert = Alert.objects.get(account=account)
    alert_acknowledge(actor=manager, alert=alert)
    # When a later run finds the class lower still, for another cause
    done = alerts_sync(KIND_CLASS_DROP, {account.pk: Finding(LATER, REVENUE_FELL)})
    # Then the same alert carries the new data, cause, severity and message, still
    # acknowledged, and the history records the refresh
    assert done == SyncResult(refreshed=1)
    alert.refresh_from_db()
    assert (alert.pk, alert.state, alert.severity) == (alert.pk, "acknowledged", "critical")
    assert (alert.data, alert.cause) == (LATER, REVENUE_FELL)
    assert "from A to D as of 2026-11-30" in alert.message
    assert history(alert) == [
        ("+", "open", "info", None),
        ("~", "acknowledged", "info", manager.pk),
        ("~", "acknowledged", "critical", None),
    ]


def test_what_a_run_no_longer_finds_is_resolved_unless_kept_or_outside_the_run() -> None:
    # Given four open alerts
    cleared, kept, outside, found = AccountFactory.create_batch(4)
    alerts_sync(KIND_NO_MANAGER, {a.pk: {} for a in (cleared, kept, outside, found)})
    # When a run over all but `outside` finds only `found`, `kept`'s condition still holding
    done = alerts_sync(
        KIND_NO_MANAGER,
        {found.pk: {}, outside.pk: {}},
        keep={kept.pk},
        within={cleared.pk, kept.pk, found.pk},
    )
    # Then only `cleared` is resolved, as cleared, with its history; the run's finding for
    # an account it did not look at changes nothing
    assert done == SyncResult(resolved=1)
    gone = Alert.objects.get(account=cleared)
    assert (gone.state, gone.is_open, gone.resolution) == (
        AlertState.RESOLVED,
        False,
        Resolution.CONDITION_CLEARED,
    )
    assert gone.resolved_at is not None
    assert history(gone) == [("+", "open", "warning", None), ("~", "resolved", "warning", None)]
    assert set(Alert.objects.filter(is_open=True).values_list("account_id", flat=True)) == {
        kept.pk,
        outside.pk,
        found.pk,
    }
    # And the condition coming back opens a new alert beside the resolved one
    assert alerts_sync(KIND_NO_MANAGER, {cleared.pk: {}}, within={cleared.pk}).opened == 1
    assert Alert.objects.filter(account=cleared).count() == 2


def test_an_alert_raised_anew_after_its_keys_were_used_gets_fresh_ones() -> None:
    # Given alerts deleted with their account (their keys used once)
    gone = AccountFactory()
    alerts_sync(KIND_NO_MANAGER, {gone.pk: {}})
    highest = Alert.objects.get().pk
    gone.delete()
    # When a run opens an alert for another account
    account = AccountFactory()
    alerts_sync(KIND_NO_MANAGER, {account.pk: {}})
    # Then its key is new, so no history of the deleted alert is read as its own
    alert = Alert.objects.get()
    assert alert.pk > highest and history(alert) == [("+", "open", "warning", None)]


def _queries(size: int) -> list[int]:
    """The queries of a first run, a refreshing run and a clearing run over `size` accounts."""
    accounts = AccountFactory.create_batch(size)
    counts = []
    runs = [
        {a.pk: Finding(DROP, ESTIMATE_RAISED) for a in accounts},
        {a.pk: Finding(DROP, REVENUE_FELL) for a in accounts[: size // 2]},
        {},
    ]
    for wanted in runs:
        with CaptureQueriesContext(connection) as captured:
            alerts_sync(KIND_CLASS_DROP, wanted)
        counts.append(len(captured))
    Alert.objects.all().delete()
    return counts


def test_a_sync_runs_the_same_queries_for_4_accounts_as_for_200() -> None:
    assert _queries(4) == _queries(200)
