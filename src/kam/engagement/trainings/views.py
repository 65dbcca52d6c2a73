"""Training pages (DOMAIN §9, S2 step 7): the account's trainings panel, recording a session,
changing and removing one."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from kam.accounts.models import Account
from kam.accounts.selectors import account_get
from kam.core.errors import DomainError
from kam.engagement.service.navigation import back_to, domain_errors, form_errors
from kam.engagement.trainings.forms import TrainingForm
from kam.engagement.trainings.selectors import training_contacts, training_get, trainings_of
from kam.engagement.trainings.services import training_create, training_delete, training_update
from kam.org.http import AuthedRequest

ANCHOR = "trainings"
SHOWN = 20


def trainings_context(account: Account, *, back: str = "") -> dict[str, Any]:
    """What the trainings section draws, on the account page and the service page."""
    contacts = training_contacts(account)
    rows = list(trainings_of(account)[: SHOWN + 1])
    return {
        "account": account,
        "trainings": rows[:SHOWN],
        "more_trainings": len(rows) > SHOWN,
        "training_form": TrainingForm(contacts=contacts, prefix="training"),
        "has_contacts": bool(contacts),
        "back": back,
    }


@login_required
def account_trainings_view(request: AuthedRequest, account_id: int) -> HttpResponse:
    """The account page's trainings panel, loaded by htmx."""
    account = account_get(actor=request.user, account_id=account_id)
    return render(
        request, "engagement/trainings/account_trainings.html", trainings_context(account)
    )


def _split(data: dict[str, Any]) -> tuple[dict[str, Any], list[int]]:
    values = dict(data)
    return values, values.pop("attendee_ids")


@login_required
@require_POST
def account_training_add_view(request: AuthedRequest, account_id: int) -> HttpResponse:
    account = account_get(actor=request.user, account_id=account_id)
    form = TrainingForm(request.POST, contacts=training_contacts(account), prefix="training")
    if not form.is_valid():
        form_errors(request, form)
        return back_to(request, account.pk, ANCHOR)
    values, attendees = _split(form.cleaned_data)
    try:
        training_create(actor=request.user, account=account, values=values, attendee_ids=attendees)
    except DomainError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, _("Training recorded."))
    return back_to(request, account.pk, ANCHOR)


@login_required
def training_edit_view(request: AuthedRequest, training_id: int) -> HttpResponse:
    """Change a session: its fields and who attended."""
    training = training_get(actor=request.user, training_id=training_id)
    contacts = training_contacts(training.account)
    known = {pk for pk, _name in contacts}
    # A past attendee who has since left stays ticked and listed.
    gone = [(c.pk, c.name) for c in training.attendees.all() if c.pk not in known]
    initial = {
        name: getattr(training, name)
        for name in ("topic", "title", "held_on", "trainer", "duration_hours", "feedback_score")
    } | {
        "materials": training.materials,
        "notes": training.notes,
        "attendee_ids": [c.pk for c in training.attendees.all()],
    }
    form = TrainingForm(request.POST or None, contacts=[*contacts, *gone], initial=initial)
    if request.method == "POST" and form.is_valid():
        values, attendees = _split(form.cleaned_data)
        try:
            training_update(
                actor=request.user, training=training, values=values, attendee_ids=attendees
            )
        except DomainError as error:
            domain_errors(form, error)
        else:
            messages.success(request, _("Training saved."))
            return back_to(request, training.account_id, ANCHOR)
    return render(
        request,
        "engagement/trainings/training_form.html",
        {
            "section": "accounts",
            "form": form,
            "training": training,
            "account": training.account,
            "back": request.GET.get("back", request.POST.get("back", "")),
        },
    )


@login_required
@require_POST
def training_delete_view(request: AuthedRequest, training_id: int) -> HttpResponse:
    training = training_get(actor=request.user, training_id=training_id)
    account_id = training.account_id
    try:
        training_delete(actor=request.user, training=training)
    except DomainError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, _("Training removed."))
    return back_to(request, account_id, ANCHOR)
