"""Competitor moves (§9): a record per account of a competitor's offer, the evidence the
risk models cite; at a key account it raises the competitor move alert (docs/rules.md
"Competitor moves")."""

from __future__ import annotations

import datetime as dt

import pytest
from django.http import Http404

from kam.alerts.models import Alert
from kam.core.errors import InvalidInput, PermissionDenied
from kam.engagement.competitors.alerts import KIND_COMPETITOR_MOVE
from kam.engagement.competitors.models import CompetitorMove
from kam.engagement.competitors.selectors import (
    MoveFilters,
    competitor_move_get,
    competitor_move_list,
    competitor_summary,
)
from kam.engagement.competitors.services import (
    competitor_move_create,
    competitor_move_delete,
    competitor_move_update,
)
from tests.factories import AccountFactory, CompetitorMoveFactory, SnapshotFactory, UserFactory

pytestmark = pytest.mark.django_db

VALUES = {
    "competitor": "Rival Pumps",
    "offer": "price_cut",
    "products": "centrifugal pumps",
    "seen_on": dt.date(2026, 11, 3),
    "source": "customer",
    "source_detail": "The buyer showed us their quotation",
}


def _alerts(account) -> list[Alert]:
    return list(Alert.objects.filter(account=account, kind=KIND_COMPETITOR_MOVE))


def test_a_move_is_recorded_as_seen_by_its_author(manager) -> None:
    account = AccountFactory(owner=manager)

    move = competitor_move_create(actor=manager, account=account, values=VALUES)

    move.refresh_from_db()
    assert (move.seen_by, move.created_by, move.products) == (manager, manager, "centrifugal pumps")
    assert move.history.first().history_user == manager


def test_at_an_ordinary_account_no_alert_is_raised(manager) -> None:
    account = AccountFactory(owner=manager, is_key=False)
    competitor_move_create(actor=manager, account=account, values=VALUES)
    assert _alerts(account) == []


def test_at_a_key_account_a_warning_names_competitor_offer_and_products(manager) -> None:
    account = AccountFactory(owner=manager, is_key=True)
    SnapshotFactory(account=account, account_class="B")

    competitor_move_create(actor=manager, account=account, values=VALUES)

    (alert,) = _alerts(account)
    assert alert.severity == "warning"
    assert "Rival Pumps offers a price cut on centrifugal pumps." in alert.message
    assert alert.data["competitor"] == "Rival Pumps"


def test_a_price_cut_at_a_class_a_key_account_is_critical(manager) -> None:
    account = AccountFactory(owner=manager, is_key=True)
    SnapshotFactory(account=account, account_class="D", as_of=dt.date(2026, 9, 30))
    SnapshotFactory(account=account, account_class="A", as_of=dt.date(2026, 10, 31))

    competitor_move_create(actor=manager, account=account, values=VALUES)

    (alert,) = _alerts(account)
    assert alert.severity == "critical"
    assert alert.cause == {"rule": "price_cut_class_a"}


def test_payment_terms_at_class_a_stay_a_warning(manager) -> None:
    account = AccountFactory(owner=manager, is_key=True)
    SnapshotFactory(account=account, account_class="A")

    competitor_move_create(
        actor=manager, account=account, values={**VALUES, "offer": "payment_terms"}
    )

    assert [alert.severity for alert in _alerts(account)] == ["warning"]


def test_a_later_move_renames_the_open_alert_but_keeps_it_critical(manager) -> None:
    account = AccountFactory(owner=manager, is_key=True)
    SnapshotFactory(account=account, account_class="A")
    competitor_move_create(actor=manager, account=account, values=VALUES)

    competitor_move_create(
        actor=manager,
        account=account,
        values={**VALUES, "competitor": "Other Co", "offer": "bundled_service", "products": ""},
    )

    (alert,) = _alerts(account)
    assert alert.severity == "critical"
    assert alert.message.startswith("Other Co offers a bundled service on no product named.")


def test_the_alert_is_cleared_by_hand_only(manager) -> None:
    from kam.alerts.registry import Clears, kind_get

    assert kind_get(KIND_COMPETITOR_MOVE).clears is Clears.BY_HAND


