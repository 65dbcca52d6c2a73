"""The relationship map page (DOMAIN §7): the org chart, its side panel (htmx), the table
view, and the edits made on the map — a person's ratings in place, a drag onto another
person (with undo), a new person, a new or removed link, a merge after a duplicate."""

from __future__ import annotations

import json
from typing import Any

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse, JsonResponse
from django.shortcuts import render
from django.utils.http import content_disposition_header
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from kam.accounts.models import Account
from kam.accounts.selectors import account_get
from kam.core.errors import DomainError
from kam.org.http import AuthedRequest
from kam.org.permissions import can
from kam.relationships import map_presenter as presenter
from kam.relationships.forms import (
    ADD_FIELDS,
    ADD_RATING_FIELDS,
    CHANNEL_FIELDS,
    POSITION_FIELDS,
    RATING_FIELDS,
    ContactForm,
    LinkForm,
    ReportsToForm,
)
from kam.relationships.models import Contact
from kam.relationships.scoring import RelationshipMap
from kam.relationships.selectors import (
    ContactFilters,
    contact_get,
    contact_list,
    link_get,
    relationship_map,
)
from kam.relationships.services import (
    DuplicateContact,
    contact_create,
    contact_mark_left,
    contact_mark_returned,
    contact_update,
    contacts_merge,
    link_add,
    link_remove,
)
from kam.relationships.vcard import contacts_vcard

TEMPLATE = "relationships/map.html"
VCARD_TYPE = "text/vcard"  # RFC 6350 §10.1
# Sent with every answer that changed the map: the page re-reads the chart and the scores.
CHANGED = "kamMapChanged"
# Sent with a change of reporting line: the open person's panel reads itself again.
MOVED = "kamPersonMoved"


# What every part of the page needs to lay out its forms and table.
LAYOUT = {
    "rating_fields": RATING_FIELDS,
    "position_fields": POSITION_FIELDS,
    "channel_fields": CHANNEL_FIELDS,
    "add_fields": ADD_FIELDS,
    "add_rating_fields": ADD_RATING_FIELDS,
}


def _table_columns() -> list[tuple[str, str]]:
    return [
        ("name", _("Name")),
        ("department", _("Department")),
        ("role", _("Buying role")),
        ("attitude", _("Attitude")),
        ("influence", _("Influence")),
        ("closeness", _("Closeness")),
        ("score", _("Score")),
        ("reports_to", _("Reports to")),
        ("last_contact", _("Last contact")),
    ]


def _map(request: AuthedRequest, account: Account) -> RelationshipMap:
    return relationship_map(actor=request.user, account_id=account.pk)


def _contact(request: AuthedRequest, account: Account, contact_id: int) -> Contact:
    """The account's contact, or the same 404 as a missing one (§13)."""
    contact = contact_get(actor=request.user, contact_id=contact_id)
    if contact.account_id != account.pk:
        raise Http404(_("No such contact."))
    return contact


def _show_left(request: AuthedRequest) -> bool:
    return request.GET.get("left") != "hide"


def _changed(response: HttpResponse) -> HttpResponse:
    response["HX-Trigger"] = CHANGED
    return response


def _errors_onto(form: Any, error: DomainError) -> None:
    for problem in error.errors:
        field = problem.field.removesuffix("_id")
        form.add_error(field if field in form.fields else None, problem.message)
    if not error.errors:
        form.add_error(None, error.message)


def _summary_context(rmap: RelationshipMap) -> dict[str, Any]:
    return {
        "rmap": rmap,
        "departments": presenter.department_lines(rmap),
        "gaps": presenter.gap_lines(rmap),
        "trend": presenter.trend_chart(rmap),
        "coverage_pct": None if rmap.coverage is None else round(100 * rmap.coverage),
        "overall": presenter.rounded_score(rmap.overall_closeness),
        "active_people": sum(1 for p in rmap.people if p.contact.active),
        "left_people": sum(1 for p in rmap.people if not p.contact.active),
    }


@login_required
@require_GET
def relationship_map_view(request: AuthedRequest, account_id: int) -> HttpResponse:
    """The map of the account's buying centre, or (`?view=table`) the same people as a
    table; read-only roles see both without the edit controls."""
    account = account_get(actor=request.user, account_id=account_id)
    rmap = _map(request, account)
    view = "table" if request.GET.get("view") == "table" else "chart"
    sort = request.GET.get("sort", "name")
    show_left = _show_left(request)
    query = {"left": "" if show_left else "hide"}
    return render(
        request,
        TEMPLATE,
        {
            "section": "accounts",
            "account": account,
            "view": view,
            "show_left": show_left,
            "may_edit": can(request.user, "write"),
            "chart": presenter.map_chart(rmap, show_left=show_left),
            "rows": presenter.table_rows(rmap, sort, show_left=show_left),
            "sort": sort,
            "sort_links": presenter.sort_links(sort, query),
            "left_count": sum(1 for p in rmap.people if not p.contact.active),
            "table_columns": _table_columns(),
            "numeric_columns": ("influence", "closeness", "score"),
            "role_legend": presenter.role_legend(),
            **LAYOUT,
            **_summary_context(rmap),
        },
    )


