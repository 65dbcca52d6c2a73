"""Reads for accounts; every read starts from accounts_visible_to (DOMAIN §13)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.core.paginator import Page
from django.db.models import Count, Model, Q, QuerySet
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _

from kam.accounts.columns import column_for_sort
from kam.accounts.columns import registered as list_columns
from kam.accounts.models import (
    Account,
    AccountRequest,
    AccountTeamMember,
    KeyStatusChange,
    Note,
    PotentialEstimate,
)
from kam.core.paging import page_of
from kam.org.models import User

ACCOUNT_SORTS: dict[str, tuple[str, ...]] = {
    "code": ("code",),
    "-code": ("-code",),
    "name": ("name", "code"),
    "-name": ("-name", "code"),
    "industry": ("industry", "code"),
    "-industry": ("-industry", "code"),
    "region": ("region", "code"),
    "-region": ("-region", "code"),
    "status": ("status", "code"),
    "-status": ("-status", "code"),
    # People by the name the list shows (display_name: first and last name, else login).
    "owner": ("owner__first_name", "owner__last_name", "owner__username", "code"),
    "-owner": ("-owner__first_name", "-owner__last_name", "-owner__username", "code"),
    # Key accounts first, then the others.
    "key": ("-is_key", "code"),
    "-key": ("is_key", "code"),
    "updated": ("updated_at", "code"),
    "-updated": ("-updated_at", "code"),
}


def accounts_visible_to(actor: User) -> QuerySet[Account]:
    """The one visibility rule (DOMAIN §13): all for director/executive/admin, else owned or
    on the account team."""
    if not actor.is_authenticated or not actor.is_active:
        return Account.objects.none()
    if sees_every_account(actor):
        return Account.objects.all()
    on_team = AccountTeamMember.objects.filter(user=actor).values("account_id")
    return Account.objects.filter(Q(owner=actor) | Q(pk__in=on_team))


def sees_every_account(actor: User) -> bool:
    """Whether the visibility rule (DOMAIN §13) shows `actor` every account: a read for them
    needs no filter by account, and what it counts is the same for everyone who does."""
    return bool(actor.is_authenticated and actor.is_active and actor.sees_all_accounts)


def accounts_writable_by(actor: User) -> QuerySet[Account]:
    """The accounts `actor` may change (an import's rows, §13): the visible ones, none for a
    read-only role."""
    if not actor.can_write:
        return Account.objects.none()
    return accounts_visible_to(actor)


def account_get(*, actor: User, account_id: int) -> Account:
    """Missing and not-visible raise the same Http404 (DOMAIN §13)."""
    return get_object_or_404(
        accounts_visible_to(actor).select_related("owner", "parent"), pk=account_id
    )


@dataclass(frozen=True)
class AccountFilters:
    status: str | None = None
    is_key: bool | None = None
    owner_id: int | None = None
    unowned: bool = False  # only the accounts without an owner
    industry: str | None = None
    region: str | None = None
    parent_id: int | None = None
    q: str | None = None
    sort: str = "code"


def account_list(
    *, actor: User, filters: AccountFilters, with_columns: bool = False
) -> QuerySet[Account]:
    """Visible accounts matching the filters, sorted (ties by code). `with_columns` adds the
    figures of the list columns higher apps registered (kam.accounts.columns), in the same
    query, and lets the list sort by them."""
    accounts = accounts_visible_to(actor).select_related("owner", "parent")
    if filters.status:
        accounts = accounts.filter(status=filters.status)
    if filters.is_key is not None:
        accounts = accounts.filter(is_key=filters.is_key)
    if filters.owner_id is not None:
        accounts = accounts.filter(owner_id=filters.owner_id)
    if filters.unowned:
        accounts = accounts.filter(owner__isnull=True)
    if filters.industry:
        accounts = accounts.filter(industry__iexact=filters.industry)
    if filters.region:
        accounts = accounts.filter(region__iexact=filters.region)
    if filters.parent_id is not None:
        accounts = accounts.filter(parent_id=filters.parent_id)
    if filters.q:
        term = filters.q.strip()
        accounts = accounts.filter(
            Q(code__icontains=term) | Q(name__icontains=term) | Q(legal_name__icontains=term)
        )
    if with_columns:
        for column in list_columns():
            accounts = accounts.annotate(**column.annotations())
        chosen = column_for_sort(filters.sort)
        if chosen is not None:
            column, descending = chosen
            return accounts.order_by(column.ordering(descending=descending), "code")
    return accounts.order_by(*ACCOUNT_SORTS.get(filters.sort, ACCOUNT_SORTS["code"]))


def account_page(
    *, actor: User, filters: AccountFilters, page: str | None, per_page: str | None = None
) -> Page:
    """One bounded page of the account list with its registered columns (the first or last
    page for a number out of range)."""
    rows = account_list(actor=actor, filters=filters, with_columns=True)
    return page_of(rows, page=page, per_page=per_page)


def account_facets(*, actor: User) -> dict[str, list[str]]:
    """Distinct industries and regions among visible accounts, for filter menus: each value
    once, ignoring case as the filter does (`Machinery` and `machinery` are one option)."""
    visible = accounts_visible_to(actor)
    facets: dict[str, list[str]] = {}
    for field in ("industry", "region"):
        # order_by(field) replaces the model's ordering by code, which would otherwise join
        # the DISTINCT and give one option per account.
        values = visible.exclude(**{field: ""}).order_by(field).values_list(field, flat=True)
        seen: dict[str, str] = {}
        for value in values.distinct():
            seen.setdefault(value.casefold(), value)
        facets[field] = sorted(seen.values(), key=str.casefold)
    return facets


def account_owners(*, actor: User) -> QuerySet[User]:
    """The active users who own an account the actor sees (§13), for owner filter menus."""
    owners = accounts_visible_to(actor).values("owner_id")
    return User.objects.filter(is_active=True, pk__in=owners).order_by(
        "first_name", "last_name", "username"
    )


def account_team(*, account: Account) -> QuerySet[AccountTeamMember]:
    return account.team_members.select_related("user").order_by("role", "user__username")


def team_member_get(*, account: Account, member_id: int) -> AccountTeamMember:
    return get_object_or_404(account.team_members.select_related("user"), pk=member_id)


def account_potentials(*, account: Account) -> QuerySet[PotentialEstimate]:
    return account.potential_estimates.select_related("author").order_by("-estimated_on", "-id")


def potential_effective(*, account: Account, as_of: dt.date) -> PotentialEstimate | None:
    """The estimate dated latest on or before as_of, ties to the latest entered (DOMAIN §2)."""
    return (
        account.potential_estimates.filter(estimated_on__lte=as_of)
        .order_by("-estimated_on", "-created_at", "-id")
        .first()
    )


def account_notes(*, account: Account) -> QuerySet[Note]:
    return account.notes.select_related("author").prefetch_related("mentions")


def note_get(*, account: Account, note_id: int) -> Note:
    return get_object_or_404(account.notes.select_related("author"), pk=note_id)


def account_key_decisions(*, account: Account) -> QuerySet[KeyStatusChange]:
    return account.key_status_changes.select_related("decided_by")


def account_subsidiaries(*, actor: User, account: Account) -> QuerySet[Account]:
    return accounts_visible_to(actor).filter(parent=account).order_by("code")


@dataclass(frozen=True)
class HistoryChange:
    field: str
    old: str
    new: str


@dataclass(frozen=True)
class HistoryEntry:
    at: dt.datetime
    user: str
    action: str
    changes: tuple[HistoryChange, ...]
    kind: str = "edit"  # a kam.accounts.timeline kind: edit, note, key_status, override…
    detail: str = ""  # a line of text under the action (a note's body, a reason)
    key: str = ""  # the tiebreak among entries at the same moment (kam.accounts.timeline)
    link: str = ""  # the record's page, when it has one


def _display(
    model: type[Model], field_name: str, value: Any, users: dict[int, str], accounts: dict[int, str]
) -> str:
    if value is None or value == "":
        return "—"
    choices = getattr(model._meta.get_field(field_name), "choices", None)
    if choices:
        return str(dict(choices).get(value, value))
    if field_name == "owner":
        return users.get(value, str(value))
    if field_name == "parent":
        return accounts.get(value, str(value))
    if isinstance(value, bool):
        return _("yes") if value else _("no")
    return str(value)


_DECIDED_FIELDS = frozenset({"is_key", "key_reason"})


@dataclass
class HistoryBatch:
    """Edits of the account, newest first, and the (at, key) read down to when more may lie
    below (kam.accounts.timeline.Batch)."""

    entries: list[HistoryEntry]
    horizon: Any = None


def _history_key(stream: str, history_id: int) -> str:
    return f"{stream}:{history_id:012d}.00"


def account_history_page(*, account: Account, limit: int = 200, before: Any = None) -> HistoryBatch:
    """Who changed what and when on the account, its team and estimates, newest first, older
    than the timeline cursor `before`: a fixed five queries at most whatever the account's
    history (docs/rules.md "Change history")."""
    from kam.accounts.timeline import Cursor, keyset

    read = list(
        keyset(
            account.history.select_related("history_user"),
            "history_date",
            "edit_account",
            before,
            pk="history_id",
        )[: limit + 1]
    )
    # The oldest row read only says what its successor changed, unless it is the first.
    full = len(read) > limit
    records = list(reversed(read))
    user_ids = {r.owner_id for r in records if r.owner_id}
    parent_ids = {r.parent_id for r in records if r.parent_id}
    users = {u.pk: u.display_name for u in User.objects.filter(pk__in=user_ids)} if user_ids else {}
    parents = (
        {a.pk: str(a) for a in Account.objects.filter(pk__in=parent_ids)} if parent_ids else {}
    )

    entries: list[HistoryEntry] = []
    horizon = None
    previous = None
    for index, record in enumerate(records):
        who = record.history_user.display_name if record.history_user else _("system")
        key = _history_key("edit_account", record.history_id)
        if full and index == 0:
            horizon = (
                Cursor(records[1].history_date, _history_key("edit_account", records[1].history_id))
                if len(records) > 1
                else None
            )
        elif previous is None or record.history_type == "+":
            entries.append(
                HistoryEntry(record.history_date, who, _("created the account"), (), key=key)
            )
        else:
            delta = record.diff_against(previous)
            changes = tuple(
                HistoryChange(
                    field=str(
                        getattr(Account._meta.get_field(change.field), "verbose_name", change.field)
                    ),
                    old=_display(Account, change.field, change.old, users, parents),
                    new=_display(Account, change.field, change.new, users, parents),
                )
                for change in delta.changes
                # A key-status decision is its own entry (kam.accounts.timeline), with its reason.
                if change.field not in _DECIDED_FIELDS
            )
            if changes:
                entries.append(
                    HistoryEntry(record.history_date, who, _("changed"), changes, key=key)
                )
        previous = record

    members = keyset(
        AccountTeamMember.history.filter(
            account_id=account.pk, history_type__in=["+", "-"]
        ).select_related("history_user", "user"),
        "history_date",
        "edit_team",
        before,
        pk="history_id",
    )
    for member in members[:limit]:
        who = member.history_user.display_name if member.history_user else _("system")
        member_label = f"{member.user.display_name} ({member.get_role_display()})"
        added = member.history_type == "+"
        entries.append(
            HistoryEntry(
                member.history_date,
                who,
                _("added to the team") if added else _("removed from the team"),
                (
                    HistoryChange(_("team"), "—", member_label)
                    if added
                    else HistoryChange(_("team"), member_label, "—"),
                ),
                key=_history_key("edit_team", member.history_id),
            )
        )

    estimates = keyset(
        PotentialEstimate.history.filter(
            account_id=account.pk, history_type__in=["+", "-"]
        ).select_related("history_user"),
        "history_date",
        "edit_estimate",
        before,
        pk="history_id",
    )
    for estimate in estimates[:limit]:
        who = estimate.history_user.display_name if estimate.history_user else _("system")
        label = f"{estimate.amount:,.2f} ({estimate.estimated_on.isoformat()})"
        action = (
            _("added a potential estimate")
            if estimate.history_type == "+"
            else _("removed a potential estimate")
        )
        entries.append(
            HistoryEntry(
                estimate.history_date,
                who,
                action,
                (HistoryChange(_("potential"), "—", label),),
                key=_history_key("edit_estimate", estimate.history_id),
            )
        )
    entries.sort(key=lambda entry: (entry.at, entry.key), reverse=True)
    return HistoryBatch(entries, horizon)


def account_history(*, account: Account, limit: int = 200) -> list[HistoryEntry]:
    """Who changed what and when on the account, its team, estimates and key status (newest
    first)."""
    return account_history_page(account=account, limit=limit).entries[:limit]


@dataclass(frozen=True)
class DashboardSummary:
    accounts: int
    key_accounts: int
    customers: int
    prospects: int
    recent: list[Account]
    account_requests_open: int = 0  # for who decides them: directors and administrators
    unowned: int = 0  # visible accounts without an owner (a manager)


def dashboard_summary(*, actor: User) -> DashboardSummary:
    """Counts of the accounts the user sees and the ones changed last."""
    visible = accounts_visible_to(actor)
    counts = visible.aggregate(
        accounts=Count("pk"),
        key_accounts=Count("pk", filter=Q(is_key=True)),
        customers=Count("pk", filter=Q(status="customer")),
        prospects=Count("pk", filter=Q(status="prospect")),
        unowned=Count("pk", filter=Q(owner__isnull=True)),
    )
    recent = list(visible.select_related("owner").order_by("-updated_at", "code")[:8])
    waiting = account_requests_open(actor=actor).count() if actor.governs else 0
    return DashboardSummary(recent=recent, account_requests_open=waiting, **counts)


def account_requests_visible_to(actor: User) -> QuerySet[AccountRequest]:
    """Account requests: all for who sees every account, else the user's own (§13)."""
    if not actor.is_authenticated or not actor.is_active:
        return AccountRequest.objects.none()
    requests = AccountRequest.objects.select_related("requested_by", "decided_by", "account")
    if actor.sees_all_accounts:
        return requests
    return requests.filter(requested_by=actor)


def account_requests_open(*, actor: User) -> QuerySet[AccountRequest]:
    """The requests still waiting for a director, oldest first."""
    return account_requests_visible_to(actor).filter(status="open").order_by("requested_at", "id")


def account_request_get(*, actor: User, request_id: int) -> AccountRequest:
    """Missing and another user's request raise the same Http404 (§13)."""
    return get_object_or_404(account_requests_visible_to(actor), pk=request_id)
