"""Moving Alert from the portfolio to kam.alerts keeps every row, id and history entry."""

from __future__ import annotations

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.utils import timezone

from tests.factories import AccountFactory, UserFactory

BEFORE = [("portfolio", "0007_company_settings_to_org"), ("alerts", None)]
AFTER = [("portfolio", "0008_alert_moves_to_alerts"), ("alerts", "0001_initial")]


@pytest.mark.django_db(transaction=True)
def test_the_move_keeps_alerts_their_ids_and_their_history() -> None:
    account, user = AccountFactory(), UserFactory()
    executor = MigrationExecutor(connection)
    executor.migrate(BEFORE)
    old = executor.loader.project_state(BEFORE[0]).apps
    alert = old.get_model("portfolio", "Alert").objects.create(
        account_id=account.pk, kind="class_drop", severity="critical", message="m", data={"a": 1}
    )
    old.get_model("portfolio", "HistoricalAlert").objects.create(
        id=alert.pk,
        account_id=account.pk,
        kind="class_drop",
        severity="critical",
        message="m",
        data={"a": 1},
        created_at=timezone.now(),
        history_date=timezone.now(),
        history_type="+",
        history_user_id=user.pk,
    )

    executor = MigrationExecutor(connection)
    executor.migrate(AFTER)
    executor.loader.build_graph()
    executor.migrate(executor.loader.graph.leaf_nodes())

    from kam.alerts.models import Alert

    moved = Alert.objects.get()
    assert (moved.pk, moved.kind, moved.data) == (alert.pk, "class_drop", {"a": 1})
    assert moved.history.get().history_user_id == user.pk
    # Ids go on from where they were.
    later = Alert.objects.create(account=account, kind="potential_missing", severity="warning")
    assert later.pk > moved.pk
