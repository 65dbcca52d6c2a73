"""The complaints pages (DOMAIN §9): the list with SLA clocks, one complaint with its flow,
a new complaint, the resolution report and the SLA settings."""

from __future__ import annotations

from collections.abc import Callable

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpResponse, HttpResponseRedirect
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.timezone import now as timezone_now
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from kam.accounts.selectors import account_get
from kam.core.errors import DomainError
from kam.core.paging import page_links, page_of, page_request, without_page
from kam.engagement.complaints.forms import (
    ComplaintFilterForm,
    ComplaintForm,
    ComplaintSettingsForm,
)
from kam.engagement.complaints.models import ESCALATABLE, Complaint, Status
from kam.engagement.complaints.selectors import (
    GROUPINGS,
    ComplaintFilters,
    account_contact_choices,
    by_clock,
    complaint_events,
    complaint_get,
    complaint_list,
    complaint_settings,
    resolution_report,
    sla_clock,
    sla_clock_of,
    with_clocks,
)
from kam.engagement.complaints.services import (
    complaint_acknowledge,
    complaint_assign,
    complaint_close,
    complaint_create,
    complaint_escalate,
    complaint_reopen,
    complaint_resolve,
    complaint_settings_update,
    complaint_start,
)
from kam.org.http import AuthedRequest
from kam.org.models import Department, Team
from kam.org.permissions import can
from kam.org.selectors import users_who_may_own

SECTION = "complaints"
# The moves a page offers from each status: (view name, button label, needs a text form).
MOVES = {
    Status.OPEN: [("complaint_acknowledge", "acknowledge")],
    Status.ACKNOWLEDGED: [("complaint_start", "start")],
    Status.IN_PROGRESS: [("complaint_resolve", "resolve")],
    Status.RESOLVED: [("complaint_close", "close"), ("complaint_reopen", "reopen")],
}


def _filters(form: ComplaintFilterForm) -> ComplaintFilters:
    data = form.cleaned_data if form.is_valid() else {}
    return ComplaintFilters(
        account_id=data.get("account"),
        status=data.get("status") or "",
        severity=data.get("severity") or "",
        category=data.get("category") or "",
        department_id=data.get("department"),
        breached=True if data.get("breached") else None,
        open_only=bool(data.get("open")),
    )


@login_required
def complaint_list_view(request: AuthedRequest) -> HttpResponse:
    """The visible complaints under the filters, running clocks first, breached first."""
    form = ComplaintFilterForm(request.GET)
    rows = by_clock(complaint_list(actor=request.user, filters=_filters(form)))
    page = page_of(rows, **page_request(request.GET))
    return render(
        request,
        "engagement/complaints/complaint_list.html",
        {
            "section": SECTION,
            "form": form,
            "rows": with_clocks(page.object_list, sort=False),
            "page": page,
            "page_links": page_links(page, without_page(request.GET)),
            "count": page.paginator.count,
        },
    )


@login_required
def complaint_create_view(request: AuthedRequest, account_id: int) -> HttpResponse:
    """Record a complaint of one account."""
    account = account_get(actor=request.user, account_id=account_id)
    contacts = account_contact_choices(account.pk)
    form = ComplaintForm(request.POST or None, contacts=contacts)
    if request.method == "POST" and form.is_valid():
        try:
            complaint = complaint_create(actor=request.user, account=account, **form.cleaned_data)
        except DomainError as error:
            for problem in error.errors:
                form.add_error(
                    problem.field if problem.field in form.fields else None, problem.message
                )
        else:
            messages.success(request, _("Complaint recorded; its SLA clocks are running."))
            return redirect("complaint_detail", complaint.pk)
    return render(
        request,
        "engagement/complaints/complaint_form.html",
        {"section": SECTION, "form": form, "account": account},
    )


@login_required
def complaint_detail_view(request: AuthedRequest, complaint_id: int) -> HttpResponse:
    """One complaint: its SLA clock, the moves its status allows, assignment, escalation
    and its log."""
    complaint = complaint_get(actor=request.user, complaint_id=complaint_id)
    may_act = can(request.user, "complaint_act", complaint)
    moves = [name for name, _key in MOVES.get(Status(complaint.status), [])]
    return render(
        request,
        "engagement/complaints/complaint_detail.html",
        {
            "section": SECTION,
            "complaint": complaint,
            "clock": sla_clock_of(complaint, timezone_now(), sla_clock()),
            "events": complaint_events(complaint),
            "may_act": may_act,
            "moves": moves,
            "can_escalate": may_act and complaint.status in ESCALATABLE,
            "can_assign": may_act and complaint.status != Status.CLOSED,
            "teams": Team.objects.all(),
            "departments": Department.objects.all(),
            "owners": users_who_may_own(keep=complaint.owner_id),
        },
    )