def test_a_correction_raises_no_new_alert(manager) -> None:
    account = AccountFactory(owner=manager, is_key=True)
    move = CompetitorMoveFactory(account=account)

    competitor_move_update(actor=manager, move=move, values={"products": "valves"})

    assert _alerts(account) == []
    move.refresh_from_db()
    assert move.products == "valves"


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("competitor", ""),
        ("competitor", "=HYPERLINK(1)"),
        ("offer", "free lunch"),
        ("source", "rumour"),
        ("seen_on", dt.date(3000, 1, 1)),
        ("products", "x" * 501),
    ],
)
def test_a_bad_value_is_refused_naming_its_field(manager, field, value) -> None:
    account = AccountFactory(owner=manager, is_key=True)

    with pytest.raises(InvalidInput) as refused:
        competitor_move_create(actor=manager, account=account, values={**VALUES, field: value})

    assert field in {error.field for error in refused.value.errors}
    assert not CompetitorMove.objects.exists()
    assert _alerts(account) == []


def test_an_inactive_witness_is_refused(manager) -> None:
    gone = UserFactory(is_active=False)
    with pytest.raises(InvalidInput) as refused:
        competitor_move_create(
            actor=manager,
            account=AccountFactory(owner=manager),
            values={**VALUES, "seen_by_id": gone.pk},
        )
    assert refused.value.errors[0].field == "seen_by_id"


def test_another_managers_account_is_not_written(manager, other_manager) -> None:
    with pytest.raises(PermissionDenied):
        competitor_move_create(
            actor=manager, account=AccountFactory(owner=other_manager), values=VALUES
        )


def test_a_deleted_move_leaves_its_alert_for_a_person(manager) -> None:
    account = AccountFactory(owner=manager, is_key=True)
    move = competitor_move_create(actor=manager, account=account, values=VALUES)

    competitor_move_delete(actor=manager, move=move)

    assert not CompetitorMove.objects.exists()
    assert [alert.is_open for alert in _alerts(account)] == [True]


def test_the_list_filters_by_competitor_offer_and_dates(manager, other_manager) -> None:
    account = AccountFactory(owner=manager)
    cut = CompetitorMoveFactory(account=account, competitor="Rival", seen_on=dt.date(2026, 5, 1))
    terms = CompetitorMoveFactory(
        account=account, competitor="Rival", offer="payment_terms", seen_on=dt.date(2026, 8, 1)
    )
    CompetitorMoveFactory(account=AccountFactory(owner=other_manager), competitor="Rival")

    assert list(competitor_move_list(actor=manager, filters=MoveFilters(competitor="rival"))) == [
        terms,
        cut,
    ]
    assert list(competitor_move_list(actor=manager, filters=MoveFilters(offer="price_cut"))) == [
        cut
    ]
    after = MoveFilters(date_from=dt.date(2026, 6, 1))
    assert list(competitor_move_list(actor=manager, filters=after)) == [terms]


def test_the_summary_says_who_offers_what_where(manager, other_manager) -> None:
    one, two = AccountFactory(owner=manager), AccountFactory(owner=manager)
    CompetitorMoveFactory(account=one, competitor="Rival", seen_on=dt.date(2026, 5, 1))
    CompetitorMoveFactory(account=two, competitor="Rival", seen_on=dt.date(2026, 7, 1))
    CompetitorMoveFactory(account=two, competitor="Rival", offer="payment_terms")
    CompetitorMoveFactory(account=one, competitor="Small Co", offer="bundled_service")
    CompetitorMoveFactory(account=AccountFactory(owner=other_manager), competitor="Hidden")

    rival, small = competitor_summary(actor=manager)

    assert (rival.competitor, rival.moves, rival.accounts) == ("Rival", 3, 2)
    assert rival.offers == {"price_cut": 2, "payment_terms": 1}
    assert (small.competitor, small.offers) == ("Small Co", {"bundled_service": 1})


def test_another_managers_move_answers_404(manager, other_manager) -> None:
    theirs = CompetitorMoveFactory(account=AccountFactory(owner=other_manager))
    with pytest.raises(Http404):
        competitor_move_get(actor=manager, move_id=theirs.pk)
