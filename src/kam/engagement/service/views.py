"""The account's service page (DOMAIN §9, part 7): one story of how the account is served:
open complaints with their SLA clocks, the CSAT/NPS trend, trainings and competitor moves."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import render

from kam.accounts.selectors import account_get
from kam.engagement.competitors.views import moves_context
from kam.engagement.complaints.selectors import open_complaints_of
from kam.engagement.service.navigation import SERVICE
from kam.engagement.surveys.presenters import latest_scores, trend_chart
from kam.engagement.surveys.selectors import survey_trend
from kam.engagement.trainings.selectors import TrainingFilters, training_counts
from kam.engagement.trainings.views import trainings_context
from kam.org.http import AuthedRequest


@login_required
def account_service_view(request: AuthedRequest, account_id: int) -> HttpResponse:
    """Everything about serving one account on one page, each part with its next step."""
    account = account_get(actor=request.user, account_id=account_id)
    trend = survey_trend(account=account)
    return render(
        request,
        "engagement/service/account_service.html",
        {
            "section": "accounts",
            "account": account,
            "rows": open_complaints_of(actor=request.user, account_id=account.pk),
            "chart": trend_chart(trend),
            "has_surveys": bool(trend.months),
            "tiles": latest_scores(trend),
            "training_counts": training_counts(
                actor=request.user, filters=TrainingFilters(account_id=account.pk)
            ),
            **trainings_context(account, back=SERVICE),
            **moves_context(request.user, account, back=SERVICE),
        },
    )
