"""The demo company's win-back (DOMAIN §10): about a year ago the managers started a win-back
plan for about half of the accounts at risk then, so the intervention report has a treated
and an untreated group over the same window.

Who was at risk then comes from the monthly risk history (`RiskMonth`, high or medium at the
month end a year ago) when the scoring run wrote it; without it, from the demo plan's
trajectories (the drifting and declining customers). S0's drifting group is left out: it is
the case the director finds now, its plan started from today's churn-risk alert. The treated
half is drawn at random from the other at-risk accounts, so the report measures what the
ledger shows rather than a result built in: the demo's revenue does not depend on the plans.

Each plan has its reasons, confirmed by the owner, with the records behind them (the
complaints and survey answers of the months before, the competitor's recorded move); an
intervention per reason plus more communication, owned and due, carried out by done
activities; and its outcome, read from the ledger six months on: revenue held at 90 % or more
of the six months before closes the plan (won back at 100 % or more, else stabilised); below,
the plan stays open. Runs after the history is scored; written through the ORM (a few dozen
plans), so their history rows are the ordinary ones.
"""

from __future__ import annotations

import datetime as dt
import random
from collections.abc import Mapping, Sequence
from typing import Any

from django.db.models import Sum
from django.urls import reverse
from django.utils import timezone

from kam.accounts.demo import S0_GROUP
from kam.accounts.models import Account, AccountStatus
from kam.core.months import last_month_end, month_add, month_end, month_index
from kam.engagement.activities.models import Activity, ActivityKind, ActivityStatus, Channel
from kam.engagement.competitors.models import CompetitorMove
from kam.engagement.complaints.models import Category, Complaint
from kam.engagement.surveys.models import SurveyResponse
from kam.ledger.demo import DemoAccount
from kam.ledger.models import MonthlyAggregate
from kam.org.models import User
from kam.risk.models import (
    Intervention,
    InterventionKind,
    InterventionStatus,
    PlanOutcome,
    PlanStatus,
    ReasonKind,
    ReasonStatus,
    RiskLevel,
    RiskMonth,
    WinBackPlan,
    WinBackReason,
)

PLAN_MONTHS_AGO = 12  # the plans started in the month a year before the last month end
AT_RISK_TRAJECTORIES = ("drifting", "declining")
TREATED_SHARE = 0.5
OUTCOME_MONTHS = 6
HELD = 0.9  # revenue after / before at which a plan is closed as stabilised
WON_BACK = 1.0


def demo_win_back(
    rng: random.Random,
    created: Sequence[Account],
    plan: Sequence[DemoAccount],
    users: Mapping[str, User],
    *,
    as_of: dt.date,
) -> list[WinBackPlan]:
    """The plans started about a year ago for half the accounts at risk then (§10); see the
    module docstring. The plans written, oldest first."""
    last = month_index(last_month_end(as_of))
    index = month_end(last - PLAN_MONTHS_AGO - 1)
    candidates = _at_risk(created, plan, index)
    rng.shuffle(candidates)
    treated = sorted(candidates[: round(len(candidates) * TREATED_SHARE)], key=lambda a: a.code)
    plans = []
    for account in treated:
        started_on = index + dt.timedelta(days=rng.randint(3, 26))
        plans.append(_plan(rng, account, users, started_on, as_of))
    return plans


def _at_risk(created: Sequence[Account], plan: Sequence[DemoAccount], index: dt.date) -> list[Any]:
    s0 = {a.pk for a in created if a.code == S0_GROUP}
    customers = {
        a.pk: a
        for a in created
        if a.status == AccountStatus.CUSTOMER and a.pk not in s0 and a.parent_id not in s0
    }
    scored = RiskMonth.objects.filter(month_end=index, account_id__in=customers)
    if scored.exists():
        ids = scored.filter(risk_level__in=[RiskLevel.HIGH, RiskLevel.MEDIUM]).values_list(
            "account_id", flat=True
        )
        return sorted((customers[pk] for pk in ids), key=lambda a: a.code)
    by_code = {a.code: a for a in customers.values()}
    return [
        by_code[item.code]
        for item in plan
        if item.trajectory in AT_RISK_TRAJECTORIES and item.code in by_code
    ]


def _moment(day: dt.date, hour: int = 10) -> dt.datetime:
    while day.weekday() >= 5:
        day -= dt.timedelta(days=1)
    return dt.datetime.combine(day, dt.time(hour), tzinfo=timezone.get_default_timezone())


def _revenue(account: Account, since: dt.date, until: dt.date) -> int:
    """Revenue of the months starting in [since, until)."""
    total = MonthlyAggregate.objects.filter(
        account=account, month__gte=since, month__lt=until
    ).aggregate(total=Sum("revenue_cents"))["total"]
    return int(total or 0)


