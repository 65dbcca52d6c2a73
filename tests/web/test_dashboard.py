"""The dashboard says what needs each user (docs/rules.md "Dashboard, mentions and the
inbox"): the director's portfolio cards, the executive's read-only ones, the manager's own."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse

from kam.accounts.models import Account
from kam.accounts.services import note_post
from kam.alerts.services import alert_raise
from kam.org.models import User
from tests.conftest import signed_in
from tests.factories import (
    AccountFactory,
    AccountRequestFactory,
    ComplaintFactory,
    SnapshotFactory,
)

pytestmark = pytest.mark.django_db

SEP, OCT = dt.date(2026, 9, 30), dt.date(2026, 10, 31)


def _portfolio(manager: User, other_manager: User) -> None:
    """Mia's key account dropped from A to C; Otto's account rose; one account has no owner;
    a class D account is proposed on its ratings, a class A one on its revenue."""
    mine = AccountFactory(owner=manager, code="MIA-KEY", name="Mia Key Co", is_key=True)
    SnapshotFactory(account=mine, as_of=SEP, account_class="A", contribution_cents=9_000_000_00)
    SnapshotFactory(
        account=mine,
        as_of=OCT,
        account_class="C",
        lifecycle="decline",
        contribution_cents=6_000_000_00,
        contribution_prev_cents=8_000_000_00,
    )
    theirs = AccountFactory(owner=other_manager, code="OTTO-UP")
    SnapshotFactory(account=theirs, as_of=SEP, account_class="D")
    SnapshotFactory(account=theirs, as_of=OCT, account_class="B", key_proposal=True, score=72)
    SnapshotFactory(
        account=AccountFactory(owner=None, code="NOBODY"), as_of=OCT, key_proposal=True, score=90
    )
    alert_raise(mine, "class_drop", severity="critical", message="dropped")
    AccountRequestFactory(requested_by=manager)


def test_the_director_reads_what_needs_her(director, manager, other_manager) -> None:
    # Given a scored portfolio with a drop, a rise, proposals, an alert and a request
    _portfolio(manager, other_manager)

    # When the director opens her dashboard
    response = signed_in(director).get(reverse("dashboard"))
    page = response.content.decode()
    board = response.context["dashboard"]

    # Then each card holds what needs her, sorted, explained, with its link
    assert board.alerts.critical == 1 and board.alerts.rows[0].account.code == "MIA-KEY"
    assert [row.account.code for row in board.proposals.decide] == ["OTTO-UP"]
    assert [row.account.code for row in board.proposals.apart] == ["NOBODY"]
    assert (board.movements.up, board.movements.down) == (1, 1)
    assert board.key_revenue.contribution_cents == 6_000_000_00
    assert board.key_revenue.change == pytest.approx(-0.25)
    assert board.summary.unowned == 1
    assert "\u221225 %" in page
    assert "Between the month ends 2026-09-30 and 2026-10-31" in page
    assert "?start=2026-09-30&amp;end=2026-10-31" in page
    assert f"{reverse('account_list')}?unowned=on" in page
    assert "1 proposal of class D or without revenue, to review apart" in page
    assert "Account requests pending" in page and ">Decide" in page


def test_the_executive_reads_the_same_cards_without_the_actions(
    executive, manager, other_manager
) -> None:
    _portfolio(manager, other_manager)

    page = signed_in(executive).get(reverse("dashboard")).content.decode()

    assert "Open critical alerts" in page and "Executive (read-only)" in page
    assert "Key-account proposals awaiting the director" in page
    assert "Account requests pending" not in page
    assert ">Decide" not in page and "All proposals" in page


def test_the_manager_reads_her_alerts_movements_and_mentions(
    manager, other_manager, director
) -> None:
    # Given the portfolio, and the director mentioning Mia on her account
    _portfolio(manager, other_manager)
    account = Account.objects.get(code="MIA-KEY")
    note_post(actor=director, account=account, body="@mia can we talk about the drop?")

    # When Mia opens her dashboard
    response = signed_in(manager).get(reverse("dashboard"))
    page = response.content.decode()
    board = response.context["dashboard"]

    # Then she sees her alert, her account's drop (not Otto's rise) and the mention
    assert board.proposals is None and board.key_revenue is None
    assert [alert.account.code for alert in board.alerts.rows] == ["MIA-KEY"]
    assert [(m.account.code, m.direction) for m in board.movements.moves] == [("MIA-KEY", "down")]
    assert board.mentions.unread == 1
    assert "OTTO-UP" not in page
    assert "mentioned you in a note on MIA-KEY" in page
    assert "Maturity → Decline" not in page  # the drop shows its class first
    assert "class A → C" in page


def test_the_unowned_link_lists_the_accounts_without_an_owner(director, manager) -> None:
    AccountFactory(owner=None, code="ORPHAN")
    AccountFactory(owner=manager, code="OWNED")

    page = signed_in(director).get(reverse("account_list") + "?unowned=on").content.decode()

    assert "ORPHAN" in page and "OWNED" not in page


def test_the_directors_dashboard_takes_a_fixed_number_of_queries(
    director, manager, other_manager, django_assert_max_num_queries
) -> None:
    _portfolio(manager, other_manager)
    for index in range(15):
        account = AccountFactory(owner=manager, code=f"MORE-{index}", is_key=True)
        SnapshotFactory(account=account, as_of=SEP, account_class="A")
        SnapshotFactory(account=account, as_of=OCT, account_class="D", key_proposal=True)
        alert_raise(account, "class_drop", severity="critical", message="m")
    client = signed_in(director)

    # 24, and one COUNT of the complaints past their service level (DOMAIN §9).
    with django_assert_max_num_queries(25):
        assert client.get(reverse("dashboard")).status_code == 200


def test_before_any_scoring_the_director_reads_what_to_do_next(director) -> None:
    # Given a company with accounts but no scoring yet
    AccountFactory(owner=None)

    # When the director opens her dashboard
    page = signed_in(director).get(reverse("dashboard")).content.decode()

    # Then each portfolio card says what it waits for instead of showing zeros as facts
    assert "Needs classes at two month ends: score the history" in page
    assert "Appears after the first scoring." in page
    assert "Nothing waits: proposals appear after a scoring." in page
    assert "No critical alert is open." in page


def test_the_director_sees_how_many_complaints_run_past_their_service_level(director) -> None:
    # Given a critical complaint unacknowledged for five hours (its target is four)
    ComplaintFactory(
        severity="critical", received_at=dt.datetime.now(dt.UTC) - dt.timedelta(hours=5)
    )
    ComplaintFactory(severity="critical")

    page = signed_in(director).get(reverse("dashboard")).content.decode()

    assert 'data-tile="sla-breaches"' in page
    assert '<span class="tile-value">1</span>\n    <span class="tile-label">Complaints past' in page
