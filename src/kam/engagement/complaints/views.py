"""The complaints pages (DOMAIN §9): the list with SLA clocks, one complaint with its flow,
a new complaint, the resolution report and the SLA settings."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.timezone import now as timezone_now
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from kam.accounts.selectors import account_get
from kam.core.errors import DomainError
from kam.core.moves import PageMoves
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


def _id(raw: str | None) -> int | None:
    return int(raw) if raw and raw.isdigit() and len(raw) < 19 else None


# The flow's moves and the other actions on one complaint, posted from its page.
_COMPLAINT = PageMoves[Complaint](
    param="complaint_id",
    load=lambda request, pk: complaint_get(actor=request.user, complaint_id=pk),
    back=lambda request, pk: reverse("complaint_detail", args=[pk]),
)

complaint_acknowledge_view = _COMPLAINT.view(
    lambda request, c: complaint_acknowledge(
        actor=request.user, complaint=c, comment=request.POST.get("comment", "")
    ),
    gettext_lazy("Complaint acknowledged."),
)
complaint_start_view = _COMPLAINT.view(
    lambda request, c: complaint_start(
        actor=request.user, complaint=c, comment=request.POST.get("comment", "")
    ),
    gettext_lazy("Work on the complaint started."),
)
complaint_resolve_view = _COMPLAINT.view(
    lambda request, c: complaint_resolve(
        actor=request.user,
        complaint=c,
        resolution=request.POST.get("resolution", ""),
        root_cause=request.POST.get("root_cause", ""),
        comment=request.POST.get("comment", ""),
    ),
    gettext_lazy("Complaint resolved."),
)
complaint_close_view = _COMPLAINT.view(
    lambda request, c: complaint_close(
        actor=request.user, complaint=c, comment=request.POST.get("comment", "")
    ),
    gettext_lazy("Complaint closed."),
)
complaint_reopen_view = _COMPLAINT.view(
    lambda request, c: complaint_reopen(
        actor=request.user, complaint=c, reason=request.POST.get("reason", "")
    ),
    gettext_lazy("Complaint reopened."),
)
complaint_assign_view = _COMPLAINT.view(
    lambda request, c: complaint_assign(
        actor=request.user,
        complaint=c,
        department_id=_id(request.POST.get("department")),
        owner_id=_id(request.POST.get("owner")),
    ),
    gettext_lazy("Assignment saved."),
)
complaint_escalate_view = _COMPLAINT.view(
    lambda request, c: complaint_escalate(
        actor=request.user,
        complaint=c,
        team_id=_id(request.POST.get("team")),
        reason=request.POST.get("reason", ""),
    ),
    gettext_lazy("Complaint escalated."),
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
