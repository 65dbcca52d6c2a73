"""The reasons proposed from the records (DOMAIN §10): the last six months against the six
before, each with the records behind it and the figures that moved."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.utils import timezone

from kam.org.models import User
from kam.relationships.models import RelationshipScore, ScoreReason
from kam.risk.models import ReasonKind
from kam.risk.winback.evidence import months_back, propose_reasons, windows_until
from tests.factories import (
    AccountFactory,
    CompetitorMoveFactory,
    ComplaintFactory,
    ContactFactory,
    SurveyResponseFactory,
)

pytestmark = pytest.mark.django_db
UNTIL = dt.date(2026, 10, 31)


def _received(day: dt.date) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time(10)))


def _kinds(actor: User, account: Any) -> dict[str, Any]:
    return {p.kind: p for p in propose_reasons(actor=actor, account=account, until=UNTIL)}


def test_the_windows_are_six_months_each_ending_on_the_day() -> None:
    windows = windows_until(dt.date(2026, 8, 31))

    assert (windows.before_from, windows.recent_from) == (
        dt.date(2025, 8, 28),
        dt.date(2026, 2, 28),
    )
    assert months_back(dt.date(2026, 10, 31), 6) == dt.date(2026, 4, 30)


def test_service_complaints_up_propose_a_service_quality_decline(manager: User) -> None:
    account = AccountFactory(owner=manager)
    ComplaintFactory(account=account, received_at=_received(dt.date(2026, 2, 1)))
    for day in (dt.date(2026, 6, 1), dt.date(2026, 9, 1), dt.date(2026, 10, 30)):
        ComplaintFactory(account=account, category="delivery", received_at=_received(day))
    ComplaintFactory(account=account, received_at=_received(dt.date(2026, 11, 2)))  # after

    proposal = _kinds(manager, account)[ReasonKind.SERVICE_QUALITY]

    assert proposal.figures["complaints"] == {"from": 1, "to": 3}
    assert [e["date"] for e in proposal.evidence] == ["2026-10-30", "2026-09-01", "2026-06-01"]
    assert {e["type"] for e in proposal.evidence} == {"complaint"}
    assert proposal.evidence[0]["url"].startswith("/engagement/complaints/")
    assert "from 1 to 3" in proposal.summary


def test_as_many_complaints_as_before_propose_nothing(manager: User) -> None:
    account = AccountFactory(owner=manager)
    ComplaintFactory(account=account, received_at=_received(dt.date(2026, 1, 10)))
    ComplaintFactory(account=account, received_at=_received(dt.date(2026, 7, 10)))

    assert _kinds(manager, account) == {}


def test_service_csat_down_is_cited_with_its_survey_responses(manager: User) -> None:
    account = AccountFactory(owner=manager)
    SurveyResponseFactory(account=account, responded_on=dt.date(2026, 1, 15), csat_service=5)
    SurveyResponseFactory(account=account, responded_on=dt.date(2026, 9, 15), csat_service=3)

    proposal = _kinds(manager, account)[ReasonKind.SERVICE_QUALITY]

    assert proposal.figures["csat_service"] == {"from": 5.0, "to": 3.0}
    assert [e["type"] for e in proposal.evidence] == ["survey_response"]


def test_a_competitor_price_cut_proposes_the_competitor_policy_and_price(
    manager: User,
) -> None:
    account = AccountFactory(owner=manager)
    CompetitorMoveFactory(account=account, competitor="Rival", seen_on=dt.date(2026, 9, 1))
    CompetitorMoveFactory(
        account=account, competitor="Other", offer="payment_terms", seen_on=dt.date(2026, 8, 1)
    )

    found = _kinds(manager, account)

    assert found[ReasonKind.COMPETITOR_POLICY].figures["competitor_moves"] == {"from": 0, "to": 2}
    assert found[ReasonKind.PRICE].figures["price_cuts"] == {"from": 0, "to": 1}
    assert [e["label"] for e in found[ReasonKind.PRICE].evidence] == ["Rival: Price cut"]


def test_a_decision_maker_who_left_and_closeness_down_propose_a_relationship_change(
    manager: User,
) -> None:
    account = AccountFactory(owner=manager)
    ContactFactory(
        account=account,
        name="Wang Li",
        buying_role="decision_maker",
        active=False,
        left_on=dt.date(2026, 8, 20),
    )
    ContactFactory(account=account, name="Stays", buying_role="user", left_on=dt.date(2026, 8, 1))
    for day, value in ((dt.date(2026, 3, 31), 72.0), (dt.date(2026, 10, 1), 41.0)):
        RelationshipScore.objects.create(
            account=account,
            recorded_at=_received(day),
            as_of=day,
            overall_closeness=value,
            reason=ScoreReason.SWEEP,
        )

    proposal = _kinds(manager, account)[ReasonKind.RELATIONSHIP_CHANGE]

    assert proposal.figures == {
        "key_people_left": {"from": 0, "to": 1},
        "closeness": {"from": 72.0, "to": 41.0},
    }
    assert [e["type"] for e in proposal.evidence] == ["contact", "relationship_score"]
    assert "Wang Li" in proposal.summary
    assert proposal.evidence[0]["label"] == "Wang Li left (Decision maker)"


def test_a_champion_who_left_is_named_as_the_champion_whatever_their_role(
    manager: User,
) -> None:
    account = AccountFactory(owner=manager)
    ContactFactory(
        account=account,
        name="Zhao Min",
        buying_role="influencer",
        attitude="champion",
        active=False,
        left_on=dt.date(2026, 9, 2),
    )

    proposal = _kinds(manager, account)[ReasonKind.RELATIONSHIP_CHANGE]

    assert [e["label"] for e in proposal.evidence] == ["Zhao Min left (Champion)"]


def test_product_quality_complaints_propose_product_fit_never_budget(manager: User) -> None:
    account = AccountFactory(owner=manager)
    ComplaintFactory(
        account=account, category="product_quality", received_at=_received(dt.date(2026, 10, 1))
    )

    found = _kinds(manager, account)

    assert found[ReasonKind.PRODUCT_FIT].figures["product_complaints"] == {"from": 0, "to": 1}
    # Still open past its due times, it is an SLA breach too: service quality, not budget.
    assert set(found) == {ReasonKind.PRODUCT_FIT, ReasonKind.SERVICE_QUALITY}
    assert found[ReasonKind.SERVICE_QUALITY].figures["sla_breaches"] == {"from": 0, "to": 1}


def test_price_complaints_up_and_price_csat_down_are_one_price_reason(manager: User) -> None:
    account = AccountFactory(owner=manager)
    ComplaintFactory(
        account=account, category="price_billing", received_at=_received(dt.date(2026, 9, 3))
    )
    SurveyResponseFactory(account=account, responded_on=dt.date(2026, 2, 1), csat_price=4)
    SurveyResponseFactory(account=account, responded_on=dt.date(2026, 8, 1), csat_price=2)

    proposal = _kinds(manager, account)[ReasonKind.PRICE]

    assert proposal.figures["price_complaints"] == {"from": 0, "to": 1}
    assert proposal.figures["csat_price"] == {"from": 4.0, "to": 2.0}
    assert proposal.figures["price_cuts"] == {"from": 0, "to": 0}
    assert [e["type"] for e in proposal.evidence] == ["complaint", "survey_response"]
    assert proposal.summary == (
        "Price and billing complaints rose from 0 to 1; price CSAT fell from 4.0 to 2.0."
    )