def _act(
    request: AuthedRequest, complaint_id: int, action: Callable[[Complaint], object], done: str
) -> HttpResponse:
    complaint = complaint_get(actor=request.user, complaint_id=complaint_id)
    try:
        action(complaint)
    except DomainError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, done)
    return HttpResponseRedirect(reverse("complaint_detail", args=[complaint_id]))


def _id(raw: str | None) -> int | None:
    return int(raw) if raw and raw.isdigit() and len(raw) < 19 else None


@login_required
@require_POST
def complaint_acknowledge_view(request: AuthedRequest, complaint_id: int) -> HttpResponse:
    comment = request.POST.get("comment", "")
    return _act(
        request,
        complaint_id,
        lambda c: complaint_acknowledge(actor=request.user, complaint=c, comment=comment),
        _("Complaint acknowledged."),
    )


@login_required
@require_POST
def complaint_start_view(request: AuthedRequest, complaint_id: int) -> HttpResponse:
    comment = request.POST.get("comment", "")
    return _act(
        request,
        complaint_id,
        lambda c: complaint_start(actor=request.user, complaint=c, comment=comment),
        _("Work on the complaint started."),
    )


@login_required
@require_POST
def complaint_resolve_view(request: AuthedRequest, complaint_id: int) -> HttpResponse:
    post = request.POST
    return _act(
        request,
        complaint_id,
        lambda c: complaint_resolve(
            actor=request.user,
            complaint=c,
            resolution=post.get("resolution", ""),
            root_cause=post.get("root_cause", ""),
            comment=post.get("comment", ""),
        ),
        _("Complaint resolved."),
    )


@login_required
@require_POST
def complaint_close_view(request: AuthedRequest, complaint_id: int) -> HttpResponse:
    comment = request.POST.get("comment", "")
    return _act(
        request,
        complaint_id,
        lambda c: complaint_close(actor=request.user, complaint=c, comment=comment),
        _("Complaint closed."),
    )


@login_required
@require_POST
def complaint_reopen_view(request: AuthedRequest, complaint_id: int) -> HttpResponse:
    reason = request.POST.get("reason", "")
    return _act(
        request,
        complaint_id,
        lambda c: complaint_reopen(actor=request.user, complaint=c, reason=reason),
        _("Complaint reopened."),
    )


@login_required
@require_POST
def complaint_assign_view(request: AuthedRequest, complaint_id: int) -> HttpResponse:
    department_id, owner_id = _id(request.POST.get("department")), _id(request.POST.get("owner"))
    return _act(
        request,
        complaint_id,
        lambda c: complaint_assign(
            actor=request.user, complaint=c, department_id=department_id, owner_id=owner_id
        ),
        _("Assignment saved."),
    )


@login_required
@require_POST
def complaint_escalate_view(request: AuthedRequest, complaint_id: int) -> HttpResponse:
    team_id, reason = _id(request.POST.get("team")), request.POST.get("reason", "")
    return _act(
        request,
        complaint_id,
        lambda c: complaint_escalate(
            actor=request.user, complaint=c, team_id=team_id, reason=reason
        ),
        _("Complaint escalated."),
    )


@login_required
def complaint_report_view(request: AuthedRequest) -> HttpResponse:
    """Resolution times per account, internal department and severity (§9)."""
    by = request.GET.get("by", "severity")
    by = by if by in GROUPINGS else "severity"
    return render(
        request,
        "engagement/complaints/complaint_report.html",
        {
            "section": SECTION,
            "report": resolution_report(actor=request.user, by=by),
            "groupings": [
                ("severity", _("Severity")),
                ("department", _("Internal department")),
                ("account", _("Account")),
            ],
        },
    )


@login_required
def complaint_settings_view(request: AuthedRequest) -> HttpResponse:
    """The director's SLA targets and clock, with their history."""
    settings = complaint_settings()
    form = ComplaintSettingsForm(request.POST or None, instance=settings)
    may_edit = can(request.user, "complaint_settings_edit")
    if request.method == "POST" and form.is_valid():
        try:
            complaint_settings_update(
                actor=request.user, **{name: form.cleaned_data[name] for name in form.changed_data}
            )
        except DomainError as error:
            for problem in error.errors:
                form.add_error(
                    problem.field if problem.field in form.fields else None, problem.message
                )
            if not error.errors:
                form.add_error(None, error.message)
        else:
            messages.success(request, _("Complaint settings saved."))
            return redirect("complaint_settings")
    return render(
        request,
        "engagement/complaints/complaint_settings.html",
        {
            "section": SECTION,
            "form": form,
            "can_edit": may_edit,
            "history": settings.history.select_related("history_user")[:20],
        },
    )
