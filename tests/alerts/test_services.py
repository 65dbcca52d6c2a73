"""Raising, syncing and the workflow of alerts through the registry of kinds (§10;
docs/rules.md "Alerts")."""

from __future__ import annotations

import pytest
from django.utils import translation

from kam.alerts.models import Alert, AlertComment, AlertState, Resolution
from kam.alerts.registry import Finding, kind_get, kinds
from kam.alerts.selectors import (
    AlertFilters,
    alert_assignees,
    alert_counts_by_state,
    alert_follow_ups,
    alerts_for,
)
from kam.alerts.services import (
    ERROR_COMMENT_REQUIRED,
    alert_acknowledge,
    alert_assign,
    alert_comment_add,
    alert_follow_up_link,
    alert_follow_up_note,
    alert_raise,
    alert_reopen,
    alert_resolve,
    alerts_sync,
)
from kam.core.errors import Conflict, InvalidInput, PermissionDenied
from kam.portfolio.alerts import KIND_CLASS_DROP, KIND_INVESTMENT_BAND, KIND_NO_MANAGER
from tests.factories import AccountFactory, NoteFactory, TeamMemberFactory

pytestmark = pytest.mark.django_db

DROP = {"previous_class": "A", "account_class": "C", "dropped_on": "2026-10-31"}
REVENUE_FELL = {
    "rule": "contribution",
    "currency": "CNY",
    "changes": [
        {
            "input": "contribution",
            "unit": "money",
            "from": "12000000.00",
            "to": "4000000.00",
            "driver": True,
        },
    ],
}
ESTIMATE_RAISED = {"rule": "potential", "changes": []}


def critical(account) -> Alert:
    return alert_raise(account, KIND_CLASS_DROP, data=DROP, cause=REVENUE_FELL)


def test_the_portfolio_registers_its_kinds_each_with_causes() -> None:
    codes = {kind.code for kind in kinds()}
    assert codes >= {
        "potential_stale",
        "potential_missing",
        "potential_below_contribution",
        "investment_out_of_band",
        "key_account_without_manager",
        "class_drop",
    }
    assert all(kind.causes for kind in kinds() if kind.code in codes)


def test_the_severity_follows_the_cause() -> None:
    drop = kind_get(KIND_CLASS_DROP)
    assert drop.severity_for(Finding(DROP, REVENUE_FELL)) == "critical"
    assert drop.severity_for(Finding(DROP, ESTIMATE_RAISED)) == "info"
    assert drop.severity_for(Finding(DROP, {"rule": "contribution_not_key"})) == "warning"
    band = kind_get(KIND_INVESTMENT_BAND)
    assert band.severity_for(Finding({}, {"rule": "no_cost_recorded"})) == "info"
    assert band.severity_for(Finding({}, {"rule": "investment_rose"})) == "warning"


def test_the_stored_message_states_the_cause_in_numbers() -> None:
    # Given a drop caused by revenue falling, raised while Chinese is active
    with translation.override("zh-hans"):
        alert = critical(AccountFactory())
    # Then the stored English message says which input moved, from what to what
    assert alert.message == (
        "Class dropped from A to C as of 2026-10-31. The contribution fell: revenue is "
        "dropping on a key account. Contribution (last 12 months): 12,000,000.00 CNY → "
        "4,000,000.00 CNY."
    )
    assert alert.severity == "critical" and alert.cause == REVENUE_FELL


def test_raising_words_and_grades_the_alert_from_its_kind() -> None:
    data = {"band": "above", "account_class": "B", "ratio": 0.2}
    with translation.override("zh-hans"):
        alert = alert_raise(AccountFactory(), KIND_INVESTMENT_BAND, data=data)
    assert alert.message == "Investment ratio 20.0% is above the class B band."
    assert alert.severity == "warning" and alert.data == data


def test_an_unregistered_kind_is_refused() -> None:
    with pytest.raises(LookupError):
        alert_raise(AccountFactory(), "no_such_kind")
    with pytest.raises(LookupError):
        alerts_sync("no_such_kind", {})


