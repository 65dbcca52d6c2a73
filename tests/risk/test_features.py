"""The churn model's feature panel (§10): each factor read from its source, for all accounts
at once, in a fixed number of queries."""

from __future__ import annotations

import datetime as dt

import numpy as np
import pytest
from django.utils import timezone

from kam.engagement.activities.models import ActivityKind, ActivityStatus
from kam.engagement.complaints.models import Severity, Status
from kam.relationships.models import RelationshipScore, ScoreReason
from kam.risk.features import (
    COLUMN,
    FEATURES,
    history_state,
    load_sources,
    panel,
    purchases_at,
)
from tests.factories import (
    AccountFactory,
    ActivityFactory,
    CompetitorMoveFactory,
    ComplaintFactory,
    LedgerLineFactory,
    SurveyResponseFactory,
)

pytestmark = pytest.mark.django_db

DAY = dt.date(2026, 10, 31)
FIRST_MONTH = dt.date(2024, 1, 31)


def _at(day: dt.date, hour: int = 10) -> dt.datetime:
    return dt.datetime.combine(day, dt.time(hour), tzinfo=dt.UTC)


def _features(account_ids: list[int]) -> np.ndarray:
    sources = load_sources(account_ids, DAY, FIRST_MONTH)
    bought = purchases_at(sources, DAY)
    state = history_state(sources, DAY)
    return panel(sources, DAY, bought, np.full(sources.n, 0.9), state, state)


def test_purchase_summary_counts_repeat_days_in_weeks(manager) -> None:
    # Given an account that bought on three days, twice on the first
    account = AccountFactory(owner=manager)
    for day, cents in (
        (dt.date(2026, 8, 1), 100_000),
        (dt.date(2026, 8, 1), 50_000),
        (dt.date(2026, 8, 15), 200_000),
        (dt.date(2026, 9, 12), 400_000),
    ):
        LedgerLineFactory(account=account, date=day, amount_cents=cents)

    # When its purchases are summarised as of the day
    sources = load_sources([account.pk], DAY, FIRST_MONTH)
    summary = purchases_at(sources, DAY)

    # Then the same-day lines are one purchase, and x, tₓ and T are in weeks from the first
    assert summary.frequency.tolist() == [2.0]
    assert summary.recency.tolist() == pytest.approx([6.0])
    assert summary.T.tolist() == pytest.approx([(DAY - dt.date(2026, 8, 1)).days / 7])
    # the mean of the repeat purchases only (the first is left out, as Gamma-Gamma wants)
    assert summary.monetary.tolist() == [300_000.0]


def test_each_factor_comes_from_its_source(manager) -> None:
    # Given an account with revenue falling, complaints (one late), surveys falling, a
    # competitor's move, an old visit and a relationship map
    account = AccountFactory(owner=manager)
    quiet = AccountFactory(owner=manager)
    for month, cents in ((3, 400_000), (4, 400_000), (8, 100_000), (9, 100_000)):
        LedgerLineFactory(account=account, date=dt.date(2026, month, 10), amount_cents=cents)
    late = ComplaintFactory(
        account=account,
        received_at=_at(dt.date(2026, 9, 1)),
        severity=Severity.CRITICAL,
        status=Status.OPEN,
    )
    ComplaintFactory(
        account=account,
        received_at=_at(dt.date(2026, 10, 20)),
        severity=Severity.LOW,
        status=Status.ACKNOWLEDGED,
        acknowledged_at=_at(dt.date(2026, 10, 20), 11),
    )
    ComplaintFactory(account=account, received_at=_at(dt.date(2025, 1, 5)))  # outside 180 days
    SurveyResponseFactory(
        account=account, responded_on=dt.date(2026, 3, 1), csat_service=5, csat_product=4, nps=9
    )
    SurveyResponseFactory(
        account=account, responded_on=dt.date(2026, 9, 1), csat_service=3, csat_product=3, nps=6
    )
    CompetitorMoveFactory(account=account, seen_on=dt.date(2026, 10, 1))
    ActivityFactory(
        account=account,
        kind=ActivityKind.VISIT,
        status=ActivityStatus.DONE,
        done_at=_at(dt.date(2026, 9, 1)),
    )
    RelationshipScore.objects.create(
        account=account,
        recorded_at=timezone.now(),
        as_of=dt.date(2026, 10, 1),
        overall_closeness=2.5,
        coverage=0.4,
        gap_count=2,
        reason=ScoreReason.CHANGE,
    )

    # When the panel is built as of the day
    x = _features([account.pk, quiet.pk])

    # Then every factor reads its source
    row = dict(zip(FEATURES, x[0].tolist(), strict=True))
    assert row["revenue_trend"] == pytest.approx((200_000 - 800_000) / 1_000_000)
    assert row["complaints"] == 2
    assert row["complaint_severity"] == pytest.approx((4 + 1) / 2)
    assert late.acknowledged_at is None
    assert row["sla_breaches"] == 1  # the open critical one is long past its due times
    assert row["csat"] == pytest.approx(3.0)
    assert row["csat_change"] == pytest.approx(3.0 - 4.5)
    assert row["nps"] == 6
    assert row["nps_change"] == -3
    assert row["competitor_moves"] == 1
    assert row["closeness"] == 2.5
    assert row["coverage"] == 0.4
    assert row["gaps"] == 2
    assert row["p_alive"] == 0.9
    # days since the last purchase over its own mean days between purchases
    rhythm = (dt.date(2026, 9, 10) - dt.date(2026, 3, 10)).days / 3
    assert row["recency_ratio"] == pytest.approx((DAY - dt.date(2026, 9, 10)).days / rhythm)
    # And an account with no record has counts of 0 and missing values as NaN (imputed)
    quiet_row = dict(zip(FEATURES, x[1].tolist(), strict=True))
    assert quiet_row["complaints"] == 0
    assert quiet_row["competitor_moves"] == 0
    assert np.isnan(quiet_row["csat"])
    assert np.isnan(quiet_row["closeness"])
    assert np.isnan(quiet_row["recency_ratio"])
    # And without a monthly history the class is unknown
    assert np.isnan(x[0, COLUMN["class_rank"]])


def test_the_panel_reads_a_fixed_number_of_queries(manager, django_assert_max_num_queries) -> None:
    # Given many accounts, each with a complaint, a survey and purchases
    accounts = [AccountFactory(owner=manager) for _ in range(12)]
    for account in accounts:
        LedgerLineFactory(account=account, date=dt.date(2026, 9, 3))
        ComplaintFactory(account=account, received_at=_at(dt.date(2026, 9, 1)))
        SurveyResponseFactory(account=account, responded_on=dt.date(2026, 9, 2))

    # When every source is loaded, then the queries do not grow with the accounts
    with django_assert_max_num_queries(15):
        load_sources([a.pk for a in accounts], DAY, FIRST_MONTH)