def _evidence(account: Account, since: dt.date, until: dt.date) -> dict[str, Any]:
    complaints = list(
        Complaint.objects.filter(
            account=account, received_at__date__gt=since, received_at__date__lte=until
        )
        .order_by("received_at")
        .values_list("pk", "received_at", "subject", "category")
    )
    surveys = list(
        SurveyResponse.objects.filter(
            account=account,
            responded_on__gt=since - dt.timedelta(days=180),
            responded_on__lte=until,
            csat_service__isnull=False,
        )
        .order_by("responded_on")
        .values_list("pk", "responded_on", "csat_service")
    )
    moves = list(
        CompetitorMove.objects.filter(
            account=account,
            seen_on__gt=since - dt.timedelta(days=180),
            seen_on__lte=until,
        )
        .order_by("seen_on")
        .values_list("pk", "seen_on", "competitor", "offer")
    )
    return {"complaints": complaints, "surveys": surveys, "moves": moves}


def _service_reason(
    account: Account, found: dict[str, Any], since: dt.date
) -> dict[str, Any] | None:
    complaints = found["complaints"]
    surveys = found["surveys"]
    dropped = len(surveys) >= 2 and surveys[-1][2] < surveys[0][2]
    if not complaints and not dropped:
        return None
    evidence = [
        {
            "type": "complaint",
            "id": pk,
            "date": timezone.localdate(received).isoformat(),
            "label": subject,
            "url": reverse("complaint_detail", args=[pk]),
        }
        for pk, received, subject, _category in complaints[-6:]
    ]
    evidence += (
        [
            {
                "type": "survey",
                "id": pk,
                "date": day.isoformat(),
                "label": f"CSAT service {score}/5",
                "url": reverse("account_surveys", args=[account.pk]),
            }
            for pk, day, score in (surveys[0], surveys[-1])
        ]
        if dropped
        else []
    )
    service = sum(1 for row in complaints if row[3] == Category.SERVICE)
    figures: dict[str, Any] = {"complaints": len(complaints), "service_complaints": service}
    if dropped:
        figures |= {"csat_service_from": surveys[0][2], "csat_service_to": surveys[-1][2]}
    return {
        "kind": ReasonKind.SERVICE_QUALITY,
        "summary": f"{len(complaints)} complaints since {since.isoformat()}"
        + (f"; service CSAT {surveys[0][2]} → {surveys[-1][2]}" if dropped else ""),
        "evidence": evidence,
        "figures": figures,
    }


def _competitor_reason(found: dict[str, Any], account: Account) -> dict[str, Any] | None:
    moves = found["moves"]
    if not moves:
        return None
    return {
        "kind": ReasonKind.COMPETITOR_POLICY,
        "summary": f"{moves[-1][2]}: {moves[-1][3].replace('_', ' ')} seen {moves[-1][1]}",
        "evidence": [
            {
                "type": "competitor_move",
                "id": pk,
                "date": day.isoformat(),
                "label": f"{competitor}: {offer.replace('_', ' ')}",
                "url": reverse("account_competitor_moves", args=[account.pk]),
            }
            for pk, day, competitor, offer in moves
        ],
        "figures": {"moves": len(moves)},
    }


def _reasons(
    rng: random.Random, account: Account, started_on: dt.date, before: int
) -> list[dict[str, Any]]:
    """The reasons the records support, or the manager's own when none does."""
    since = started_on - dt.timedelta(days=183)
    found = _evidence(account, since, started_on)
    reasons = [
        r for r in (_service_reason(account, found, since), _competitor_reason(found, account)) if r
    ]
    if not reasons:
        # No record points anywhere: the manager's own judgement, from talking to the buyer.
        kind, summary = rng.choice(JUDGEMENTS)
        reasons.append(
            {
                "kind": kind,
                "summary": summary,
                "evidence": [],
                "figures": {"revenue_6_months_before_cents": before},
                "proposed": False,
            }
        )
    return reasons


