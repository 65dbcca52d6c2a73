"""Reads of trainings (DOMAIN §9, §13): everything starts from the accounts the reader
sees; another manager's training answers 404."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.apps import apps
from django.db.models import Avg, Count, QuerySet
from django.shortcuts import get_object_or_404

from kam.accounts.models import Account
from kam.accounts.selectors import accounts_visible_to
from kam.engagement.trainings.models import Training, TrainingTopic
from kam.org.models import User


@dataclass(frozen=True)
class TrainingFilters:
    account_id: int | None = None
    topic: str = ""
    date_from: dt.date | None = None
    date_to: dt.date | None = None


def trainings_visible_to(actor: User) -> QuerySet[Training]:
    return Training.objects.filter(account__in=accounts_visible_to(actor))


def _filtered(rows: QuerySet[Training], f: TrainingFilters) -> QuerySet[Training]:
    if f.account_id is not None:
        rows = rows.filter(account_id=f.account_id)
    if f.topic:
        rows = rows.filter(topic=f.topic)
    if f.date_from is not None:
        rows = rows.filter(held_on__gte=f.date_from)
    if f.date_to is not None:
        rows = rows.filter(held_on__lte=f.date_to)
    return rows


def training_list(*, actor: User, filters: TrainingFilters | None = None) -> QuerySet[Training]:
    """The sessions of the accounts the actor sees, latest first, with their attendees,
    filtered by account, topic and date range (inclusive)."""
    rows = _filtered(trainings_visible_to(actor), filters or TrainingFilters())
    return rows.select_related("account").prefetch_related("attendees").order_by("-held_on", "-id")


def trainings_of(account: Account) -> QuerySet[Training]:
    """One account's sessions, latest first (the caller has passed the account's gate)."""
    return (
        Training.objects.filter(account=account)
        .prefetch_related("attendees")
        .order_by("-held_on", "-id")
    )


def training_get(*, actor: User, training_id: int) -> Training:
    """Missing and not-visible raise the same Http404 (§13)."""
    return get_object_or_404(trainings_visible_to(actor).select_related("account"), pk=training_id)


@dataclass(frozen=True)
class TrainingCounts:
    total: int
    by_topic: dict[str, int]
    mean_feedback: Decimal | None


def training_counts(*, actor: User, filters: TrainingFilters | None = None) -> TrainingCounts:
    """How many sessions per topic and their mean feedback, in one query."""
    rows = _filtered(trainings_visible_to(actor), filters or TrainingFilters()).order_by()
    found: dict[str, Any] = {
        row["topic"]: row
        for row in rows.values("topic").annotate(
            n=Count("id"), scored=Count("feedback_score"), f=Avg("feedback_score")
        )
    }
    by_topic = {topic: int(found.get(topic, {}).get("n", 0)) for topic in TrainingTopic.values}
    scored = [(Decimal(row["f"]), row["scored"]) for row in found.values() if row["scored"]]
    mean = None
    if scored:
        # Each topic's mean weighted by its scored sessions: the mean of every score.
        total = sum((f * n for f, n in scored), Decimal(0))
        mean = (total / sum(n for _f, n in scored)).quantize(Decimal("0.01"))
    return TrainingCounts(sum(by_topic.values()), by_topic, mean)


def training_contacts(account: Account) -> list[tuple[int, str]]:
    """The account's present people as (id, name) for the attendee choices; contacts live in
    relationships, on the same layer, so they are read by model name."""
    contact = apps.get_model("relationships", "Contact")
    rows = contact.objects.filter(
        account_id=account.pk, active=True, merged_into__isnull=True
    ).order_by("name", "pk")
    return [(pk, name) for pk, name in rows.values_list("pk", "name")[:500]]
