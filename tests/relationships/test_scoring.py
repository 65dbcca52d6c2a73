"""Contacts read into the pure core's arrays and back (kam.relationships.scoring, §7)."""

from __future__ import annotations

import datetime as dt

import pytest
from django.http import Http404

from kam.portfolio.selectors.settings import portfolio_settings
from kam.relationships.models import Attitude, BuyingRole
from kam.relationships.scoring import relationship_figures
from kam.relationships.selectors import relationship_map
from tests.factories import AccountFactory, ContactFactory, InfluenceLinkFactory

pytestmark = pytest.mark.django_db

AS_OF = dt.date(2026, 6, 30)


def _rated(account, **kwargs):
    """A contact rated 5 on every rating (person score 100), met on the as-of date."""
    values = {
        "closeness": 5,
        "solution_approval": 5,
        "price_acceptance": 5,
        "last_contact": AS_OF,
        **kwargs,
    }
    return ContactFactory(account=account, **values)


def test_departments_are_per_account_text_and_blank_is_its_own(manager) -> None:
    # Given two departments with one text, a blank one, and the same text at another account
    account = AccountFactory(owner=manager)
    _rated(account, department="Purchasing", closeness=5, influence=1)
    _rated(
        account,
        department="Purchasing",
        closeness=1,
        solution_approval=1,
        price_acceptance=1,
        influence=3,
    )
    _rated(account, department="", influence=2)
    _rated(AccountFactory(owner=manager), department="Purchasing", closeness=1)

    # When the map is read
    found = relationship_map(actor=manager, account_id=account.pk, as_of=AS_OF)

    # Then Purchasing is one department (weighted 1:3 → 25), blank comes last as ""
    assert [(d.department, d.score, d.people, d.scored) for d in found.departments] == [
        ("Purchasing", 25.0, 2, 2),
        ("", 100.0, 1, 1),
    ]


def test_days_since_contact_are_counted_against_as_of(manager) -> None:
    # Given a decision maker last met 90 days before the as-of date, another 91 days before
    account = AccountFactory(owner=manager)
    inside = _rated(
        account, buying_role=BuyingRole.DECISION_MAKER, last_contact=AS_OF - dt.timedelta(days=90)
    )
    outside = _rated(
        account, buying_role=BuyingRole.DECISION_MAKER, last_contact=AS_OF - dt.timedelta(days=91)
    )

    # When the map is read as of that date
    found = relationship_map(actor=manager, account_id=account.pk, as_of=AS_OF)

    # Then the 90-day one is in the window and covered, the 91-day one an uncovered gap
    people = {p.contact.pk: p for p in found.people}
    assert (people[inside.pk].in_window, people[inside.pk].covered) == (True, True)
    assert (people[outside.pk].in_window, people[outside.pk].covered) == (False, False)
    assert people[outside.pk].gaps == ("uncovered_decision_maker",)
    assert people[inside.pk].gaps == ("single_threaded",)
    assert found.coverage == 0.5
    uncovered = next(g for g in found.gaps if g.kind == "uncovered_decision_maker")
    assert [c.pk for c in uncovered.people] == [outside.pk]


def test_the_window_is_the_directors_setting(manager) -> None:
    # Given a window of 120 days and a decision maker met 100 days ago
    settings = portfolio_settings()
    settings.contact_window_days = 120
    settings.save()
    account = AccountFactory(owner=manager)
    _rated(
        account, buying_role=BuyingRole.DECISION_MAKER, last_contact=AS_OF - dt.timedelta(days=100)
    )

    # When the map is read
    found = relationship_map(actor=manager, account_id=account.pk, as_of=AS_OF)

    # Then they are covered
    assert found.coverage == 1.0


def test_a_sponsor_who_left_is_named_with_days_since_leaving(manager) -> None:
    # Given a coach who left 180 days ago and a champion who left 181 days ago
    account = AccountFactory(owner=manager)
    recent = _rated(
        account, buying_role=BuyingRole.COACH, active=False, left_on=AS_OF - dt.timedelta(days=180)
    )
    _rated(
        account, attitude=Attitude.CHAMPION, active=False, left_on=AS_OF - dt.timedelta(days=181)
    )
    _rated(account)

    # When the map is read
    found = relationship_map(actor=manager, account_id=account.pk, as_of=AS_OF)

    # Then only the recent one is a departed sponsor; departed people weigh nothing
    sponsor_left = next(g for g in found.gaps if g.kind == "sponsor_left")
    assert [c.pk for c in sponsor_left.people] == [recent.pk]
    assert {p.contact.pk: p.weight for p in found.people}[recent.pk] == 0.0
    assert found.overall_closeness == 100.0


