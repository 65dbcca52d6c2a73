"""Account pages: list (htmx filters), create, edit and the account page with its panels."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpResponse, HttpResponseRedirect, QueryDict
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from kam.accounts.columns import registered as list_columns
from kam.accounts.forms import (
    AccountFilterForm,
    AccountForm,
    KeyStatusForm,
    NoteForm,
    PotentialForm,
    TeamMemberForm,
)
from kam.accounts.models import AccountRequest
from kam.accounts.panels import panels_for
from kam.accounts.selectors import (
    account_facets,
    account_get,
    account_key_decisions,
    account_notes,
    account_page,
    account_potentials,
    account_request_get,
    account_requests_visible_to,
    account_subsidiaries,
    account_team,
    note_get,
    potential_effective,
    team_member_get,
)
from kam.accounts.services import (
    ACCOUNT_REQUESTED,
    NotePosted,
    account_create_or_request,
    account_request_approve,
    account_request_decline,
    account_set_key_status,
    account_update,
    note_delete,
    note_post,
    potential_estimate_add,
    team_member_add,
    team_member_remove,
)
from kam.accounts.timeline import TimelinePage, timeline_asked, timeline_page
from kam.core.dates import today
from kam.core.errors import DomainError
from kam.core.paging import page_context, page_of, page_request, without_page
from kam.org.http import AuthedRequest


@login_required
def account_list_view(request: AuthedRequest) -> HttpResponse:
    """The visible accounts, one bounded page at a time; filters, sort and page live in the
    query string so every view of the list has its own link."""
    form = AccountFilterForm(
        request.GET or None, actor=request.user, facets=account_facets(actor=request.user)
    )
    filters = form.filters()
    page = account_page(actor=request.user, filters=filters, **page_request(request.GET))
    sort_links = _sort_links(without_page(request.GET), filters.sort)
    context = {
        **page_context(page, request.GET),
        "form": form,
        "filters": filters,
        "sort_links": sort_links,
        "columns": [(column, sort_links[column.key]) for column in list_columns()],
        "section": "accounts",
    }
    template = "accounts/account_list.html"
    if request.htmx and not request.htmx.boosted:
        template += "#results"
    return render(request, template, context)


def _sort_links(query: QueryDict, current: str) -> dict[str, dict[str, str]]:
    """For each sortable column: the link that sorts by it (flipping the current order; a
    column of figures sorts largest first on the first click)."""
    links = {}
    figures = {column.key for column in list_columns() if column.numeric}
    keys = ["code", "name", "status", "key", "industry", "region", "owner"]
    for key in [*keys, *(column.key for column in list_columns())]:
        first = f"-{key}" if key in figures else key
        target = {key: f"-{key}", f"-{key}": key}.get(current, first)
        params = query.copy()
        params["sort"] = target
        state = "asc" if current == key else "desc" if current == f"-{key}" else ""
        links[key] = {"url": f"?{params.urlencode()}", "state": state}
    return links


def _apply_domain_errors(form: Any, error: DomainError) -> None:
    for field_error in error.errors or []:
        field = field_error.field.removesuffix("_id")
        form.add_error(field if field in form.fields else None, field_error.message)
    if not error.errors:
        form.add_error(None, error.message)


@login_required
def account_create_view(request: AuthedRequest) -> HttpResponse:
    """A director or an administrator creates the account; anyone else asks for it, with the
    same answer whatever the code (docs/rules.md "Asking for an account")."""
    form = AccountForm(request.POST or None, actor=request.user)
    if request.method == "POST" and form.is_valid():
        try:
            made = account_create_or_request(actor=request.user, **form.service_arguments())
        except DomainError as error:
            _apply_domain_errors(form, error)
        else:
            if isinstance(made, AccountRequest):
                messages.success(request, _(ACCOUNT_REQUESTED))
                return redirect("account_request_list")
            messages.success(request, _("Account %(code)s created.") % {"code": made.code})
            return redirect("account_detail", account_id=made.pk)
    return render(
        request,
        "accounts/account_form.html",
        {"form": form, "section": "accounts", "account": None},
    )


@login_required
def account_edit_view(request: AuthedRequest, account_id: int) -> HttpResponse:
    account = account_get(actor=request.user, account_id=account_id)
    form = AccountForm(request.POST or None, instance=account, actor=request.user)
    if request.method == "POST" and form.is_valid():
        try:
            account_update(
                actor=request.user,
                account=account_get(actor=request.user, account_id=account_id),
                **form.service_arguments(),
            )
        except DomainError as error:
            _apply_domain_errors(form, error)
        else:
            messages.success(request, _("Changes saved."))
            return redirect("account_detail", account_id=account.pk)
    return render(
        request,
        "accounts/account_form.html",
        {"form": form, "section": "accounts", "account": account},
    )


@login_required
def account_detail_view(request: AuthedRequest, account_id: int) -> HttpResponse:
    account = account_get(actor=request.user, account_id=account_id)
    return render(
        request,
        "accounts/account_detail.html",
        {
            "account": account,
            "section": "accounts",
            "team": account_team(account=account),
            "potentials": account_potentials(account=account)[:20],
            "potential": potential_effective(account=account, as_of=today()),
            "notes": account_notes(account=account)[:50],
            "panels": panels_for(actor=request.user, account=account),
            "decisions": account_key_decisions(account=account)[:20],
            "subsidiaries": account_subsidiaries(actor=request.user, account=account),
            **_timeline_context(request, account),
            "team_form": TeamMemberForm(),
            "potential_form": PotentialForm(initial={"estimated_on": today()}),
            "key_form": KeyStatusForm(),
            "note_form": NoteForm(),
        },
    )


TIMELINE_PAGE = 50


def _timeline_context(request: AuthedRequest, account: Any) -> dict[str, Any]:
    """The timeline's page and chips for the account page and its htmx fragment: the kinds
    of ``?kinds=`` (unknown ones are said, and the filter dropped) and ``?before=``."""
    try:
        page = timeline_asked(
            account=account,
            kinds=request.GET.get("kinds"),
            before=request.GET.get("before"),
            limit=TIMELINE_PAGE,
        )
        problem = ""
    except DomainError as error:
        page, problem = timeline_page(account=account, limit=TIMELINE_PAGE), error.message
    return {
        "timeline": page,
        "history": page.entries,
        "timeline_chips": _chips(page),
        "timeline_problem": problem,
    }


def _chips(page: TimelinePage) -> list[dict[str, Any]]:
    """One chip per kind: on when filtered in, its link toggling it in the filter."""
    selected = set(page.selected or ())
    chips = []
    for kind in page.kinds:
        on = kind.key in selected
        toggled = selected - {kind.key} if on else selected | {kind.key}
        chips.append(
            {
                "kind": kind,
                "on": on,
                "query": f"?kinds={','.join(sorted(toggled))}" if toggled else "?",
            }
        )
    return chips


@login_required
def account_timeline_view(request: AuthedRequest, account_id: int) -> HttpResponse:
    """The timeline fragment (htmx): the whole card for a filter, the rows for "Load older"."""
    account = account_get(actor=request.user, account_id=account_id)
    template = (
        "accounts/_timeline_rows.html" if request.GET.get("before") else ("accounts/_timeline.html")
    )
    return render(request, template, {"account": account, **_timeline_context(request, account)})


def _panel_action(
    request: AuthedRequest,
    account_id: int,
    form_class: type[Any] | None,
    action: Callable[..., Any],
    success: str,
) -> HttpResponse:
    """Run one service from an account-page form and come back to the account page."""
    account = account_get(actor=request.user, account_id=account_id)
    arguments: dict[str, Any] = {}
    if form_class is not None:
        form = form_class(request.POST)
        if not form.is_valid():
            for field, errors in form.errors.items():
                label = form.fields[field].label if field in form.fields else ""
                messages.error(
                    request, f"{label}: {' '.join(errors)}" if label else " ".join(errors)
                )
            return redirect("account_detail", account_id=account.pk)
        arguments = form.cleaned_data
    try:
        action(account, **arguments)
    except DomainError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, success)
    return redirect("account_detail", account_id=account.pk)


@login_required
@require_POST
def account_team_add_view(request: AuthedRequest, account_id: int) -> HttpResponse:
    return _panel_action(
        request,
        account_id,
        TeamMemberForm,
        lambda account, user, role: team_member_add(
            actor=request.user, account=account, user_id=user.pk, role=role
        ),
        _("Team member added."),
    )


@login_required
@require_POST
def account_team_remove_view(
    request: AuthedRequest, account_id: int, member_id: int
) -> HttpResponse:
    return _panel_action(
        request,
        account_id,
        None,
        lambda account: team_member_remove(
            actor=request.user, member=team_member_get(account=account, member_id=member_id)
        ),
        _("Team member removed."),
    )


@login_required
@require_POST
def account_potential_add_view(request: AuthedRequest, account_id: int) -> HttpResponse:
    return _panel_action(
        request,
        account_id,
        PotentialForm,
        lambda account, **data: potential_estimate_add(actor=request.user, account=account, **data),
        _("Potential estimate recorded."),
    )


@login_required
@require_POST
def account_key_status_view(request: AuthedRequest, account_id: int) -> HttpResponse:
    return _panel_action(
        request,
        account_id,
        KeyStatusForm,
        lambda account, **data: account_set_key_status(actor=request.user, account=account, **data),
        _("Key-account status recorded."),
    )


@login_required
@require_POST
def account_note_add_view(request: AuthedRequest, account_id: int) -> HttpResponse:
    """Add a note; say who was told and which @names reached nobody (docs/rules.md
    "Mentions")."""
    account = account_get(actor=request.user, account_id=account_id)
    form = NoteForm(request.POST)
    if not form.is_valid():
        for errors in form.errors.values():
            messages.error(request, " ".join(str(error) for error in errors))
        return redirect("account_detail", account_id=account.pk)
    try:
        posted = note_post(actor=request.user, account=account, body=form.cleaned_data["body"])
    except DomainError as error:
        messages.error(request, error.message)
        return redirect("account_detail", account_id=account.pk)
    for level, message in mention_report(posted):
        messages.add_message(request, level, message)
    url = reverse("account_detail", args=[account.pk])
    return HttpResponseRedirect(f"{url}#note-{posted.note.pk}")


def mention_report(posted: NotePosted) -> list[tuple[int, str]]:
    """The messages that tell the writer what became of the note's @names."""
    told = [user.display_name for user in posted.mentioned if user.pk != posted.note.author_id]
    report: list[tuple[int, str]] = [
        (
            messages.SUCCESS,
            _("Note added; %(people)s will find it in their inbox.") % {"people": ", ".join(told)}
            if told
            else _("Note added."),
        )
    ]
    if posted.unknown_mentions:
        report.append(
            (
                messages.WARNING,
                _(
                    "Nobody has the login name %(names)s, so nobody was told. Mention people "
                    "by the name they sign in with."
                )
                % {"names": ", ".join(f"@{name}" for name in posted.unknown_mentions)},
            )
        )
    if posted.mentions_without_access:
        report.append(
            (
                messages.WARNING,
                _(
                    "%(names)s cannot see this account, so they were not told. Add them to "
                    "the account team first, then mention them again."
                )
                % {"names": ", ".join(f"@{name}" for name in posted.mentions_without_access)},
            )
        )
    return report


