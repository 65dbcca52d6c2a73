"""Competitor move pages (DOMAIN §9): the account's panel, recording, changing and removing
a move, and the portfolio-wide list a director reads: who offers what, where."""

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
from kam.alerts.selectors import ACTIVE, AlertFilters, alerts_for
from kam.core.errors import DomainError
from kam.core.paging import page_links, page_of, page_request, without_page
from kam.engagement.competitors.alerts import KIND_COMPETITOR_MOVE
from kam.engagement.competitors.forms import MoveFilterForm, MoveForm
from kam.engagement.competitors.models import CompetitorOffer
from kam.engagement.competitors.selectors import (
    MoveFilters,
    competitor_move_get,
    competitor_move_list,
    competitor_moves_of,
    competitor_names,
    competitor_summary,
)
from kam.engagement.competitors.services import (
    competitor_move_create,
    competitor_move_delete,
    competitor_move_update,
)
from kam.engagement.service.navigation import back_to, domain_errors, form_errors
from kam.org.http import AuthedRequest
from kam.org.models import User

ANCHOR = "competitors"
SHOWN = 20
FIELDS = ("competitor", "offer", "products", "seen_on", "source", "source_detail", "description")


def moves_context(actor: User, account: Account, *, back: str = "") -> dict[str, Any]:
    """What the competitor moves section draws, on the account page and the service page."""
    rows = list(competitor_moves_of(account)[: SHOWN + 1])
    return {
        "account": account,
        "moves": rows[:SHOWN],
        "more_moves": len(rows) > SHOWN,
        "move_form": MoveForm(prefix="move"),
        "move_alert": alerts_for(
            actor, AlertFilters(state=ACTIVE, kind=KIND_COMPETITOR_MOVE, account_id=account.pk)
        ).first(),
        "back": back,
    }


@login_required
def account_competitor_moves_view(request: AuthedRequest, account_id: int) -> HttpResponse:
    """The account page's competitor moves panel, loaded by htmx."""
    account = account_get(actor=request.user, account_id=account_id)
    return render(
        request,
        "engagement/competitors/account_moves.html",
        moves_context(request.user, account),
    )


@login_required
@require_POST
def account_competitor_move_add_view(request: AuthedRequest, account_id: int) -> HttpResponse:
    account = account_get(actor=request.user, account_id=account_id)
    form = MoveForm(request.POST, prefix="move")
    if not form.is_valid():
        form_errors(request, form)
        return back_to(request, account.pk, ANCHOR)
    try:
        competitor_move_create(actor=request.user, account=account, values=form.cleaned_data)
    except DomainError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, _("Competitor move recorded."))
    return back_to(request, account.pk, ANCHOR)


@login_required
def competitor_move_edit_view(request: AuthedRequest, move_id: int) -> HttpResponse:
    move = competitor_move_get(actor=request.user, move_id=move_id)
    initial = {name: getattr(move, name) for name in FIELDS}
    form = MoveForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            competitor_move_update(actor=request.user, move=move, values=form.cleaned_data)
        except DomainError as error:
            domain_errors(form, error)
        else:
            messages.success(request, _("Competitor move saved."))
            return back_to(request, move.account_id, ANCHOR)
    return render(
        request,
        "engagement/competitors/move_form.html",
        {
            "section": "accounts",
            "form": form,
            "move": move,
            "account": move.account,
            "back": request.GET.get("back", request.POST.get("back", "")),
        },
    )


@login_required
@require_POST
def competitor_move_delete_view(request: AuthedRequest, move_id: int) -> HttpResponse:
    move = competitor_move_get(actor=request.user, move_id=move_id)
    account_id = move.account_id
    try:
        competitor_move_delete(actor=request.user, move=move)
    except DomainError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, _("Competitor move removed."))
    return back_to(request, account_id, ANCHOR)


@login_required
def competitor_move_list_view(request: AuthedRequest) -> HttpResponse:
    """Every move at the reader's accounts under the filters, latest first, with a summary
    per competitor of what it offers and at how many accounts."""
    form = MoveFilterForm(request.GET)
    data = form.cleaned_data if form.is_valid() else {}
    filters = MoveFilters(
        account_id=data.get("account"),
        competitor=data.get("competitor") or "",
        offer=data.get("offer") or "",
        date_from=data.get("date_from"),
        date_to=data.get("date_to"),
    )
    page = page_of(
        competitor_move_list(actor=request.user, filters=filters), **page_request(request.GET)
    )
    return render(
        request,
        "engagement/competitors/move_list.html",
        {
            "section": "competitors",
            "form": form,
            "rows": page.object_list,
            "page": page,
            "page_links": page_links(page, without_page(request.GET)),
            "count": page.paginator.count,
            "summary": [
                (s, [s.offers.get(code, 0) for code in CompetitorOffer.values])
                for s in competitor_summary(actor=request.user, filters=filters)
            ],
            "offers": CompetitorOffer.choices,
            "names": competitor_names(actor=request.user),
            "filtered": any(data.get(name) for name in MoveFilterForm.base_fields),
        },
    )
