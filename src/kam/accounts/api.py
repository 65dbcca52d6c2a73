"""API: accounts, their team, potential estimates, key status, notes and history."""

from typing import Any

from django.db.models import QuerySet
from django.utils.translation import gettext as _
from ninja import Query, Router, Status
from ninja.pagination import paginate

from kam.accounts.models import (
    Account,
    AccountRequest,
    AccountTeamMember,
    KeyStatusChange,
    Note,
    PotentialEstimate,
)
from kam.accounts.schemas import (
    AccountIn,
    AccountOut,
    AccountPatch,
    AccountQuery,
    AccountRequestDeclineIn,
    AccountRequestedOut,
    AccountRequestOut,
    HistoryEntryOut,
    KeyStatusIn,
    KeyStatusOut,
    NoteIn,
    NoteOut,
    NotePostedOut,
    PotentialIn,
    PotentialOut,
    TeamMemberIn,
    TeamMemberOut,
    TimelineOut,
)
from kam.accounts.selectors import (
    AccountFilters,
    HistoryEntry,
    account_get,
    account_key_decisions,
    account_list,
    account_notes,
    account_potentials,
    account_request_get,
    account_requests_visible_to,
    account_team,
    note_get,
    team_member_get,
)
from kam.accounts.services import (
    ACCOUNT_REQUESTED,
    NotePosted,
    account_create_or_request,
    account_delete,
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
from kam.accounts.timeline import account_timeline, timeline_asked
from kam.core.schemas import ERROR_CODES, ErrorOut, Page, PathId

router = Router(tags=["accounts"])
requests_router = Router(tags=["accounts"])


@router.get("", response={200: list[AccountOut], ERROR_CODES: ErrorOut})
@paginate(Page)
def list_accounts(request: Any, filters: Query[AccountQuery]) -> QuerySet[Account]:
    return account_list(actor=request.user, filters=AccountFilters(**filters.dict()))


@router.post("", response={201: AccountOut, 202: AccountRequestedOut, ERROR_CODES: ErrorOut})
def create_account(request: Any, body: AccountIn) -> Status[Any]:
    """A director or an administrator creates the account (201); anyone else asks for it
    (202, the same answer whatever the code: docs/rules.md "Asking for an account")."""
    made = account_create_or_request(actor=request.user, **body.dict())
    if isinstance(made, AccountRequest):
        return Status(202, {"detail": _(ACCOUNT_REQUESTED)})
    return Status(201, made)


@requests_router.get("", response={200: list[AccountRequestOut], ERROR_CODES: ErrorOut})
@paginate(Page)
def list_account_requests(request: Any) -> QuerySet[AccountRequest]:
    return account_requests_visible_to(request.user)


@requests_router.post("/{request_id}/approve", response={201: AccountOut, ERROR_CODES: ErrorOut})
def approve_account_request(request: Any, request_id: PathId) -> Status[Account]:
    asked = account_request_get(actor=request.user, request_id=request_id)
    return Status(201, account_request_approve(actor=request.user, account_request=asked))


@requests_router.post(
    "/{request_id}/decline", response={200: AccountRequestOut, ERROR_CODES: ErrorOut}
)
def decline_account_request(
    request: Any, request_id: PathId, body: AccountRequestDeclineIn
) -> AccountRequest:
    asked = account_request_get(actor=request.user, request_id=request_id)
    return account_request_decline(actor=request.user, account_request=asked, reason=body.reason)


@router.get("/{account_id}", response={200: AccountOut, ERROR_CODES: ErrorOut})
def get_account(request: Any, account_id: PathId) -> Account:
    return account_get(actor=request.user, account_id=account_id)


@router.patch("/{account_id}", response={200: AccountOut, ERROR_CODES: ErrorOut})
def update_account(request: Any, account_id: PathId, body: AccountPatch) -> Account:
    account = account_get(actor=request.user, account_id=account_id)
    return account_update(actor=request.user, account=account, **body.dict(exclude_unset=True))


@router.delete("/{account_id}", response={204: None, ERROR_CODES: ErrorOut})
def delete_account(request: Any, account_id: PathId) -> Status[None]:
    account_delete(
        actor=request.user, account=account_get(actor=request.user, account_id=account_id)
    )
    return Status(204, None)


@router.get("/{account_id}/key-status", response={200: list[KeyStatusOut], ERROR_CODES: ErrorOut})
def list_key_status_decisions(request: Any, account_id: PathId) -> QuerySet[KeyStatusChange]:
    return account_key_decisions(account=account_get(actor=request.user, account_id=account_id))


@router.post("/{account_id}/key-status", response={201: KeyStatusOut, ERROR_CODES: ErrorOut})
def set_key_status(request: Any, account_id: PathId, body: KeyStatusIn) -> Status[KeyStatusChange]:
    account = account_get(actor=request.user, account_id=account_id)
    return Status(201, account_set_key_status(actor=request.user, account=account, **body.dict()))


@router.get("/{account_id}/team", response={200: list[TeamMemberOut], ERROR_CODES: ErrorOut})
def list_team_members(request: Any, account_id: PathId) -> QuerySet[AccountTeamMember]:
    return account_team(account=account_get(actor=request.user, account_id=account_id))


@router.post("/{account_id}/team", response={201: TeamMemberOut, ERROR_CODES: ErrorOut})
def add_team_member(
    request: Any, account_id: PathId, body: TeamMemberIn
) -> Status[AccountTeamMember]:
    account = account_get(actor=request.user, account_id=account_id)
    return Status(201, team_member_add(actor=request.user, account=account, **body.dict()))


@router.delete("/{account_id}/team/{member_id}", response={204: None, ERROR_CODES: ErrorOut})
def remove_team_member(request: Any, account_id: PathId, member_id: PathId) -> Status[None]:
    account = account_get(actor=request.user, account_id=account_id)
    team_member_remove(
        actor=request.user, member=team_member_get(account=account, member_id=member_id)
    )
    return Status(204, None)


@router.get("/{account_id}/potentials", response={200: list[PotentialOut], ERROR_CODES: ErrorOut})
def list_potential_estimates(request: Any, account_id: PathId) -> QuerySet[PotentialEstimate]:
    return account_potentials(account=account_get(actor=request.user, account_id=account_id))


@router.post("/{account_id}/potentials", response={201: PotentialOut, ERROR_CODES: ErrorOut})
def add_potential_estimate(
    request: Any, account_id: PathId, body: PotentialIn
) -> Status[PotentialEstimate]:
    account = account_get(actor=request.user, account_id=account_id)
    return Status(201, potential_estimate_add(actor=request.user, account=account, **body.dict()))


@router.get("/{account_id}/notes", response={200: list[NoteOut], ERROR_CODES: ErrorOut})
@paginate(Page)
def list_notes(request: Any, account_id: PathId) -> QuerySet[Note]:
    return account_notes(account=account_get(actor=request.user, account_id=account_id))


@router.post("/{account_id}/notes", response={201: NotePostedOut, ERROR_CODES: ErrorOut})
def add_note(request: Any, account_id: PathId, body: NoteIn) -> Status[NotePosted]:
    """Add a note; `unknown_mentions` lists @names no active colleague has, and
    `mentions_without_access` colleagues who cannot see the account: neither was told."""
    account = account_get(actor=request.user, account_id=account_id)
    return Status(201, note_post(actor=request.user, account=account, body=body.body))


@router.delete("/{account_id}/notes/{note_id}", response={204: None, ERROR_CODES: ErrorOut})
def delete_note(request: Any, account_id: PathId, note_id: PathId) -> Status[None]:
    account = account_get(actor=request.user, account_id=account_id)
    note_delete(actor=request.user, note=note_get(account=account, note_id=note_id))
    return Status(204, None)


@router.get("/{account_id}/history", response={200: list[HistoryEntryOut], ERROR_CODES: ErrorOut})
def get_account_history(request: Any, account_id: PathId) -> list[HistoryEntry]:
    """Everything recorded of the account, newest first: edits, notes, key-status decisions,
    overrides, re-scores and imports (docs/rules.md "Change history")."""
    account = account_get(actor=request.user, account_id=account_id)
    return account_timeline(account=account, limit=200)


@router.get("/{account_id}/timeline", response={200: TimelineOut, ERROR_CODES: ErrorOut})
def get_account_timeline(
    request: Any,
    account_id: PathId,
    kinds: str | None = None,
    before: str | None = None,
    limit: int = 50,
) -> dict[str, Any]:
    """One page of the account's timeline, newest first: `kinds=activity,complaint` filters,
    `before=` takes the previous page's `next_before` (keyset, no gaps or repeats), `limit`
    1–200 (docs/rules.md "Change history")."""
    account = account_get(actor=request.user, account_id=account_id)
    page = timeline_asked(account=account, kinds=kinds, before=before, limit=limit)
    return {
        "entries": page.entries,
        "next_before": str(page.next_cursor) if page.next_cursor else None,
        "kinds": [{"key": kind.key, "label": str(kind.label)} for kind in page.kinds],
    }