@login_required
@require_POST
def account_note_delete_view(request: AuthedRequest, account_id: int, note_id: int) -> HttpResponse:
    return _panel_action(
        request,
        account_id,
        None,
        lambda account: note_delete(
            actor=request.user, note=note_get(account=account, note_id=note_id)
        ),
        _("Note deleted."),
    )


@login_required
def account_request_list_view(request: AuthedRequest) -> HttpResponse:
    """Account requests: a director's or an administrator's to decide, anyone else's own."""
    page = page_of(account_requests_visible_to(request.user), **page_request(request.GET))
    return render(
        request,
        "accounts/account_request_list.html",
        {**page_context(page, request.GET), "section": "accounts"},
    )


def _decide(request: AuthedRequest, request_id: int, decide: Callable[..., Any]) -> HttpResponse:
    asked = account_request_get(actor=request.user, request_id=request_id)
    try:
        message = decide(asked)
    except DomainError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, message)
    return redirect("account_request_list")


@login_required
@require_POST
def account_request_approve_view(request: AuthedRequest, request_id: int) -> HttpResponse:
    def approve(asked: AccountRequest) -> str:
        account = account_request_approve(actor=request.user, account_request=asked)
        return _("Account %(code)s created for %(name)s.") % {
            "code": account.code,
            "name": asked.requested_by.display_name,
        }

    return _decide(request, request_id, approve)


@login_required
@require_POST
def account_request_decline_view(request: AuthedRequest, request_id: int) -> HttpResponse:
    def decline(asked: AccountRequest) -> str:
        account_request_decline(
            actor=request.user,
            account_request=asked,
            reason=str(request.POST.get("reason", ""))[:500],
        )
        return _("Request for %(code)s declined.") % {"code": asked.code}

    return _decide(request, request_id, decline)