def test_sync_resolves_what_a_run_no_longer_finds() -> None:
    kept, cleared = AccountFactory(), AccountFactory()
    alerts_sync(KIND_NO_MANAGER, {kept.pk: {}, cleared.pk: {}})
    alerts_sync(KIND_NO_MANAGER, {kept.pk: {}})

    assert set(Alert.objects.filter(is_open=True).values_list("account_id", flat=True)) == {kept.pk}
    gone = Alert.objects.get(account=cleared)
    assert (gone.state, gone.resolution) == (AlertState.RESOLVED, Resolution.CONDITION_CLEARED)
    assert gone.resolved_at is not None and gone.history.count() == 2


def test_sync_keeps_an_acknowledged_alert_acknowledged_and_refreshes_its_cause(manager) -> None:
    account = AccountFactory(owner=manager)
    alerts_sync(KIND_CLASS_DROP, {account.pk: Finding(DROP, ESTIMATE_RAISED)})
    alert = Alert.objects.get(account=account)
    alert_acknowledge(actor=manager, alert=alert)

    alerts_sync(KIND_CLASS_DROP, {account.pk: Finding(DROP, REVENUE_FELL)})

    alert.refresh_from_db()
    assert (alert.state, alert.severity, alert.cause["rule"]) == (
        "acknowledged",
        "critical",
        "contribution",
    )
    # A class drop whose class is still low stays open beyond the run's window
    alerts_sync(KIND_CLASS_DROP, {}, keep={account.pk})
    alert.refresh_from_db()
    assert alert.is_open


def test_acknowledging_is_not_resolving_and_records_who_and_when(manager) -> None:
    alert = alert_raise(AccountFactory(owner=manager), "potential_missing", message="Missing")

    alert_acknowledge(actor=manager, alert=alert)

    alert.refresh_from_db()
    assert (alert.state, alert.is_open, alert.acknowledged_by) == ("acknowledged", True, manager)
    with pytest.raises(Conflict):
        alert_acknowledge(actor=manager, alert=alert)
    assert alert.history.count() == 2


def test_a_critical_alert_needs_a_comment_to_be_acknowledged(director) -> None:
    alert = critical(AccountFactory())

    with pytest.raises(InvalidInput) as refused:
        alert_acknowledge(actor=director, alert=alert, comment="   ")
    assert refused.value.message == str(ERROR_COMMENT_REQUIRED)
    assert Alert.objects.get(pk=alert.pk).state == "open"

    alert_acknowledge(actor=director, alert=alert, comment="Calling their buyer today.")
    entry = AlertComment.objects.get(alert=alert)
    assert (entry.action, entry.body, entry.author) == (
        "acknowledge",
        "Calling their buyer today.",
        director,
    )


def test_resolving_by_hand_needs_a_reason_and_records_it(director) -> None:
    alert = critical(AccountFactory())
    with pytest.raises(InvalidInput):
        alert_resolve(actor=director, alert=alert, reason="")

    alert_resolve(actor=director, alert=alert, reason="Win-back plan agreed.")

    alert.refresh_from_db()
    assert (alert.state, alert.is_open, alert.resolved_by, alert.resolution_reason) == (
        "resolved",
        False,
        director,
        "Win-back plan agreed.",
    )
    # Illegal moves raise the domain's conflict (API 409)
    with pytest.raises(Conflict):
        alert_resolve(actor=director, alert=alert, reason="again")
    with pytest.raises(Conflict):
        alert_acknowledge(actor=director, alert=alert, comment="late")


def test_reopening_only_what_was_resolved_by_hand(director) -> None:
    account = AccountFactory()
    by_hand = critical(account)
    with pytest.raises(Conflict):
        alert_reopen(actor=director, alert=by_hand)  # open: nothing to reopen
    alert_resolve(actor=director, alert=by_hand, reason="done")

    alert_reopen(actor=director, alert=by_hand, comment="Not done after all.")

    by_hand.refresh_from_db()
    assert (by_hand.state, by_hand.is_open, by_hand.resolved_at) == ("open", True, None)
    # A cleared condition is not reopened by hand; nor is one whose place is taken
    other = AccountFactory()
    alerts_sync(KIND_NO_MANAGER, {other.pk: {}})
    alerts_sync(KIND_NO_MANAGER, {})
    with pytest.raises(Conflict):
        alert_reopen(actor=director, alert=Alert.objects.get(account=other))
    alert_resolve(actor=director, alert=by_hand, reason="done")
    critical(account)
    with pytest.raises(Conflict):
        alert_reopen(actor=director, alert=by_hand)


