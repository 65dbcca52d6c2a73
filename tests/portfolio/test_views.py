"""Portfolio pages: what each reader sees, and the forms' answers to bad input."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse

from kam.core.dates import today
from kam.portfolio.models import CostToServe, Snapshot, StrategyOverride
from kam.portfolio.selectors import overview, portfolio_settings
from kam.portfolio.services.scoring import score_portfolio
from tests.conftest import signed_in
from tests.factories import AccountFactory, SnapshotFactory
from tests.portfolio.history import PAST, company_with_history

pytestmark = pytest.mark.django_db


def test_pages_explain_what_to_do_before_the_first_scoring(director) -> None:
    client = signed_in(director)
    for name in ("portfolio_matrix", "portfolio_pareto", "portfolio_migration"):
        page = client.get(reverse(name))
        assert page.status_code == 200
        assert "kam score" in page.content.decode()


def test_the_matrix_shows_only_the_managers_accounts(manager, other_manager) -> None:
    mine = AccountFactory(owner=manager, code="MINE")
    AccountFactory(owner=other_manager, code="THEIRS", name="Secret Co")
    score_portfolio(dates=[today()])

    page = signed_in(manager).get(reverse("portfolio_matrix"))

    body = page.content.decode()
    assert "MINE" in body and "THEIRS" not in body and "Secret Co" not in body
    assert mine.code in body


def test_the_strategy_panel_shows_the_rule_and_takes_an_override(manager) -> None:
    account = AccountFactory(owner=manager)
    score_portfolio(dates=[today()])
    client = signed_in(manager)

    panel = client.get(reverse("account_strategy", args=[account.pk]))
    assert "R5" in panel.content.decode()

    refused = client.post(
        reverse("account_strategy_override", args=[account.pk]), {"override-strategy": "promotion"}
    )
    assert refused.status_code == 422
    assert not StrategyOverride.objects.exists()

    accepted = client.post(
        reverse("account_strategy_override", args=[account.pk]),
        {"override-strategy": "promotion", "override-reason": "Tender next spring"},
    )
    assert accepted.status_code == 200
    assert "Tender next spring" in accepted.content.decode()


def test_cost_form_refuses_a_cost_without_amount(manager) -> None:
    account = AccountFactory(owner=manager)
    client = signed_in(manager)
    refused = client.post(
        reverse("account_cost_add", args=[account.pk]),
        {"cost-month": "2026-10", "cost-kind": "travel"},
    )
    assert refused.status_code == 422
    assert not CostToServe.objects.exists()
    added = client.post(
        reverse("account_cost_add", args=[account.pk]),
        {"cost-month": "2026-10", "cost-kind": "people", "cost-hours": "3", "cost-rate": "400"},
    )
    assert added.status_code == 200
    assert CostToServe.objects.get().amount == 1200
    # listed like every other amount on the page: grouped, two places
    assert "1,200.00" in added.content.decode()


def test_another_managers_account_panel_answers_404(manager, other_manager) -> None:
    theirs = AccountFactory(owner=other_manager)
    assert signed_in(manager).get(reverse("account_strategy", args=[theirs.pk])).status_code == 404


def test_settings_page_shows_errors_and_changes_nothing(director) -> None:
    client = signed_in(director)
    form = client.get(reverse("portfolio_settings")).context["form"]
    data = {name: form[name].value() for name in form.fields}
    data["contribution_medium"] = "99999999"
    page = client.post(reverse("portfolio_settings"), data)
    assert page.status_code == 200
    assert "must not exceed" in page.content.decode()
    assert portfolio_settings().contribution_medium == 5_000_000


def test_settings_history_says_what_each_change_moved(director) -> None:
    client = signed_in(director)
    form = client.get(reverse("portfolio_settings")).context["form"]
    data = {name: form[name].value() for name in form.fields}
    data["key_score_threshold"] = "65"

    client.post(reverse("portfolio_settings"), data)
    page = client.get(reverse("portfolio_settings")).content.decode()

    history = page[page.rindex("<tbody>") :]
    assert "key-account score threshold: <del>70" in history
    assert "<ins>65" in history


def test_managers_read_settings_but_cannot_save(manager) -> None:
    page = signed_in(manager).get(reverse("portfolio_settings"))
    assert "Only a director or an administrator" in page.content.decode()


def test_migration_counts_class_moves_between_two_dates(director) -> None:
    account = AccountFactory()
    score_portfolio(dates=[dt.date(2026, 9, 30), dt.date(2026, 10, 31)])
    Snapshot.objects.filter(account=account, as_of=dt.date(2026, 9, 30)).update(
        account_class="A", active=True
    )
    Snapshot.objects.filter(account=account, as_of=dt.date(2026, 10, 31)).update(
        account_class="C", active=True
    )
    page = signed_in(director).get(reverse("portfolio_migration"))
    migration = page.context["migration"]
    assert migration.counts == {("A", "C"): 1}
    assert migration.drops == 1
    chart = page.context["chart"]
    (link,) = chart["links"]
    assert (link["source"], link["target"], link["value"]) == (
        "A · 2026-09-30",
        "C · 2026-10-31",
        1,
    )
    assert link["url"].endswith("&from=A&to=C#flow")
    assert {"A · 2026-09-30", "C · 2026-10-31"} <= {node["name"] for node in chart["nodes"]}
    # And the flow's accounts are named, in full when the flow is picked
    assert account.code in page.content.decode()
    picked = signed_in(director).get(reverse("portfolio_migration") + link["url"].split("#")[0])
    letter, to, accounts, *_ = picked.context["flow"]
    assert (letter, to, [a.code for a in accounts]) == ("A", "C", [account.code])
    assert "1 account from A to C" in picked.content.decode()
    assert signed_in(director).get(reverse("portfolio_migration"), {"from": "X"}).status_code == 200


def test_past_the_threshold_the_matrix_says_what_it_draws(manager, monkeypatch) -> None:
    # Given more plotted accounts than the matrix draws as bubbles
    monkeypatch.setattr(overview, "MATRIX_DENSITY_FROM", 3)
    monkeypatch.setattr(overview, "MATRIX_BUBBLES", 2)
    for cents in range(1, 6):
        SnapshotFactory(account__owner=manager, contribution_cents=cents * 100)

    # When the manager opens the matrix
    page = signed_in(manager).get(reverse("portfolio_matrix"))

    # Then it draws two bubbles, the other three as density, and says so
    chart = page.context["chart"]
    assert sum(len(s["points"]) for s in chart["series"]) == 2
    assert sum(cell[4] for cell in chart["density"]) == 3
    assert "Showing the 2 largest accounts as bubbles and the other 3 as density" in (
        page.content.decode()
    )


def test_under_the_threshold_the_matrix_draws_every_account(manager) -> None:
    for cents in range(1, 6):
        SnapshotFactory(account__owner=manager, contribution_cents=cents * 100)

    page = signed_in(manager).get(reverse("portfolio_matrix"))

    assert sum(len(s["points"]) for s in page.context["chart"]["series"]) == 5
    assert page.context["chart"]["density"] == []
    assert "as density" not in page.content.decode()


def test_the_matrix_table_names_each_rows_stage_and_strategy_in_the_readers_language(
    director,
) -> None:
    # Given a scored account in decline whose strategy is win-back
    SnapshotFactory(account__code="K1", lifecycle="decline", strategy="win_back")
    client = signed_in(director)

    # When the director reads the matrix in English, then in Chinese
    english = client.get(reverse("portfolio_matrix")).content.decode()
    director.language = "zh-hans"
    director.save()
    chinese = client.get(reverse("portfolio_matrix")).content.decode()

    # Then the table shows the labels, not the stored codes
    assert "<td>Decline</td>" in english and "<td>Win-back " in english
    assert "<td>Decline</td>" not in chinese and "<td>win_back" not in chinese


@pytest.mark.parametrize(("language", "compact"), [("en", "118.5 M"), ("zh-hans", "1.18 亿")])
def test_the_matrix_table_shows_compact_amounts_with_the_exact_one_on_hover(
    director, language, compact
) -> None:
    # Given a scored account with a large contribution and a stale estimate
    SnapshotFactory(
        account=AccountFactory(code="BIG"),
        contribution_cents=11_849_551_942,
        potential_cents=11_849_551_942,
        potential_stale=True,
    )
    client = signed_in(director)
    client.cookies["django_language"] = language

    # When the director reads the matrix in either language
    body = client.get(reverse("portfolio_matrix"), {"as_of": "2026-10-31"}).content.decode()

    # Then the amount is compact with the exact, grouped amount in its title
    assert f'<abbr class="amount" title="118,495,519.42">{compact}</abbr>' in body
    # and the stale badge is a word the fonts draw, explained in the legend below the table
    stale = "已过期" if language == "zh-hans" else "stale"
    assert '<span class="badge warn" title="' in body and f">{stale}</span>" in body
    assert 'id="badge-legend"' in body
    assert "\u29d7" not in body


def test_the_matrix_and_pareto_pages_offer_past_month_ends_and_say_what_they_lack(
    tmp_path, director, manager
) -> None:
    # Given a back-fill
    company_with_history(tmp_path, director, manager)
    client = signed_in(manager)

    for name in ("portfolio_matrix", "portfolio_pareto"):
        # When the manager opens the page on a past month end
        page = client.get(reverse(name), {"as_of": PAST.isoformat()})

        # Then the date picker offers every month end, that one chosen, and says what it lacks
        html = page.content.decode()
        assert page.status_code == 200
        assert f'<option value="{PAST.isoformat()}" selected>' in html
        assert html.count("· monthly history</option>") == 22
        assert 'id="date-lacks"' in html and "does not keep the margin" in html
    matrix = client.get(reverse("portfolio_matrix"), {"as_of": PAST.isoformat()})
    assert matrix.context["chart"]["sized"] is False
    assert "The bubbles are all one size" in matrix.content.decode()
    # And the latest date, scored in full, lacks nothing
    assert 'id="date-lacks"' not in client.get(reverse("portfolio_matrix")).content.decode()
