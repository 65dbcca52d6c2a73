"""The demo company's buying centres (§7): believable, varied, and S0's group drifting."""

from __future__ import annotations

from collections import defaultdict

import numpy as np
import pytest
from django.db import transaction

from kam.accounts.models import Account, AccountStatus
from kam.analytics.relationship import ATTITUDES, GAP_KINDS, ROLES, People, score_people
from kam.core.dates import today
from kam.ops.demo import demo_load
from kam.relationships.models import Contact, InfluenceLink, RelationshipScore
from kam.relationships.reporting import cycles_in

pytestmark = [pytest.mark.django_db, pytest.mark.slow]  # builds the demo company

NAN = float("nan")


def _depth(contact: Contact, boss_of: dict[int, int | None]) -> int:
    depth, current = 1, boss_of[contact.pk]
    while current is not None:
        depth, current = depth + 1, boss_of[current]
    return depth


def _gaps(contacts: list[Contact]) -> dict[int, set[str]]:
    """Each account's gaps, from the pure §7 core."""
    accounts = sorted({c.account_id for c in contacts})
    departments = sorted({(c.account_id, c.department) for c in contacts})
    as_of = today()

    def rating(value: int | None) -> float:
        return NAN if value is None else float(value)

    people = People(
        account=np.array([accounts.index(c.account_id) for c in contacts]),
        department=np.array([departments.index((c.account_id, c.department)) for c in contacts]),
        role=np.array([ROLES.index(c.buying_role) if c.buying_role else -1 for c in contacts]),
        attitude=np.array([ATTITUDES.index(c.attitude) if c.attitude else -1 for c in contacts]),
        influence=np.array([rating(c.influence) for c in contacts]),
        closeness=np.array([rating(c.closeness) for c in contacts]),
        solution_approval=np.array([rating(c.solution_approval) for c in contacts]),
        price_acceptance=np.array([rating(c.price_acceptance) for c in contacts]),
        days_since_contact=np.array(
            [(as_of - c.last_contact).days if c.last_contact else NAN for c in contacts], float
        ),
        active=np.array([c.active for c in contacts]),
        days_since_left=np.array(
            [(as_of - c.left_on).days if c.left_on else NAN for c in contacts], float
        ),
    )
    scores = score_people(people, len(accounts), len(departments))
    return {
        account: {kind for kind, has in zip(GAP_KINDS, row, strict=True) if has}
        for account, row in zip(accounts, scores.account_gaps, strict=True)
    }


def test_every_large_customer_has_a_believable_buying_centre() -> None:
    with transaction.atomic():
        demo_load(seed=7, accounts=15, years=1)
        customers = list(Account.objects.filter(status=AccountStatus.CUSTOMER).order_by("pk"))
        contacts = list(Contact.objects.order_by("pk"))
        links = list(InfluenceLink.objects.all())
        series = {
            point.account_id: {gap["kind"] for gap in point.gaps}
            for point in RelationshipScore.objects.all()
        }
        drifting = {a.pk for a in customers if a.code == "G200" or a.parent_id == customers[4].pk}
        transaction.set_rollback(True)
    by_account: dict[int, list[Contact]] = defaultdict(list)
    for contact in contacts:
        by_account[contact.account_id].append(contact)
    boss_of = {c.pk: c.reports_to_id for c in contacts}

    assert customers[4].code == "G200"
    assert cycles_in(boss_of) == []
    assert len({c.phone for c in contacts}) == len(contacts)
    for account in customers:
        people = by_account[account.pk]
        depths = {_depth(c, boss_of) for c in people}
        assert 8 <= len(people) <= 25, account.code
        assert 2 <= max(depths) <= 4, account.code
        assert len({c.email for c in people}) == len(people)
        assert {c.department for c in people} >= {
            "General Management",
            "Purchasing",
            "Engineering",
            "Quality",
            "Production",
            "Finance",
        }
        makers = [c for c in people if c.buying_role == "decision_maker"]
        assert 1 <= len(makers) <= 3
        assert all(_depth(c, boss_of) <= 2 for c in makers)
        assert (
            any(c.buying_role == "gatekeeper" and c.department == "Purchasing" for c in people)
            or max(depths) == 2
        )
        assert {c.account_id for c in people if c.reports_to_id} <= {account.pk}
    assert {link.account_id for link in links} == {a.pk for a in customers}
    assert any(link.kind == "opposes" for link in links)
    assert any(c.wechat for c in contacts) and not all(c.wechat for c in contacts)

    gaps = _gaps(contacts)
    assert len(drifting) == 3
    for account in drifting:
        people = by_account[account]
        coach = [c for c in people if c.buying_role == "coach"]
        assert [(c.active, (today() - c.left_on).days <= 180) for c in coach] == [(False, True)]
        assert not [
            c for c in people if c.active and (c.buying_role == "coach" or c.attitude == "champion")
        ]
        assert {"sponsor_left", "no_coach"} <= gaps[account]
        assert series[account] == gaps[account]  # the series starts with the demo
    others = [gaps[a.pk] for a in customers if a.pk not in drifting]
    assert any("uncovered_decision_maker" in g for g in others)
    assert any("uncovered_decision_maker" not in g for g in others)
    assert any("high_influence_opponent" in g for g in others)
    assert len({frozenset(g) for g in others}) >= 3


def test_the_drifting_groups_sponsors_were_warmer_before() -> None:
    with transaction.atomic():
        demo_load(seed=7, accounts=15, years=1)
        sponsors = list(
            Contact.objects.filter(account__code="G200", department="General Management")
        )
        past = {
            sponsor.pk: [h.closeness for h in sponsor.history.order_by("history_date")]
            for sponsor in sponsors
        }
        transaction.set_rollback(True)

    cooled = [closeness for closeness in past.values() if len(closeness) == 2]
    assert cooled
    assert all(before > now for before, now in cooled)
