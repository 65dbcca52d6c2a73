"""Reads of satisfaction surveys (DOMAIN §9, §13): everything starts from the accounts the
reader sees; another user's response answers 404."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

import numpy as np
from django.apps import apps
from django.db.models import QuerySet
from django.shortcuts import get_object_or_404

from kam.accounts.models import Account
from kam.accounts.selectors import accounts_visible_to
from kam.analytics.satisfaction import DIMENSIONS, survey_means
from kam.engagement.surveys.alerting import SCORE_COLUMNS, survey_key, survey_month
from kam.engagement.surveys.models import SurveyInvitation, SurveyPlan, SurveyResponse
from kam.org.models import User


@dataclass(frozen=True)
class ResponseFilters:
    account_id: int | None = None
    plan_id: int | None = None
    date_from: dt.date | None = None
    date_to: dt.date | None = None


def survey_responses_visible_to(actor: User) -> QuerySet[SurveyResponse]:
    return SurveyResponse.objects.filter(account__in=accounts_visible_to(actor))


def survey_response_list(
    *, actor: User, filters: ResponseFilters | None = None
) -> QuerySet[SurveyResponse]:
    """Responses the actor sees, newest first, filtered by account, plan and date range."""
    f = filters or ResponseFilters()
    rows = survey_responses_visible_to(actor)
    if f.account_id is not None:
        rows = rows.filter(account_id=f.account_id)
    if f.plan_id is not None:
        rows = rows.filter(plan_id=f.plan_id)
    if f.date_from is not None:
        rows = rows.filter(responded_on__gte=f.date_from)
    if f.date_to is not None:
        rows = rows.filter(responded_on__lte=f.date_to)
    return rows.select_related("account", "contact").order_by("-responded_on", "-id")


def survey_response_get(*, actor: User, response_id: int) -> SurveyResponse:
    """Missing and not-visible raise the same Http404 (§13)."""
    return get_object_or_404(
        survey_responses_visible_to(actor).select_related("account"), pk=response_id
    )


def survey_plans_visible_to(actor: User) -> QuerySet[SurveyPlan]:
    return SurveyPlan.objects.filter(account__in=accounts_visible_to(actor))


def survey_plan_list(*, actor: User, account_id: int | None = None) -> QuerySet[SurveyPlan]:
    rows = survey_plans_visible_to(actor).prefetch_related("contacts")
    if account_id is not None:
        rows = rows.filter(account_id=account_id)
    return rows.order_by("account_id", "next_due_on", "id")


def survey_plan_get(*, actor: User, plan_id: int) -> SurveyPlan:
    return get_object_or_404(survey_plans_visible_to(actor).select_related("account"), pk=plan_id)


def survey_invitations_of(account: Account) -> QuerySet[SurveyInvitation]:
    """An account's links, newest first (the caller has passed the account's gate)."""
    return (
        SurveyInvitation.objects.filter(account=account)
        .select_related("contact", "response")
        .order_by("-created_at", "-id")
    )


def survey_invitation_get(*, actor: User, invitation_id: int) -> SurveyInvitation:
    return get_object_or_404(
        SurveyInvitation.objects.filter(account__in=accounts_visible_to(actor)).select_related(
            "account"
        ),
        pk=invitation_id,
    )


@dataclass(frozen=True)
class Trend:
    """An account's surveys in order: each month's means per dimension (None: not scored)."""

    months: list[str]
    responses: list[int]
    series: dict[str, list[float | None]]  # dimension → one value per month


def _trend(values: list[tuple[Any, ...]]) -> Trend:
    """Rows of (responded_on, *scores) as one series of surveys."""
    keys = np.array([survey_key(row[0]) for row in values], dtype=np.int64)
    scores = np.array(
        [[np.nan if v is None else float(v) for v in row[1:]] for row in values], dtype=np.float64
    ).reshape(len(values), len(DIMENSIONS))
    surveys = survey_means(np.zeros(len(values), dtype=np.int64), keys, scores)
    series = {
        name: [None if np.isnan(v) else round(float(v), 2) for v in surveys.means[:, column]]
        for column, name in enumerate(DIMENSIONS)
    }
    return Trend([survey_month(int(k)) for k in surveys.survey], surveys.responses.tolist(), series)


def survey_trend(*, account: Account) -> Trend:
    """The account's CSAT means (1–5) and NPS (−100 … 100) per survey (§9)."""
    rows = SurveyResponse.objects.filter(account=account).order_by()
    return _trend(list(rows.values_list("responded_on", *SCORE_COLUMNS)))


def portfolio_nps(*, actor: User) -> Trend:
    """Every response the actor sees as one survey per month: the portfolio's NPS by month."""
    rows = survey_responses_visible_to(actor).filter(nps__isnull=False).order_by()
    return _trend(list(rows.values_list("responded_on", *SCORE_COLUMNS)))


def survey_contacts(account: Account) -> list[tuple[int, str]]:
    """The account's present people as (id, name) for the respondent menus; contacts live in
    relationships, on the same layer, so they are read by model name."""
    contact = apps.get_model("relationships", "Contact")
    rows = contact.objects.filter(account_id=account.pk, active=True).order_by("name", "pk")
    return [(pk, name) for pk, name in rows.values_list("pk", "name")[:500]]
