"""The agenda, the account page's activities panel and the cadence settings (DOMAIN §9)."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from kam.accounts.models import Account
from kam.accounts.selectors import account_get
from kam.core.errors import DomainError
from kam.engagement.activities.agenda import agenda
from kam.engagement.activities.forms import (
    ActivityForm,
    CadenceSettingsForm,
    DoneForm,
    PlanVisitForm,
)
from kam.engagement.activities.models import ActivityKind, Channel
from kam.engagement.activities.selectors import (
    account_activities,
    activity_get,
    cadence,
    cadence_settings,
)
from kam.engagement.activities.services import (
    activity_create,
    activity_done,
    cadence_settings_update,
)
from kam.engagement.calendar.selectors import Subscription, subscription
from kam.org.http import AuthedRequest
from kam.org.permissions import can


def _form_errors(form: Any, error: DomainError) -> None:
    for problem in error.errors:
        form.add_error(problem.field if problem.field in form.fields else None, problem.message)
    if not error.errors:
        form.add_error(None, error.message)


def agenda_page(request: AuthedRequest, calendar: Subscription | None = None) -> HttpResponse:
    """The agenda page, with the calendar subscription card (its URL shown when just made)."""
    found = agenda(request.user)
    return render(
        request,
        "engagement/agenda.html",
        {
            "section": "agenda",
            "agenda": found,
            "may_write": request.user.can_write,
            "calendar": calendar or subscription(request.user),
        },
    )


@login_required
def agenda_view(request: AuthedRequest) -> HttpResponse:
    """The manager's week: overdue first, one click to log a planned activity as done."""
    return agenda_page(request)


@login_required
@require_POST
def agenda_done_view(request: AuthedRequest, activity_id: int) -> HttpResponse:
    """Log a planned activity as done from the agenda (htmx: the row answers)."""
    activity = activity_get(actor=request.user, activity_id=activity_id)
    form = DoneForm(request.POST)
    error = ""
    if form.is_valid():
        try:
            activity = activity_done(
                actor=request.user, activity=activity, outcome=form.cleaned_data["outcome"]
            )
        except DomainError as refused:
            error = refused.message
    else:
        error = str(next(iter(form.errors.values()))[0])
    if not request.htmx:
        if error:
            messages.error(request, error)
        else:
            messages.success(
                request, _("Logged as done: %(subject)s.") % {"subject": activity.subject}
            )
        return redirect("agenda")
    return render(
        request,
        "engagement/_agenda_done.html",
        {"activity": activity, "error": error, "follow": getattr(activity, "next_activity", None)},
    )


@login_required
@require_POST
def agenda_plan_visit_view(request: AuthedRequest, account_id: int) -> HttpResponse:
    """Plan a visit for an account due (htmx: the row answers)."""
    account = account_get(actor=request.user, account_id=account_id)
    form = PlanVisitForm(request.POST)
    error, planned = "", None
    if form.is_valid():
        try:
            planned = activity_create(
                actor=request.user,
                account=account,
                kind=ActivityKind.VISIT,
                channel=Channel.ON_SITE,
                subject=_("Visit to %(name)s") % {"name": account.name},
                planned_for=form.cleaned_data["planned_for"],
            )
        except DomainError as refused:
            error = refused.message
    else:
        error = str(next(iter(form.errors.values()))[0])
    if not request.htmx:
        if error:
            messages.error(request, error)
        else:
            messages.success(request, _("Visit planned."))
        return redirect("agenda")
    return render(request, "engagement/_agenda_planned.html", {"planned": planned, "error": error})


def _panel(
    request: AuthedRequest, account: Account, form: ActivityForm, status: int = 200
) -> HttpResponse:
    planned, done = account_activities(request.user, account.pk)
    found = cadence([account.pk])
    visit = found.visits[0] if found.visits else None
    return render(
        request,
        "engagement/account_activities.html",
        {
            "account": account,
            "planned": planned,
            "done": done,
            "visit": visit,
            "people": sorted(found.contacts, key=lambda row: row.days_left),
            "form": form,
            "may_write": request.user.can_write,
        },
        status=status,
    )


@login_required
def account_activities_view(request: AuthedRequest, account_id: int) -> HttpResponse:
    """The account page's activities panel: planned and recent ones, the cadence, and a
    form to log or plan one (htmx)."""
    account = account_get(actor=request.user, account_id=account_id)
    if request.method != "POST":
        return _panel(request, account, ActivityForm(account=account))
    form = ActivityForm(request.POST, account=account)
    if form.is_valid():
        try:
            activity_create(actor=request.user, account=account, **form.service_fields())
        except DomainError as error:
            _form_errors(form, error)
        else:
            messages.success(request, _("Activity saved."))
            return _panel(request, account, ActivityForm(account=account))
    return _panel(request, account, form)


@login_required
def cadence_settings_view(request: AuthedRequest) -> HttpResponse:
    """The contact cadence of §9, a section of the settings the director edits."""
    form = CadenceSettingsForm(instance=cadence_settings())
    if request.method == "POST":
        form = CadenceSettingsForm(request.POST, instance=cadence_settings())
        if form.is_valid():
            try:
                changes = {name: form.cleaned_data[name] for name in form.changed_data}
                cadence_settings_update(actor=request.user, **changes)
            except DomainError as error:
                _form_errors(form, error)
            else:
                messages.success(request, _("Cadence saved."))
                return redirect("cadence_settings")
    return render(
        request,
        "engagement/cadence_settings.html",
        {
            "section": "portfolio",
            "form": form,
            "can_edit": can(request.user, "govern"),
            "history": cadence_settings().history.select_related("history_user")[:20],
            "now": timezone.now(),
        },
    )