def test_executives_move_nothing(executive) -> None:
    alert = alert_raise(AccountFactory(), KIND_NO_MANAGER)
    for move in (
        lambda: alert_acknowledge(actor=executive, alert=alert, comment="x"),
        lambda: alert_resolve(actor=executive, alert=alert, reason="x"),
        lambda: alert_comment_add(actor=executive, alert=alert, body="x"),
        lambda: alert_assign(actor=executive, alert=alert, assignee_id=None),
    ):
        with pytest.raises(PermissionDenied):
            move()


def test_assigning_only_to_someone_who_sees_the_account(manager, other_manager, director) -> None:
    account = AccountFactory(owner=manager)
    colleague = TeamMemberFactory(account=account).user
    alert = alert_raise(account, KIND_NO_MANAGER)
    assert set(alert_assignees(alert)) >= {manager, colleague, director}
    assert other_manager not in set(alert_assignees(alert))

    with pytest.raises(InvalidInput) as refused:
        alert_assign(actor=director, alert=alert, assignee_id=other_manager.pk)
    assert refused.value.errors[0].field == "assignee_id"

    alert_assign(actor=director, alert=alert, assignee_id=colleague.pk)

    assert list(alerts_for(colleague, AlertFilters(mine=True))) == [alert]
    assert list(alerts_for(manager, AlertFilters(mine=True))) == []
    assert list(alerts_for(manager, AlertFilters(unassigned=True))) == []
    assert list(alerts_for(other_manager)) == []


def test_filters_and_counts_by_state(manager, director) -> None:
    account = AccountFactory(owner=manager)
    drop = critical(account)
    alert_raise(account, KIND_NO_MANAGER)
    band = alert_raise(
        account, KIND_INVESTMENT_BAND, data={"band": "above", "account_class": "A", "ratio": 0.1}
    )
    alert_acknowledge(actor=manager, alert=band)
    alert_resolve(actor=manager, alert=drop, reason="Plan agreed.")

    counts = alert_counts_by_state(manager)

    assert counts == {"active": 2, "open": 1, "acknowledged": 1, "resolved": 1, "all": 3}
    assert list(alerts_for(manager, AlertFilters(state="resolved"))) == [drop]
    assert list(alerts_for(manager, AlertFilters(kind=KIND_NO_MANAGER))) != []
    assert list(alerts_for(manager, AlertFilters(severity="critical", state="all"))) == [drop]
    assert alert_counts_by_state(manager, AlertFilters(severity="warning"))["active"] == 2


def test_comments_and_follow_ups(manager, other_manager) -> None:
    account = AccountFactory(owner=manager)
    alert = alert_raise(account, KIND_NO_MANAGER)
    with pytest.raises(InvalidInput):
        alert_comment_add(actor=manager, alert=alert, body=" ")
    alert_comment_add(actor=manager, alert=alert, body="Asked the director.")
    existing = NoteFactory(account=account, author=manager, body="Met the buyer.")
    elsewhere = NoteFactory(account=AccountFactory(owner=other_manager))

    note, _link = alert_follow_up_note(actor=manager, alert=alert, body="Win-back call booked.")
    alert_follow_up_link(actor=manager, alert=alert, target_type="note", target_id=existing.pk)

    with pytest.raises(Conflict):
        alert_follow_up_link(actor=manager, alert=alert, target_type="note", target_id=note.pk)
    with pytest.raises(InvalidInput):
        alert_follow_up_link(actor=manager, alert=alert, target_type="note", target_id=elsewhere.pk)
    with pytest.raises(InvalidInput):
        alert_follow_up_link(actor=manager, alert=alert, target_type="plan", target_id=1)
    labels = [target.label for _link, target in alert_follow_ups(alert) if target]
    assert labels == ["Win-back call booked.", "Met the buyer."]
    assert note.account == account
    assert [c.body for c in alert.comments.all()] == ["Asked the director."]
