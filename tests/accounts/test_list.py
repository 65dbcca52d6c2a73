"""The account list (issue 16 part 8): filters that list each value once, pickers of people
by name and by the role they can hold, and the portfolio's columns, sortable with paging."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.urls import reverse

from kam.accounts.forms import AccountForm, TeamMemberForm
from kam.org.models import Role
from kam.portfolio.models import AccountClass, Strategy
from tests.conftest import signed_in
from tests.factories import AccountFactory, SnapshotFactory, TeamMemberFactory, UserFactory

pytestmark = pytest.mark.django_db


def options(html: str, name: str) -> list[str]:
    """The labels of the <select name=NAME> menu, in order."""
    menu = re.search(rf'<select name="{name}"[^>]*>(.*?)</select>', html, re.S)
    assert menu, name
    return re.findall(r"<option[^>]*>([^<]*)</option>", menu.group(1))


def codes(html: str) -> list[str]:
    return re.findall(r'<td><a href="/accounts/\d+/">([^<]+)</a></td>', html)


def test_industry_and_region_filters_list_each_value_once(manager) -> None:
    # Given a manager's many accounts in few industries, one spelt in another case, and an
    # account seen through the team as well as owned
    for index in range(6):
        AccountFactory(owner=manager, industry="Machinery", region="East China", code=f"M{index}")
    AccountFactory(owner=manager, industry="machinery", region="East China")
    AccountFactory(owner=manager, industry="Energy", region="North China")
    both = AccountFactory(owner=manager, industry="Energy", region="North China")
    TeamMemberFactory(account=both, user=manager)
    client = signed_in(manager)

    # When the account list and the portfolio matrix show their filters
    accounts = client.get(reverse("account_list")).text
    portfolio = client.get(reverse("portfolio_matrix")).text

    # Then each industry and region is offered once, whatever its case, on both pages
    assert options(accounts, "industry")[1:] == ["Energy", "Machinery"]
    assert options(accounts, "region")[1:] == ["East China", "North China"]
    assert options(portfolio, "industry")[1:] == ["Energy", "Machinery"]
    assert options(portfolio, "region")[1:] == ["East China", "North China"]


def test_the_owner_filter_names_people_not_logins(director) -> None:
    # Given accounts owned by a manager whose login differs from their name
    owner = UserFactory(username="wli", first_name="Wei", last_name="Li", role=Role.MANAGER)
    AccountFactory(owner=owner)

    # When the director opens the list, then the owner menu says "Wei Li", not "wli"
    menu = options(signed_in(director).get(reverse("account_list")).text, "owner")
    assert "Wei Li" in menu
    assert "wli" not in menu


def test_the_owner_picker_offers_only_managers_and_directors_by_name(director) -> None:
    # Given people of every role, one of them inactive
    people = {
        role: UserFactory(username=f"u-{role}", first_name=role.title(), last_name="X", role=role)
        for role in Role.values
    }
    UserFactory(username="gone", first_name="Gone", role=Role.MANAGER, is_active=False)

    # When a director opens the new-account form
    field = AccountForm(actor=director).fields["owner"]
    labels = [label for _value, label in field.choices][1:]

    # Then the owner menu lists active managers and directors by name only
    assert "Manager X" in labels and "Director X" in labels
    for role in (Role.SALES, Role.MARKETING, Role.SERVICE, Role.EXECUTIVE, Role.ADMIN):
        assert f"{role.title()} X" not in labels
    assert "Gone" not in labels and "u-manager" not in labels
    # and what it does not offer, it does not accept
    form = AccountForm(
        {
            "code": "N1",
            "name": "N",
            "account_type": "oem",
            "status": "prospect",
            "owner": people[Role.SALES].pk,
        },
        actor=director,
    )
    assert not form.is_valid()
    assert "owner" in form.errors


def test_editing_an_account_keeps_its_owner_whatever_their_role(director) -> None:
    # Given an account owned by a sales representative (an approved request makes the asker
    # its owner)
    seller = UserFactory(first_name="Sam", last_name="Seller", role=Role.SALES)
    account = AccountFactory(owner=seller)

    # When a director edits it, then the seller stays a choice (the form keeps the owner)
    labels = [
        label
        for _value, label in AccountForm(instance=account, actor=director).fields["owner"].choices
    ]
    assert "Sam Seller" in labels


def test_the_team_picker_offers_everyone_active_but_administrators() -> None:
    # Given people of every role
    for role in Role.values:
        UserFactory(username=f"t-{role}", first_name=role.title(), last_name="Y", role=role)

    # When the account page offers its team form
    labels = [label for _value, label in TeamMemberForm().fields["user"].choices][1:]

    # Then everyone active is offered by name, executives (as sponsors) included, not admins
    assert "Sales Y" in labels and "Executive Y" in labels and "Manager Y" in labels
    assert "Admin Y" not in labels


def _scored(manager) -> dict[str, int]:
    """Accounts with a latest snapshot: revenue, class and strategy differ; one unscored."""
    rows = {
        "BIG": (11_849_551_942, AccountClass.A, Strategy.RETENTION),
        "MID": (500_000_000, AccountClass.C, Strategy.PROMOTION),
        "LOW": (99_999, AccountClass.D, Strategy.WAIT_AND_SEE),
    }
    ids = {}
    for code, (cents, klass, strategy) in rows.items():
        account = AccountFactory(owner=manager, code=code)
        # An older snapshot the list must not read
        SnapshotFactory(account=account, as_of=dt.date(2026, 9, 30), contribution_cents=1)
        SnapshotFactory(
            account=account, contribution_cents=cents, account_class=klass, strategy=strategy
        )
        ids[code] = account.pk
    ids["NEW"] = AccountFactory(owner=manager, code="NEW").pk
    return ids


def test_the_list_shows_the_latest_revenue_class_and_strategy(manager) -> None:
    # Given scored accounts and one not scored yet
    _scored(manager)

    # When the manager opens the list
    html = signed_in(manager).get(reverse("account_list")).text

    # Then the latest snapshot's revenue (compact, exact on hover), class and strategy show
    assert '<abbr class="amount" title="118,495,519.42">118.5 M</abbr>' in html
    assert '<span class="amount">999.99</span>' in html
    assert '<span class="badge class-A">A</span>' in html
    assert "Retention" in html and "Wait and see" in html
    assert 'id="list-legend"' in html


@pytest.mark.parametrize(
    ("sort", "order"),
    [
        ("-revenue", ["BIG", "MID", "LOW", "NEW"]),
        ("revenue", ["LOW", "MID", "BIG", "NEW"]),  # unscored last either way
        ("class", ["BIG", "MID", "LOW", "NEW"]),
        ("-class", ["LOW", "MID", "BIG", "NEW"]),
        ("strategy", ["MID", "BIG", "LOW", "NEW"]),  # promotion, retention, wait_and_see
    ],
)
def test_the_portfolio_columns_sort_on_the_server(manager, sort, order) -> None:
    # Given scored accounts and one not scored
    _scored(manager)

    # When the list is sorted by a portfolio column
    html = signed_in(manager).get(reverse("account_list"), {"sort": sort}).text

    # Then the rows come in that order, accounts without a figure last
    assert codes(html) == order


def test_a_manager_s_override_is_the_strategy_the_list_shows(manager) -> None:
    # Given a recommended promotion overridden by the manager with win-back
    from kam.portfolio.services.strategy import strategy_override_set

    ids = _scored(manager)
    from kam.accounts.models import Account

    mid = Account.objects.get(pk=ids["MID"])
    strategy_override_set(actor=manager, account=mid, strategy=Strategy.WIN_BACK, reason="r")

    # When the list is sorted by strategy
    html = signed_in(manager).get(reverse("account_list"), {"sort": "strategy"}).text

    # Then the override is shown and sorts where win-back sorts
    assert codes(html) == ["BIG", "LOW", "MID", "NEW"]
    assert "Win-back" in html


def test_sorting_by_revenue_pages_on_the_server(manager) -> None:
    # Given five scored accounts
    for index in range(5):
        SnapshotFactory(
            account=AccountFactory(owner=manager, code=f"R{index}"),
            contribution_cents=(index + 1) * 1_000_000,
        )
    client = signed_in(manager)

    # When the list sorted by revenue, largest first, is read two rows a page
    first = client.get(reverse("account_list"), {"sort": "-revenue", "per_page": 2}).text
    second = client.get(
        reverse("account_list"), {"sort": "-revenue", "per_page": 2, "page": 2}
    ).text

    # Then page 2 continues the order and its links keep the sort
    assert codes(first) == ["R4", "R3"]
    assert codes(second) == ["R2", "R1"]
    assert "sort=-revenue" in second.split('class="pager"')[1]


def test_the_key_column_sorts_key_accounts_first(manager) -> None:
    # Given a key account after an ordinary one by code
    AccountFactory(owner=manager, code="A1", is_key=False)
    AccountFactory(owner=manager, code="B1", is_key=True)

    # When the list is sorted by the key column, then key accounts come first
    html = signed_in(manager).get(reverse("account_list"), {"sort": "key"}).text
    assert codes(html) == ["B1", "A1"]


def test_an_unknown_sort_falls_back_to_the_code(manager) -> None:
    # Given accounts, when the sort names no column, then the list sorts by code, no 500
    AccountFactory(owner=manager, code="B2")
    AccountFactory(owner=manager, code="A2")
    response = signed_in(manager).get(reverse("account_list"), {"sort": "portfolio_class;--"})
    assert response.status_code == 200
    assert codes(response.text) == ["A2", "B2"]


def test_the_owner_column_sorts_by_the_names_it_shows(director) -> None:
    # Given owners whose logins sort the other way round from their names
    zed = UserFactory(username="aaa", first_name="Zed", last_name="Young", role=Role.MANAGER)
    amy = UserFactory(username="zzz", first_name="Amy", last_name="Adams", role=Role.MANAGER)
    AccountFactory(owner=zed, code="Z1")
    AccountFactory(owner=amy, code="A9")

    # When the list is sorted by owner, then Amy Adams's account comes first
    html = signed_in(director).get(reverse("account_list"), {"sort": "owner"}).text
    assert codes(html) == ["A9", "Z1"]
