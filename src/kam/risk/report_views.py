"""The intervention report page (DOMAIN §10): thin; the figures come from `kam.risk.report`,
the statements and chart data from `kam.risk.report_presenters`."""

from __future__ import annotations

from django import forms
from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from kam.analytics.intervention import MIN_GROUP
from kam.core.validators import validate_in_calendar
from kam.org.http import AuthedRequest
from kam.risk.report import (
    PERIOD_MONTHS,
    PLANS_FROM_MONTHS,
    PLANS_UNTIL_MONTHS,
    intervention_report,
)
from kam.risk.report_presenters import CHURN, CSAT, outcome_panel


class ReportForm(forms.Form):
    as_of = forms.DateField(
        label=_("As of"),
        required=False,
        validators=[validate_in_calendar],
        widget=forms.DateInput(attrs={"type": "date"}),
    )


@login_required
def intervention_report_view(request: AuthedRequest) -> HttpResponse:
    """Treated against untreated at-risk accounts, churn and CSAT before and after (§10); a
    bad date is named on the page and the report falls back to today."""
    form = ReportForm(request.GET or None)
    as_of = form.cleaned_data.get("as_of") if form.is_valid() else None
    report = intervention_report(actor=request.user, as_of=as_of)
    outcomes = [
        outcome_panel(report.churn, CHURN, gettext("Churn rate")),
        outcome_panel(report.csat, CSAT, gettext("CSAT")),
    ]
    return render(
        request,
        "risk/interventions.html",
        {
            "section": "risk",
            "form": form,
            "report": report,
            "outcomes": outcomes,
            "months": PERIOD_MONTHS,
            "plans_from_months": PLANS_FROM_MONTHS,
            "plans_until_months": PLANS_UNTIL_MONTHS,
            "minimum": MIN_GROUP,
        },
    )
