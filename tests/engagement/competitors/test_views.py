"""Competitor move pages (§9): the account's panel, recording, editing, and the portfolio
list a director reads."""

from __future__ import annotations

import pytest

from kam.engagement.competitors.models import CompetitorMove
from tests.conftest import signed_in
from tests.factories import AccountFactory, CompetitorMoveFactory

pytestmark = pytest.mark.django_db


def test_a_manager_records_a_move_and_sees_the_alert_on_the_panel(manager) -> None:
    account = AccountFactory(owner=manager, is_key=True)
    client = signed_in(manager)

    answer = client.post(
        f"/accounts/{account.pk}/competitor-moves/add/",
        {
            "move-competitor": "Rival Pumps",
            "move-offer": "price_cut",
            "move-products": "valves",
            "move-seen_on": "2026-11-01",
            "move-source": "field",
        },
    )
    panel = client.get(f"/accounts/{account.pk}/competitor-moves/").content.decode()

    assert answer["Location"] == f"/accounts/{account.pk}/#competitors"
    assert CompetitorMove.objects.get().seen_by == manager
    assert "Rival Pumps offers a price cut on valves." in panel


def test_a_missing_competitor_is_named_in_the_message(manager) -> None:
    account = AccountFactory(owner=manager)
    answer = signed_in(manager).post(
        f"/accounts/{account.pk}/competitor-moves/add/",
        {"move-offer": "price_cut", "move-seen_on": "2026-11-01", "move-source": "field"},
        follow=True,
    )
    assert "Competitor:" in answer.content.decode()
    assert not CompetitorMove.objects.exists()


def test_the_edit_page_changes_a_move(manager) -> None:
    move = CompetitorMoveFactory(account=AccountFactory(owner=manager))
    answer = signed_in(manager).post(
        f"/engagement/competitor-moves/{move.pk}/edit/?back=service",
        {
            "back": "service",
            "competitor": "Renamed Co",
            "offer": "other",
            "seen_on": "2026-10-01",
            "source": "press",
        },
    )
    assert answer["Location"] == f"/accounts/{move.account_id}/service/#competitors"
    move.refresh_from_db()
    assert (move.competitor, move.offer) == ("Renamed Co", "other")


def test_the_portfolio_list_says_who_offers_what_where(director, manager, other_manager) -> None:
    CompetitorMoveFactory(
        account=AccountFactory(owner=manager, code="MIA-1"), competitor="Rival", products="pumps"
    )
    CompetitorMoveFactory(
        account=AccountFactory(owner=other_manager, code="OTTO-1"), competitor="Rival"
    )
    CompetitorMoveFactory(account=AccountFactory(owner=other_manager), competitor="Small Co")

    everything = signed_in(director).get("/engagement/competitor-moves/").content.decode()
    rival = signed_in(director).get("/engagement/competitor-moves/?competitor=rival")
    mine = signed_in(manager).get("/engagement/competitor-moves/").content.decode()

    assert "Who offers what" in everything and "Small Co" in everything
    assert "MIA-1" in rival.content.decode()
    assert "<strong>Small Co</strong>" not in rival.content.decode()
    assert "MIA-1" in mine and "OTTO-1" not in mine


def test_the_empty_list_says_where_to_record_one(manager) -> None:
    text = signed_in(manager).get("/engagement/competitor-moves/").content.decode()
    assert "No competitor move recorded yet" in text


def test_another_managers_move_pages_answer_404(manager, other_manager) -> None:
    move = CompetitorMoveFactory(account=AccountFactory(owner=other_manager))
    client = signed_in(manager)
    assert client.get(f"/accounts/{move.account_id}/competitor-moves/").status_code == 404
    assert client.get(f"/engagement/competitor-moves/{move.pk}/edit/").status_code == 404
    assert client.post(f"/engagement/competitor-moves/{move.pk}/delete/").status_code == 404
    assert CompetitorMove.objects.filter(pk=move.pk).exists()