@login_required
@require_GET
def relationship_map_data_view(request: AuthedRequest, account_id: int) -> JsonResponse:
    """The chart's data again, after a change on the page."""
    account = account_get(actor=request.user, account_id=account_id)
    return JsonResponse(presenter.map_chart(_map(request, account), show_left=_show_left(request)))


@login_required
@require_GET
def relationship_map_summary_view(request: AuthedRequest, account_id: int) -> HttpResponse:
    """The side panel's scores, gaps and trend, refreshed after a change."""
    account = account_get(actor=request.user, account_id=account_id)
    context = {"account": account, **_summary_context(_map(request, account))}
    return render(request, f"{TEMPLATE}#summary", context)


def _person_panel(
    request: AuthedRequest,
    account: Account,
    contact: Contact,
    form: ContactForm | None = None,
    *,
    status: int = 200,
    saved: bool = False,
    duplicate: Contact | None = None,
) -> HttpResponse:
    rmap = _map(request, account)
    person = next((p for p in rmap.people if p.contact.pk == contact.pk), None)
    choices = presenter.people_choices(rmap.people)
    return render(
        request,
        f"{TEMPLATE}#person",
        {
            "account": account,
            "contact": contact,
            "person": person,
            "gap_names": [
                str(presenter.GAP_LABELS.get(k, k)) for k in (person.gaps if person else ())
            ],
            "form": form or ContactForm(people=choices, contact=contact),
            "link_form": LinkForm(people=choices, initial={"source": contact.pk}),
            "links": [
                link for link in rmap.links if contact.pk in (link.source_id, link.target_id)
            ],
            "may_edit": can(request.user, "write"),
            "saved": saved,
            "duplicate": duplicate,
            **LAYOUT,
        },
        status=status,
    )


@login_required
def map_person_view(request: AuthedRequest, account_id: int, contact_id: int) -> HttpResponse:
    """A person in the side panel; POST saves the changed fields through contact_update."""
    account = account_get(actor=request.user, account_id=account_id)
    contact = _contact(request, account, contact_id)
    if request.method != "POST":
        return _person_panel(request, account, contact)
    rmap = _map(request, account)
    form = ContactForm(request.POST, people=presenter.people_choices(rmap.people), contact=contact)
    if not form.is_valid():
        return _person_panel(request, account, contact, form, status=422)
    try:
        if form.changed_data:
            contact = contact_update(actor=request.user, contact=contact, **form.changes())
    except DuplicateContact as error:
        _errors_onto(form, error)
        return _person_panel(
            request, account, contact, form, status=error.status, duplicate=error.existing
        )
    except DomainError as error:
        _errors_onto(form, error)
        return _person_panel(request, account, contact, form, status=error.status)
    return _changed(_person_panel(request, account, contact, saved=True))


@login_required
def map_person_add_view(request: AuthedRequest, account_id: int) -> HttpResponse:
    """The side panel's "add a person" form; POST creates them through contact_create."""
    account = account_get(actor=request.user, account_id=account_id)
    choices = presenter.people_choices(_map(request, account).people)
    form = ContactForm(request.POST or None, people=choices, initial=request.GET.dict())
    status = 200
    duplicate = None
    if request.method == "POST":
        status = 422
        if form.is_valid():
            try:
                contact = contact_create(actor=request.user, account=account, **form.values())
            except DomainError as error:
                _errors_onto(form, error)
                status = error.status
                duplicate = error.existing if isinstance(error, DuplicateContact) else None
            else:
                return _changed(_person_panel(request, account, contact, saved=True))
    return render(
        request,
        f"{TEMPLATE}#person_add",
        {
            "account": account,
            "form": form,
            "duplicate": duplicate,
            "may_edit": can(request.user, "write"),
            **LAYOUT,
        },
        status=status,
    )


