"""The nightly sweep (cadence, complaints' SLA, survey drops; DOMAIN §9, §10) runs the same
queries for 3 accounts as for 33: every alert goes through the alerts' bulk path."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from kam.accounts.models import Account
from kam.alerts.models import Alert
from kam.engagement.activities.sweep import cadence_sweep
from kam.engagement.complaints.sweep import complaint_sla_sweep
from kam.engagement.surveys.alerting import survey_drops_sweep
from tests.factories import (
    AccountFactory,
    ActivityFactory,
    ComplaintFactory,
    ContactFactory,
    SnapshotFactory,
    SurveyResponseFactory,
)

pytestmark = pytest.mark.django_db

NOW = dt.datetime(2026, 12, 1, 2, tzinfo=dt.UTC)


def _build(size: int) -> None:
    """`size` class-A accounts last visited 40 days ago, each with a decision maker last
    contacted 100 days ago, a complaint late on both targets and a CSAT drop."""
    for _ in range(size):
        account = AccountFactory()
        SnapshotFactory(account=account, account_class="A")
        ActivityFactory(account=account, status="done", done_at=NOW - dt.timedelta(days=40))
        ContactFactory(
            account=account,
            buying_role="decision_maker",
            last_contact=NOW.date() - dt.timedelta(days=100),
        )
        ComplaintFactory(account=account, received_at=NOW - dt.timedelta(days=20))
        SurveyResponseFactory(account=account, responded_on=dt.date(2026, 9, 15), csat_service=5)
        SurveyResponseFactory(account=account, responded_on=dt.date(2026, 10, 15), csat_service=2)


def _nightly(now: dt.datetime) -> list[int]:
    counts = []
    for sweep in (
        lambda: cadence_sweep(today=now.date()),
        lambda: complaint_sla_sweep(now=now),
        survey_drops_sweep,
    ):
        with CaptureQueriesContext(connection) as captured:
            sweep()
        counts.append(len(captured))
    return counts


def _runs(size: int) -> tuple[list[int], list[int], list[int]]:
    _build(size)
    first = _nightly(NOW)  # opens every alert
    assert Alert.objects.filter(is_open=True).count() == 5 * Account.objects.count()
    again = _nightly(NOW)  # nothing changed
    later = _nightly(NOW + dt.timedelta(days=3))  # the late complaints' alerts refresh
    return first, again, later


def test_the_nightly_sweep_runs_the_same_queries_for_3_accounts_as_for_33() -> None:
    # Given the settings read once (as every night after the first)
    _nightly(NOW)
    # And 3 accounts with something for every sweep to raise, then 30 more
    small = _runs(3)
    Alert.objects.all().delete()
    large = _runs(30)
    # Then the first run, a rerun and a later run each take as many queries for 33 accounts
    # as for 3
    assert large == small
