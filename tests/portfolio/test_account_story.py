"""One coherent account page: the strategy that governs a group's members, filled-in
potentials said as such, trends in words, inputs queuing a re-score that lands, overrides
that match, and the merged change history (docs/rules.md "Groups and their entities",
"Trends in words", "Inputs and re-scoring", "Change history")."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.core.management import call_command
from django.test import Client

from kam.accounts.services import account_update, note_add, potential_estimate_add
from kam.accounts.timeline import account_timeline
from kam.core.dates import today
from kam.portfolio.account_presenter import monthly_slope, year_on_year
from kam.portfolio.models import AccountRescore, Scope, ScoreRun, ScoreRunStatus, Strategy
from kam.portfolio.selectors import Governed, account_strategy
from kam.portfolio.services.strategy import strategy_override_set, strategy_override_withdraw
from kam.relationships.models import Attitude
from tests.conftest import api_client_for
from tests.factories import AccountFactory, ContactFactory, SnapshotFactory

pytestmark = pytest.mark.django_db(transaction=True)


def _drifting_group(owner):
    """G200 as the demo has it: the group win-back (R2), its subsidiary alone promotion (R3)."""
    group = AccountFactory(code="G200", name="Orient Auto Group", owner=owner)
    member = AccountFactory(code="C10004", name="Orient Auto Parts", owner=owner, parent=group)
    SnapshotFactory(
        account=group,
        scope=Scope.GROUP,
        account_class="C",
        strategy=Strategy.WIN_BACK,
        strategy_rule="R2",
        lifecycle="decline",
    )
    SnapshotFactory(
        account=group,
        account_class="D",
        strategy=Strategy.WIN_BACK,
        strategy_rule="R2",
        potential_missing=True,
        potential_cents=100_000,
        share_of_wallet=1.0,
    )
    SnapshotFactory(
        account=member,
        account_class="C",
        strategy=Strategy.PROMOTION,
        strategy_rule="R3",
        lifecycle="decline",
        contribution_cents=222_938_101,
        contribution_prev_cents=841_276_700,
        trend_slope=-3_755_093.35,
        trend_relative_slope=-1.0162,
        trend_months=24,
        score=81.1,
        share_of_wallet=0.041,
    )
    return group, member


def _login(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def test_the_groups_strategy_governs_its_member_and_the_member_says_why(manager) -> None:
    # given a group told win-back whose subsidiary alone would be told promotion
    group, member = _drifting_group(manager)

    # when the member's and the group's strategies are read, on the page and in the API
    found = account_strategy(account=member)
    page = _login(manager).get(f"/accounts/{member.pk}/portfolio/strategy/").content.decode()
    api = api_client_for(manager).get(f"/api/v1/accounts/{member.pk}/strategy").json()
    top = account_strategy(account=group)

    # then win-back governs both, and the member's own promotion is shown as secondary
    assert found.strategy == Strategy.WIN_BACK and found.governed_by == Governed.GROUP
    assert found.entity_differs
    assert top.strategy == Strategy.WIN_BACK and top.governed_by == Governed.GROUP
    assert "one customer with one key account plan" in page
    assert "On its own this entity would get Promotion (R3)" in page
    assert api["strategy"] == "win_back" and api["governed_by"] == "group"
    assert api["recommended"] == "promotion" and api["group_account_id"] == group.pk


def test_an_override_on_the_top_parent_governs_every_member(manager) -> None:
    # given the group's manager chooses retention for the group
    group, member = _drifting_group(manager)
    strategy_override_set(
        actor=manager, account=group, strategy=Strategy.RETENTION, reason="New frame contract"
    )

    # when the member's strategy is read
    found = account_strategy(account=member)

    # then the group's override governs it
    assert found.strategy == Strategy.RETENTION
    assert found.governed_by == Governed.GROUP_OVERRIDE


def test_a_filled_in_potential_is_never_shown_as_a_measured_share(manager) -> None:
    # given the parent alone has no estimate (P := C, SoW 1.0)
    group, _member = _drifting_group(manager)

    # when its panel is read
    page = _login(manager).get(f"/accounts/{group.pk}/portfolio/strategy/").content.decode()

    # then the entity view says the potential was taken as the contribution
    assert "No estimate — potential taken as the contribution" in page
    assert "not measured" in page
    assert "100.0 %" not in page


def test_trends_read_in_words_and_g_below_minus_100_percent_is_not_shown(manager) -> None:
    # given a member whose relative annual slope g is −101.6 %
    _group, member = _drifting_group(manager)
    snapshot = member.snapshots.get()

    # when the trend is worded and the panel read
    page = _login(manager).get(f"/accounts/{member.pk}/portfolio/strategy/").content.decode()

    # then it says the change on the year before and the monthly slope in money, no g
    assert year_on_year(snapshot) == "\u221274 % on the year before"
    assert monthly_slope(snapshot, "CNY") == (
        "falling by 37,550.93 CNY a month (trend of 24 months)"
    )
    assert "\u221274 % on the year before" in page
    assert "101.6" not in page and "-101" not in page and "\u2212101" not in page
    assert "not a measure of health" in page


def test_no_comparison_without_revenue_the_year_before() -> None:
    snapshot = SnapshotFactory.build(contribution_prev_cents=0, contribution_cents=500)
    assert year_on_year(snapshot) == "no revenue in the year before, so no comparison"


def test_a_contact_who_left_keeps_the_role_but_is_not_the_current_champion(manager) -> None:
    # given a champion who left and a supporter still there
    account = AccountFactory(owner=manager)
    ContactFactory(
        account=account,
        name="Wu Ping",
        attitude=Attitude.CHAMPION,
        active=False,
        left_on=dt.date(2026, 10, 3),
    )
    ContactFactory(account=account, name="Xu Tao", attitude=Attitude.SUPPORTER)

    # when the account page is read
    page = _login(manager).get(f"/accounts/{account.pk}/").content.decode()

    # then nobody is the current champion, and Wu Ping was one
    assert "No current champion" in page
    assert "Wu Ping (Champion) left on 2026-10-03 and is no longer a sponsor." in page
    assert "was Champion" in page


def test_an_estimate_queues_one_rescore_the_panel_polls_and_the_fresh_figure_lands(
    manager,
) -> None:
    # given a scored account
    account = AccountFactory(owner=manager, code="K01")
    SnapshotFactory(account=account, potential_cents=100_000)
    client = _login(manager)

    # when the manager adds two estimates in a row
    for amount in ("120000.00", "125000.00"):
        client.post(
            f"/accounts/{account.pk}/potential/",
            {"amount": amount, "estimated_on": today().isoformat(), "source": "visit"},
        )
    pending_panel = client.get(f"/accounts/{account.pk}/portfolio/strategy/").content.decode()
    polling = client.get(f"/accounts/{account.pk}/portfolio/strategy/status/")

    # then one run is queued for both, and the panel says it is recomputing and polls
    assert ScoreRun.objects.filter(status=ScoreRunStatus.QUEUED).count() == 1
    assert AccountRescore.objects.filter(account=account).count() == 1
    assert "Recomputing…" in pending_panel and 'hx-trigger="every 1s"' in pending_panel
    assert "HX-Trigger" not in polling.headers

    # when the real worker runs the queue
    call_command("worker", "--batch")
    landed = client.get(f"/accounts/{account.pk}/portfolio/strategy/status/")
    fresh = client.get(f"/accounts/{account.pk}/portfolio/strategy/").content.decode()
    history = client.get(f"/accounts/{account.pk}/").content.decode()

    # then the poll stops and tells the panel to reload, which shows the new potential
    assert landed.headers["HX-Trigger"] == "kam-rescored"
    assert "every 1s" not in landed.content.decode()
    assert "Recomputing…" not in fresh
    assert "125,000.00" in fresh
    rescore = AccountRescore.objects.get(account=account)
    assert rescore.finished_at is not None and rescore.after["as_of"] == today().isoformat()
    assert "re-scored after" in history


def test_a_factor_rating_queues_a_rescore_but_a_name_change_does_not(manager) -> None:
    account = AccountFactory(owner=manager)

    account_update(actor=manager, account=account, name="Renamed Ltd")
    renamed = AccountRescore.objects.count()
    account_update(actor=manager, account=account, strategic_importance=4)

    assert renamed == 0
    assert AccountRescore.objects.get(account=account).cause == "factors"


def test_an_override_equal_to_the_new_recommendation_is_flagged(manager) -> None:
    # given a manager chose promotion while the recommendation was wait-and-see
    account = AccountFactory(owner=manager)
    SnapshotFactory(account=account, as_of=dt.date(2026, 9, 30))
    strategy_override_set(
        actor=manager, account=account, strategy=Strategy.PROMOTION, reason="Plant opens"
    )

    # when a later score recommends promotion itself
    SnapshotFactory(
        account=account, strategy=Strategy.PROMOTION, strategy_rule="R3", account_class="C"
    )
    page = _login(manager).get(f"/accounts/{account.pk}/portfolio/strategy/").content.decode()
    api = api_client_for(manager).get(f"/api/v1/accounts/{account.pk}/strategy").json()

    # then the page offers to remove the override, and the API says so
    assert "Your override now matches the recommendation — remove it?" in page
    assert api["override_matches_recommendation"] is True


def test_the_history_shows_notes_overrides_key_status_and_rescores(manager, director) -> None:
    # given a note, an override, a key-status decision and an estimate on an account
    account = AccountFactory(owner=manager)
    SnapshotFactory(account=account)
    note_add(actor=manager, account=account, body="Competitor offered 8 % off")
    strategy_override_set(
        actor=manager, account=account, strategy=Strategy.RETENTION, reason="Frame contract"
    )
    from kam.accounts.services import account_set_key_status

    account_set_key_status(actor=director, account=account, is_key=True, reason="Top revenue")
    potential_estimate_add(
        actor=manager, account=account, amount=Decimal("5000.00"), estimated_on=today()
    )

    # when the account page is read
    page = _login(manager).get(f"/accounts/{account.pk}/").content.decode()
    history = page[page.index('id="history"') :]

    # then each is in the change history (the estimate joins the re-score already queued)
    assert "wrote a note" in history and "Competitor offered 8 % off" in history
    assert "overrode the recommended strategy" in history and "Frame contract" in history
    assert "confirmed key-account status" in history
    assert "queued a re-score after a change to the key-account status" in history
    assert AccountRescore.objects.filter(account=account).count() == 1


def test_the_estimate_form_gives_the_date_input_an_iso_date_in_chinese(manager) -> None:
    # given a manager reading in Chinese, whose locale writes dates 2026/12/02
    account = AccountFactory(owner=manager)
    client = _login(manager)
    client.post("/language/", {"language": "zh-hans"})

    # when the account page is read
    page = client.get(f"/accounts/{account.pk}/")

    # then the date input holds an ISO date, which the browser keeps (else it is blank)
    assert "添加估算" in page.content.decode()
    assert f'value="{today().isoformat()}"' in page.content.decode()


def test_a_withdrawn_override_names_who_withdrew_it_in_the_history(manager) -> None:
    # given an override its manager later withdrew
    account = AccountFactory(owner=manager)
    SnapshotFactory(account=account)
    strategy_override_set(
        actor=manager, account=account, strategy=Strategy.RETENTION, reason="Frame contract"
    )
    strategy_override_withdraw(actor=manager, account=account)

    # when the history is told
    entries = account_timeline(account=account)

    # then the withdrawal is there, by the manager
    withdrawn = [e for e in entries if e.action == "withdrew the override"]
    assert [e.user for e in withdrawn] == [manager.display_name]


@pytest.mark.slow
def test_the_demo_scores_once_and_queues_no_rescore_for_its_own_inputs() -> None:
    # given the demo, whose estimates and key decisions go through the services
    from kam.ops.demo import demo_load

    demo_load(seed=7, accounts=15, years=1)

    # then its inputs queued no re-score: it scores itself at its end (its ledger import
    # queues the usual run after an import)
    assert AccountRescore.objects.count() == 0
    assert not ScoreRun.objects.filter(reason__startswith="input:").exists()


def test_the_history_api_tells_the_same_merged_history(manager) -> None:
    # given a note and an override on an account
    account = AccountFactory(owner=manager)
    SnapshotFactory(account=account)
    note_add(actor=manager, account=account, body="Met the new buyer")
    strategy_override_set(
        actor=manager, account=account, strategy=Strategy.RETENTION, reason="Frame contract"
    )

    # when a script reads the history
    entries = api_client_for(manager).get(f"/api/v1/accounts/{account.pk}/history").json()

    # then the note and the override are there, with their kinds and texts
    kinds = {entry["kind"]: entry["detail"] for entry in entries}
    assert kinds["note"] == "Met the new buyer"
    assert kinds["override"] == "Frame contract"
