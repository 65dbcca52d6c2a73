"""Survey pages (DOMAIN §9): the account page's satisfaction panel, entering a response,
one-time links, and the public survey form a contact answers without signing in."""

from __future__ import annotations

from django import forms
from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from kam.accounts.selectors import account_get
from kam.alerts.selectors import ACTIVE, AlertFilters, alerts_for
from kam.core.errors import Conflict, DomainError
from kam.engagement.surveys.alerts import KIND_SURVEY_DROP
from kam.engagement.surveys.forms import (
    CSAT_QUESTIONS,
    InvitationForm,
    PlanForm,
    ResponseForm,
    ScoresForm,
)
from kam.engagement.surveys.models import ResponseSource
from kam.engagement.surveys.presenters import latest_scores, trend_chart
from kam.engagement.surveys.selectors import (
    ResponseFilters,
    survey_contacts,
    survey_invitation_get,
    survey_invitations_of,
    survey_plan_list,
    survey_response_list,
    survey_trend,
)
from kam.engagement.surveys.services import (
    invitation_is_open,
    survey_invitation_answer,
    survey_invitation_create,
    survey_invitation_find,
    survey_invitation_revoke,
    survey_plan_create,
    survey_response_create,
)
from kam.org.http import AuthedRequest

# The panel holds three forms: prefixes keep their fields' names and ids apart.
PLAN, INVITE = "plan", "link"


def _back(account_id: int) -> HttpResponse:
    return redirect(reverse("account_detail", args=[account_id]) + "#surveys")


def _form_errors(request: HttpRequest, form: forms.Form) -> None:
    for field, errors in form.errors.items():
        label = form.fields[field].label if field in form.fields else ""
        text = " ".join(str(error) for error in errors)
        messages.error(request, f"{label}: {text}" if label else text)


@login_required
def account_surveys_view(request: AuthedRequest, account_id: int) -> HttpResponse:
    """The account page's satisfaction panel: trend chart, latest scores, responses, links."""
    account = account_get(actor=request.user, account_id=account_id)
    trend = survey_trend(account=account)
    contacts = survey_contacts(account)
    responses = survey_response_list(
        actor=request.user, filters=ResponseFilters(account_id=account.pk)
    )[:10]
    return render(
        request,
        "engagement/surveys/account_surveys.html",
        {
            "account": account,
            "chart": trend_chart(trend),
            "has_surveys": bool(trend.months),
            "tiles": latest_scores(trend),
            "responses": responses,
            "invitations": survey_invitations_of(account)[:10],
            "form": ResponseForm(contacts=contacts),
            "invite_form": InvitationForm(contacts=contacts, prefix=INVITE),
            "plans": survey_plan_list(actor=request.user, account_id=account.pk),
            "plan_form": PlanForm(contacts=contacts, prefix=PLAN),
            "has_contacts": bool(contacts),
            "drop_alert": alerts_for(
                request.user,
                AlertFilters(state=ACTIVE, kind=KIND_SURVEY_DROP, account_id=account.pk),
            ).first(),
        },
    )


@login_required
@require_POST
def account_survey_add_view(request: AuthedRequest, account_id: int) -> HttpResponse:
    account = account_get(actor=request.user, account_id=account_id)
    form = ResponseForm(request.POST, contacts=survey_contacts(account))
    if not form.is_valid():
        _form_errors(request, form)
        return _back(account.pk)
    try:
        survey_response_create(
            actor=request.user,
            account=account,
            values=form.cleaned_data,
            source=ResponseSource.PAGE,
        )
    except DomainError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, _("Survey response recorded."))
    return _back(account.pk)


@login_required
@require_POST
def account_survey_plan_add_view(request: AuthedRequest, account_id: int) -> HttpResponse:
    account = account_get(actor=request.user, account_id=account_id)
    form = PlanForm(request.POST, contacts=survey_contacts(account), prefix=PLAN)
    if not form.is_valid():
        _form_errors(request, form)
        return _back(account.pk)
    values = dict(form.cleaned_data)
    contact_ids = values.pop("contact_ids")
    try:
        survey_plan_create(
            actor=request.user, account=account, values=values, contact_ids=contact_ids
        )
    except DomainError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, _("Survey plan recorded."))
    return _back(account.pk)


@login_required
@require_POST
def account_survey_invite_view(request: AuthedRequest, account_id: int) -> HttpResponse:
    """Make a one-time link and show it, this once, to be copied and sent."""
    account = account_get(actor=request.user, account_id=account_id)
    form = InvitationForm(request.POST, contacts=survey_contacts(account), prefix=INVITE)
    if not form.is_valid():
        _form_errors(request, form)
        return _back(account.pk)
    try:
        invitation, raw = survey_invitation_create(
            actor=request.user,
            account=account,
            contact_id=form.cleaned_data["contact_id"],
            days=form.cleaned_data["days"],
        )
    except DomainError as error:
        messages.error(request, error.message)
        return _back(account.pk)
    link = request.build_absolute_uri(reverse("survey_public", args=[raw]))
    return render(
        request,
        "engagement/surveys/invitation_created.html",
        {"account": account, "invitation": invitation, "link": link},
    )


@login_required
@require_POST
def survey_invitation_revoke_view(request: AuthedRequest, invitation_id: int) -> HttpResponse:
    invitation = survey_invitation_get(actor=request.user, invitation_id=invitation_id)
    try:
        survey_invitation_revoke(actor=request.user, invitation=invitation)
    except DomainError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, _("The survey link is revoked."))
    return _back(invitation.account_id)


def _closed(request: HttpRequest, *, known: bool, answered: bool = False) -> HttpResponse:
    # Unknown: 404. Known but closed: 410 Gone; "answered" only tells the contact what they
    # already know. Tokens are 256-bit random, so telling the two apart helps no guesser.
    return render(
        request,
        "engagement/surveys/public_closed.html",
        {"known": known, "answered": answered, "supplier": _supplier()},
        status=410 if known else 404,
    )


def survey_public_view(request: HttpRequest, token: str) -> HttpResponse:
    """The public survey form (no sign-in, CSRF on): the five CSAT questions and NPS; the
    answer spends the link (§9)."""
    invitation = survey_invitation_find(token)
    if invitation is None:
        return _closed(request, known=False)
    if not invitation_is_open(invitation):
        return _closed(request, known=True, answered=invitation.used_at is not None)
    form = ScoresForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            survey_invitation_answer(raw=token, values=form.cleaned_data)
        except Conflict:
            return _closed(request, known=True, answered=True)
        except DomainError as error:
            form.add_error(None, error.message)
        else:
            return render(
                request, "engagement/surveys/public_thanks.html", {"supplier": _supplier()}
            )
    return render(
        request,
        "engagement/surveys/public_form.html",
        {
            "form": form,
            "supplier": _supplier(),
            "contact": invitation.contact,
            "account": invitation.account,
            "questions": [form[name] for name in CSAT_QUESTIONS],
            "expires_at": invitation.expires_at,
        },
    )


def _supplier() -> str:
    return settings.KAM_COMPANY_NAME or _("your supplier")