@login_required
@require_POST
def map_person_boss_view(request: AuthedRequest, account_id: int, contact_id: int) -> HttpResponse:
    """A person dropped onto another now reports to them (or, for the undo, to whom they
    reported before); the answer is the toast with the undo of this change."""
    account = account_get(actor=request.user, account_id=account_id)
    contact = _contact(request, account, contact_id)
    form = ReportsToForm(request.POST)
    before = contact.reports_to
    context: dict[str, Any] = {"account": account, "contact": contact, "before": before}
    if not form.is_valid():
        context["error"] = _("Choose whom this person reports to.")
        return render(request, f"{TEMPLATE}#toast", context, status=422)
    try:
        contact = contact_update(
            actor=request.user, contact=contact, reports_to_id=form.cleaned_data["reports_to"]
        )
    except DomainError as error:
        context["error"] = error.message
        return render(request, f"{TEMPLATE}#toast", context, status=error.status)
    context.update(contact=contact, after=contact.reports_to, undo=request.POST.get("undo") == "1")
    response = render(request, f"{TEMPLATE}#toast", context)
    response["HX-Trigger"] = json.dumps({CHANGED: True, MOVED: contact.pk})
    return response


@login_required
@require_POST
def map_person_left_view(request: AuthedRequest, account_id: int, contact_id: int) -> HttpResponse:
    """Mark the person as left the customer, or (`returned`) back."""
    account = account_get(actor=request.user, account_id=account_id)
    contact = _contact(request, account, contact_id)
    try:
        if request.POST.get("returned"):
            contact = contact_mark_returned(actor=request.user, contact=contact)
        else:
            contact = contact_mark_left(actor=request.user, contact=contact)
    except DomainError as error:
        form = ContactForm(people=[], contact=contact)
        form.add_error(None, error.message)
        return _person_panel(request, account, contact, form, status=error.status)
    return _changed(_person_panel(request, account, contact, saved=True))


@login_required
@require_POST
def map_person_merge_view(request: AuthedRequest, account_id: int, contact_id: int) -> HttpResponse:
    """Fold the duplicate named in the POST into this person (contacts_merge)."""
    account = account_get(actor=request.user, account_id=account_id)
    keep = _contact(request, account, contact_id)
    try:
        duplicate = _contact(request, account, int(request.POST.get("duplicate", "0")))
    except ValueError as error:
        raise Http404(_("No such contact.")) from error
    try:
        keep = contacts_merge(actor=request.user, keep=keep, duplicate=duplicate)
    except DomainError as error:
        form = ContactForm(people=[], contact=keep)
        form.add_error(None, error.message)
        return _person_panel(request, account, keep, form, status=error.status)
    return _changed(_person_panel(request, account, keep, saved=True))


@login_required
def map_link_add_view(request: AuthedRequest, account_id: int) -> HttpResponse:
    """The side panel's "add a link" form; POST records it through link_add."""
    account = account_get(actor=request.user, account_id=account_id)
    choices = presenter.people_choices(_map(request, account).people)
    form = LinkForm(request.POST or None, people=choices, initial=request.GET.dict())
    status = 200
    if request.method == "POST":
        status = 422
        if form.is_valid():
            data = form.cleaned_data
            try:
                source = _contact(request, account, data["source"])
                target = _contact(request, account, data["target"])
                link_add(
                    actor=request.user,
                    source=source,
                    target=target,
                    kind=data["kind"],
                    strength=data["strength"],
                    note=data["note"],
                )
            except DomainError as error:
                _errors_onto(form, error)
                status = error.status
            else:
                return _changed(_person_panel(request, account, source, saved=True))
    return render(
        request,
        f"{TEMPLATE}#link_add",
        {"account": account, "form": form, "may_edit": can(request.user, "write")},
        status=status,
    )


@login_required
@require_POST
def map_link_remove_view(request: AuthedRequest, account_id: int, link_id: int) -> HttpResponse:
    account = account_get(actor=request.user, account_id=account_id)
    link = link_get(actor=request.user, link_id=link_id)
    if link.account_id != account.pk:
        raise Http404(_("No such link."))
    source = link.source
    try:
        link_remove(actor=request.user, link=link)
    except DomainError as error:
        form = ContactForm(people=[], contact=source)
        form.add_error(None, error.message)
        return _person_panel(request, account, source, form, status=error.status)
    return _changed(_person_panel(request, account, source, saved=True))


@login_required
@require_GET
def contacts_vcard_view(request: AuthedRequest, account_id: int) -> HttpResponse:
    """The account's contacts as a vCard 4.0 file, for an address book (§7)."""
    account = account_get(actor=request.user, account_id=account_id)
    contacts = contact_list(actor=request.user, account_id=account.pk, filters=ContactFilters())
    response = HttpResponse(
        contacts_vcard(contacts.select_related("account")),
        content_type=f"{VCARD_TYPE}; charset=utf-8",
    )
    response["Content-Disposition"] = content_disposition_header(
        as_attachment=True, filename=f"{account.code}-contacts.vcf"
    )
    return response