def test_merged_contacts_are_left_out(manager) -> None:
    # Given a contact merged into another
    account = AccountFactory(owner=manager)
    kept = _rated(account)
    _rated(account, closeness=1, solution_approval=1, price_acceptance=1, merged_into=kept)

    # When the map and the figures are read
    found = relationship_map(actor=manager, account_id=account.pk, as_of=AS_OF)
    figures = relationship_figures([account.pk], as_of=AS_OF)[account.pk]

    # Then only the one kept counts
    assert [p.contact.pk for p in found.people] == [kept.pk]
    assert found.overall_closeness == figures.overall_closeness == 100.0
    assert figures.people == 1


def test_an_account_without_contacts_has_the_gap_no_contacts(manager) -> None:
    # Given an account nobody entered contacts for
    account = AccountFactory(owner=manager)

    # When its map and figures are read
    found = relationship_map(actor=manager, account_id=account.pk, as_of=AS_OF)
    figures = relationship_figures([account.pk], as_of=AS_OF)[account.pk]

    # Then there are no scores and one gap
    assert (found.overall_closeness, found.coverage, found.people) == (None, None, [])
    assert [(g.kind, g.people) for g in found.gaps] == [("no_contacts", ())]
    assert (figures.gap_count, figures.gaps, figures.departments) == (
        1,
        (("no_contacts", ()),),
        (),
    )


def test_figures_of_many_accounts_match_each_map(manager) -> None:
    # Given two accounts scored together
    first, second = AccountFactory(owner=manager), AccountFactory(owner=manager)
    _rated(first, closeness=3, buying_role=BuyingRole.COACH)
    _rated(second, closeness=1, influence=5, attitude=Attitude.OPPONENT)

    # When the figures of both are read at once
    figures = relationship_figures([second.pk, first.pk], as_of=AS_OF)

    # Then each equals the account's own map
    for account in (first, second):
        found = relationship_map(actor=manager, account_id=account.pk, as_of=AS_OF)
        assert figures[account.pk].overall_closeness == found.overall_closeness
        assert [kind for kind, _ in figures[account.pk].gaps] == [g.kind for g in found.gaps]
    assert dict(figures[second.pk].gaps)["high_influence_opponent"] == (found.people[0].contact.pk,)


def test_the_map_carries_links_and_series(manager) -> None:
    # Given an account with a link between two contacts
    account = AccountFactory(owner=manager)
    link = InfluenceLinkFactory(source=_rated(account), target=_rated(account))

    # When the map is read (as of today by default)
    found = relationship_map(actor=manager, account_id=account.pk)

    # Then the link is on it
    assert [item.pk for item in found.links] == [link.pk]
    assert found.series == []


def test_another_managers_account_is_not_found(manager, other_manager) -> None:
    # Given another manager's account with a contact
    account = AccountFactory(owner=other_manager)
    _rated(account)

    # When the manager asks for its map, then it does not exist for them
    with pytest.raises(Http404):
        relationship_map(actor=manager, account_id=account.pk)


def test_bosses_and_link_ends_are_read_without_more_queries(
    manager, django_assert_num_queries
) -> None:
    # Given a boss, a report and a link between them
    account = AccountFactory(owner=manager)
    boss = _rated(account, name="Boss")
    report = _rated(account, name="Report", reports_to=boss)
    InfluenceLinkFactory(source=report, target=boss)

    # When the map is read, then its people's bosses and its links' ends need no query
    found = relationship_map(actor=manager, account_id=account.pk, as_of=AS_OF)
    with django_assert_num_queries(0):
        bosses = [p.contact.reports_to.name for p in found.people if p.contact.reports_to_id]
        ends = [(link.source.name, link.target.name) for link in found.links]
    assert (bosses, ends) == (["Boss"], [("Report", "Boss")])
