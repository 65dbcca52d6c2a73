"""The portfolio reads behind the dashboards: proposals in the order that matters, each
account's movements between the last two month ends, the key accounts' revenue (§2, §3)."""

from __future__ import annotations

import datetime as dt

import pytest

from kam.portfolio.models import Snapshot
from kam.portfolio.selectors import class_migration, key_proposals_grouped, key_proposals_pending
from kam.portfolio.selectors.keys import key_accounts_revenue
from kam.portfolio.selectors.movements import account_movements
from tests.conftest import api_client_for
from tests.factories import AccountFactory, SnapshotFactory

pytestmark = pytest.mark.django_db

SEP, OCT = dt.date(2026, 9, 30), dt.date(2026, 10, 31)


def _proposed(code: str, klass: str, score: float, contribution: int = 1_000_000) -> Snapshot:
    return SnapshotFactory(
        account=AccountFactory(code=code),
        account_class=klass,
        score=score,
        contribution_cents=contribution,
        key_proposal=True,
    )


def test_proposals_come_class_a_then_c_then_b_by_score_and_d_or_no_revenue_apart(
    director,
) -> None:
    # Given proposals of every class, one with no revenue, and a key account due a review
    _proposed("D-HIGH", "D", 99)
    _proposed("B-1", "B", 90)
    _proposed("C-LOW", "C", 71)
    _proposed("C-HIGH", "C", 88)
    _proposed("A-1", "A", 75)
    _proposed("C-ZERO", "C", 95, contribution=0)
    review = SnapshotFactory(
        account=AccountFactory(code="KEY-R", is_key=True), review_key_status=True
    )

    # When the director reads the pending proposals
    rows = list(key_proposals_pending(actor=director))
    grouped = key_proposals_grouped(actor=director)

    # Then A, C by score, B, the key review, and apart the class D and zero-revenue ones
    assert [r.account.code for r in rows] == [
        "A-1", "C-HIGH", "C-LOW", "B-1", "KEY-R", "C-ZERO", "D-HIGH"
    ]  # fmt: skip
    assert [r.proposal_group for r in rows][-3:] == ["key_review", "apart", "apart"]
    assert [r.account.code for r in grouped.decide] == ["A-1", "C-HIGH", "C-LOW", "B-1", "KEY-R"]
    assert [r.account.code for r in grouped.apart] == ["C-ZERO", "D-HIGH"]
    assert grouped.counts == {"proposal": 4, "key_review": 1, "apart": 2}
    assert grouped.as_of == review.as_of


def test_the_proposals_api_answers_the_order_and_the_group(director) -> None:
    _proposed("D-1", "D", 99)
    _proposed("A-1", "A", 70)

    items = api_client_for(director).get("/api/v1/portfolio/proposals").json()["items"]

    assert [(i["account_code"], i["proposal_group"]) for i in items] == [
        ("A-1", "proposal"),
        ("D-1", "apart"),
    ]


def _moved(code: str, before: tuple[str, str], after: tuple[str, str], **account) -> None:
    owned = AccountFactory(code=code, **account)
    SnapshotFactory(account=owned, as_of=SEP, account_class=before[0], lifecycle=before[1])
    SnapshotFactory(account=owned, as_of=OCT, account_class=after[0], lifecycle=after[1])


def test_movements_name_each_account_and_count_as_the_migration_page(director, manager) -> None:
    # Given accounts that dropped, rose, changed stage only, or stayed put between two month ends
    _moved("DROP", ("A", "maturity"), ("C", "decline"), owner=manager)
    _moved("RISE", ("D", "growth"), ("B", "growth"))
    _moved("SIDE", ("A", "growth"), ("B", "growth"))
    _moved("STAGE", ("C", "growth"), ("C", "maturity"), owner=manager)
    _moved("STILL", ("C", "growth"), ("C", "growth"))

    # When the director and the manager read the movements
    everyone = account_movements(actor=director)
    mine = account_movements(actor=manager)

    # Then the counts match the migration page and each move is named, drops first
    assert everyone is not None and mine is not None
    migration = class_migration(actor=director, start=SEP, end=OCT)
    assert (everyone.up, everyone.down) == (migration.upgrades, migration.drops) == (1, 1)
    assert [m.account.code for m in everyone.moves] == ["DROP", "RISE", "SIDE", "STAGE"]
    assert (everyone.start, everyone.end) == (SEP, OCT)
    assert [(m.account.code, m.direction) for m in mine.moves] == [("DROP", "down"), ("STAGE", "")]
    drop, stage = mine.moves
    assert (drop.class_before, drop.class_after, drop.stage_changed) == ("A", "C", True)
    assert (stage.class_changed, stage.stage_before, stage.stage_after) == (
        False,
        "growth",
        "maturity",
    )
    assert (mine.class_changes, mine.stage_changes) == (1, 2)


def test_movements_need_two_month_ends(director) -> None:
    SnapshotFactory(as_of=OCT)
    SnapshotFactory(as_of=dt.date(2026, 10, 15))  # not a month end

    assert account_movements(actor=director) is None


def test_key_revenue_sums_todays_key_accounts_this_year_and_the_year_before(
    director, manager
) -> None:
    # Given two key accounts scored (one of them not Mia's) and a key account not yet scored
    SnapshotFactory(
        account=AccountFactory(is_key=True, owner=manager),
        contribution_cents=12_000_000,
        contribution_prev_cents=10_000_000,
    )
    SnapshotFactory(
        account=AccountFactory(is_key=True),
        contribution_cents=3_000_000,
        contribution_prev_cents=5_000_000,
    )
    SnapshotFactory(contribution_cents=99_999_999)  # not key
    AccountFactory(is_key=True)

    # When the director and Mia read the key accounts' revenue
    everyone = key_accounts_revenue(actor=director)
    hers = key_accounts_revenue(actor=manager)

    # Then the sums are exact, the change is C / C_prev − 1, the months are the last 12
    assert everyone is not None and hers is not None
    assert (everyone.contribution_cents, everyone.contribution_prev_cents) == (
        15_000_000,
        15_000_000,
    )
    assert everyone.change == 0
    assert (everyone.accounts, everyone.unscored) == (2, 1)
    assert hers.change == pytest.approx(0.2)
    assert (everyone.first_month, everyone.last_month) == (dt.date(2025, 11, 1), OCT)
    assert (everyone.prev_first_month, everyone.prev_last_month) == (
        dt.date(2024, 11, 1),
        dt.date(2025, 10, 1),
    )


def test_key_revenue_has_no_change_without_revenue_the_year_before(director) -> None:
    SnapshotFactory(
        account=AccountFactory(is_key=True), contribution_cents=100, contribution_prev_cents=0
    )
    revenue = key_accounts_revenue(actor=director)
    assert revenue is not None and revenue.change is None