# What a manager hears from the buyer when no complaint, survey or competitor move explains it.
JUDGEMENTS = (
    (ReasonKind.BUDGET, "The customer cut its maintenance budget for the year"),
    (ReasonKind.PRICE, "Purchasing finds our list prices above the market since the spring"),
    (ReasonKind.PRODUCT_FIT, "The new line needs higher-pressure pumps than the ones we offer"),
)
INTERVENTION_FOR = {
    ReasonKind.SERVICE_QUALITY: (
        InterventionKind.SERVICE_IMPROVEMENT,
        "Dedicated service engineer and a weekly review of the open cases",
    ),
    ReasonKind.COMPETITOR_POLICY: (
        InterventionKind.PREFERENTIAL_POLICY,
        "Volume rebate on pumps and spare parts for the next twelve months",
    ),
    ReasonKind.BUDGET: (
        InterventionKind.OTHER,
        "Spread the overhaul over two budget years with a service contract",
    ),
    ReasonKind.PRICE: (
        InterventionKind.PREFERENTIAL_POLICY,
        "Price review with purchasing: a framework price for the top twenty items",
    ),
    ReasonKind.PRODUCT_FIT: (
        InterventionKind.OTHER,
        "Application engineers size the PU-450 range for the new line",
    ),
}


def _activity(
    account: Account, owner: User, day: dt.date, subject: str, kind: str, as_of: dt.date
) -> Activity:
    done = day < as_of
    moment = _moment(day)
    return Activity.objects.create(
        account=account,
        kind=kind,
        channel=Channel.ON_SITE if kind == ActivityKind.VISIT else Channel.PHONE,
        status=ActivityStatus.DONE if done else ActivityStatus.PLANNED,
        planned_for=moment,
        done_at=moment if done else None,
        subject=subject,
        outcome="Agreed on the next steps of the win-back plan" if done else "",
        owner=owner,
    )


def _plan(
    rng: random.Random,
    account: Account,
    users: Mapping[str, User],
    started_on: dt.date,
    as_of: dt.date,
) -> WinBackPlan:
    owner = account.owner or users["director"]
    start_month = started_on.replace(day=1)
    before = _revenue(account, month_add(start_month, -OUTCOME_MONTHS), start_month)
    after = _revenue(account, start_month, month_add(start_month, OUTCOME_MONTHS))
    ratio = after / before if before > 0 else 0.0
    closes = ratio >= HELD
    plan = WinBackPlan.objects.create(
        account=account,
        owner=owner,
        started_on=started_on,
        started_by=owner,
        churn_probability_at_start=None,
        risk_level_at_start=RiskLevel.HIGH,
        goal="Bring the order volume back to last year's level within six months",
        status=PlanStatus.CLOSED if closes else PlanStatus.OPEN,
        outcome=(
            (PlanOutcome.WON_BACK if ratio >= WON_BACK else PlanOutcome.STABILISED)
            if closes
            else PlanOutcome.PENDING
        ),
        outcome_note=f"Revenue in the six months after the start: {ratio:.0%} of the six before",
        closed_on=month_add(start_month, OUTCOME_MONTHS) if closes else None,
    )
    decided = timezone.make_aware(
        dt.datetime.combine(started_on + dt.timedelta(days=3), dt.time(11))
    )
    due = started_on
    for spec in _reasons(rng, account, started_on, before):
        reason = WinBackReason.objects.create(
            plan=plan,
            kind=spec["kind"],
            status=ReasonStatus.CONFIRMED,
            proposed=spec.get("proposed", True),
            summary=spec["summary"][:500],
            evidence=spec["evidence"],
            figures=spec["figures"],
            decided_by=owner,
            decided_at=decided,
        )
        kind, description = INTERVENTION_FOR[spec["kind"]]
        due += dt.timedelta(days=rng.randint(20, 40))
        _intervention(plan, reason, kind, description, owner, due, as_of)
    visit_by = users.get("director", owner)
    due += dt.timedelta(days=rng.randint(15, 30))
    _intervention(
        plan,
        None,
        InterventionKind.EXECUTIVE_VISIT,
        "The sales director visits the general manager",
        visit_by,
        due,
        as_of,
    )
    _intervention(
        plan,
        None,
        InterventionKind.MORE_COMMUNICATION,
        "A call every two weeks with purchasing until the volumes are back",
        owner,
        started_on + dt.timedelta(days=14),
        as_of,
    )
    return plan


def _intervention(
    plan: WinBackPlan,
    reason: WinBackReason | None,
    kind: str,
    description: str,
    owner: User,
    due_on: dt.date,
    as_of: dt.date,
) -> Intervention:
    done = due_on < as_of
    intervention = Intervention.objects.create(
        plan=plan,
        kind=kind,
        description=description,
        reason=reason,
        owner=owner,
        due_on=due_on,
        status=InterventionStatus.DONE if done else InterventionStatus.PLANNED,
        done_on=due_on - dt.timedelta(days=2) if done else None,
    )
    activity_kind = (
        ActivityKind.VISIT if kind == InterventionKind.EXECUTIVE_VISIT else ActivityKind.CALL
    )
    day = due_on - dt.timedelta(days=2)
    intervention.activities.add(
        _activity(plan.account, owner, day, description[:200], activity_kind, as_of)
    )
    return intervention
