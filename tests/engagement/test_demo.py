"""The demo company's engagement (§9): three years that tell S0's story, and enough
variation elsewhere for a churn model to learn from."""

from __future__ import annotations

import datetime as dt
from statistics import mean

import pytest
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from kam.accounts.models import Account
from kam.core.dates import today
from kam.core.months import last_month_end
from kam.engagement.activities.agenda import agenda
from kam.engagement.activities.models import VISIT_KINDS, Activity, ActivityStatus
from kam.engagement.competitors.models import CompetitorMove, CompetitorOffer
from kam.engagement.complaints.models import Category, Complaint, ComplaintEvent, Severity
from kam.engagement.surveys.models import SurveyInvitation, SurveyResponse
from kam.engagement.trainings.models import Training
from kam.ledger.demo import drift_start
from kam.ops.demo import demo_load
from kam.org.models import User
from kam.relationships.models import Contact

pytestmark = [pytest.mark.django_db, pytest.mark.slow]  # builds the demo company

YEARS = 2


def _visits_per_month(rows: list[dt.datetime], since: dt.date, until: dt.date) -> float:
    count = sum(1 for moment in rows if since <= timezone.localdate(moment) < until)
    return count / max((until - since).days / 30.4, 1)


def test_the_drifting_group_shows_its_story_before_its_revenue_falls() -> None:
    # Given the demo company over two years
    with transaction.atomic():
        demo_load(seed=7, accounts=40, years=YEARS)
        as_of = today()
        falls = drift_start(last_month_end(as_of).replace(day=1), YEARS)
        group = set(
            Account.objects.filter(Q(code="G200") | Q(parent__code="G200")).values_list(
                "pk", flat=True
            )
        )
        complaints = list(Complaint.objects.all())
        events = ComplaintEvent.objects.count()
        visits = [
            (account, moment)
            for account, moment in Activity.objects.filter(
                status=ActivityStatus.DONE, kind__in=VISIT_KINDS
            ).values_list("account_id", "done_at")
            if moment is not None
        ]
        responses = list(SurveyResponse.objects.order_by("responded_on"))
        moves = list(CompetitorMove.objects.all())
        their_agenda = agenda(User.objects.get(username="manager"), today=as_of)
        trainings = Training.objects.filter(attendees__isnull=False).distinct().count()
        answered = SurveyInvitation.objects.filter(response__isnull=False).count()
        met = set(
            Activity.their_participants.through.objects.filter(
                activity__status=ActivityStatus.DONE
            ).values_list("contact_id", flat=True)
        )
        never_behind = Contact.objects.filter(pk__in=met, last_contact__isnull=True).count()
        transaction.set_rollback(True)
    others = {c.account_id for c in complaints} - group
    per_group = [c for c in complaints if c.account_id in group]
    per_other = [c for c in complaints if c.account_id in others]

    # Then the group complains more about service than the other accounts, each
    service = [c for c in per_group if c.category == Category.SERVICE]
    other_service = [c for c in per_other if c.category == Category.SERVICE]
    assert len(service) / len(group) > 2 * len(other_service) / max(len(others), 1)

    # and waits longer for its service complaints to be resolved (the share of the SLA's
    # resolve time used, severities differing)
    def used(rows: list[Complaint]) -> float:
        return mean(
            (c.resolved_at - c.received_at) / (c.resolve_due_at - c.received_at)
            for c in rows
            if c.resolved_at
        )

    late = [c for c in service if c.received_at.date() >= falls - dt.timedelta(days=150)]
    assert used(late) > 1.5 * used(per_other)

    # and rates service lower in its last survey than in its first
    scored = [
        (r.responded_on, r.csat_service)
        for r in responses
        if r.account_id in group and r.csat_service is not None
    ]
    first_month = scored[0][0].replace(day=1)
    last = scored[-1][0]
    at_first = mean(score for day, score in scored if day.replace(day=1) == first_month)
    at_last = mean(score for day, score in scored if (last - day).days < 60)
    assert at_first > at_last + 0.8

    # and is visited less in the last six months than before the signals began
    group_visits = [moment for account, moment in visits if account in group]
    start = min(moment for _account, moment in visits).date()
    before = _visits_per_month(group_visits, start, falls - dt.timedelta(days=150))
    recent = _visits_per_month(group_visits, as_of - dt.timedelta(days=182), as_of)
    assert recent < 0.7 * before

    # and a competitor's price cut was recorded months before its revenue fell
    cuts = [m for m in moves if m.account_id in group and m.offer == CompetitorOffer.PRICE_CUT]
    assert cuts and all(m.seen_on <= falls - dt.timedelta(days=90) for m in cuts)
    assert any(m.account_id not in group for m in moves)

    # And across the company: every severity, most complaints inside the SLA, some open,
    # a log for each, escalations to the conflict-resolution team
    assert {c.severity for c in complaints} == set(Severity.values)
    inside = [
        c
        for c in complaints
        if c.acknowledged_at
        and c.acknowledged_at <= c.acknowledge_due_at
        and (c.resolved_at is None or c.resolved_at <= c.resolve_due_at)
    ]
    assert len(inside) > 0.75 * len(complaints)
    assert len(inside) < len(complaints)  # a few breaches
    assert any(c.escalated_to_id for c in complaints)
    assert all(c.department_id for c in complaints)
    assert events >= 3 * len(complaints)

    # and the manager's agenda has something due, some of it overdue
    assert their_agenda.items
    assert any(item.days_overdue > 0 for item in their_agenda.items)

    # and trainings with attendees, survey answers through the public form, and the
    # people met have a last contact
    assert trainings > 0
    assert answered > 0
    assert met and never_behind == 0
