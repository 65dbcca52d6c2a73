"""Writes for accounts, their teams, potential estimates, key status and notes (§2, §13)."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Collection
from decimal import Decimal
from typing import Any

from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils.timezone import now as timezone_now
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop
from simple_history.utils import bulk_create_with_history

from kam.accounts.models import (
    Account,
    AccountRequest,
    AccountStatus,
    AccountTeamMember,
    KeyStatusChange,
    Note,
    PotentialEstimate,
    RequestStatus,
)
from kam.accounts.permissions import can_delete_note, can_manage_team
from kam.accounts.selectors import accounts_visible_to
from kam.core.bulk import history_copy
from kam.core.errors import Conflict, InvalidInput, PermissionDenied, full_clean_or_raise
from kam.core.history import delete_as, save_as
from kam.org.models import User
from kam.org.permissions import can_govern, require_governing, require_write

ACCOUNT_EDITABLE_FIELDS = (
    "code",
    "name",
    "legal_name",
    "account_type",
    "industry",
    "region",
    "size_band",
    "parent",
    "owner",
    "status",
    "strategic_importance",
    "technical_fit",
    "credit_reputation",
)
MENTION = re.compile(r"(?<![\w.@])@([\w.+-]{1,150})")
MAX_PARENT_DEPTH = 1000
MAX_MENTIONS = 20

ERROR_PARENT_CYCLE = gettext_noop(
    "An account cannot be its own parent or the parent of its own parents."
)
ERROR_CODE_TAKEN = gettext_noop("An account with code %(code)s already exists.")
ERROR_ALREADY_ASKED = gettext_noop("You have already asked for an account with code %(code)s.")
ERROR_REQUEST_DECIDED = gettext_noop("This request has already been decided.")
# The answer to asking for an account, whatever the code (docs/rules.md "Asking for an account").
ACCOUNT_REQUESTED = gettext_noop(
    "Your request went to the directors: they create the account, or tell you why not."
    " Follow it under account requests."
)


def _resolve_parent(actor: User, parent_id: int | None) -> Account | None:
    if parent_id is None:
        return None
    parent = accounts_visible_to(actor).filter(pk=parent_id).first()
    if parent is None:
        raise InvalidInput(_("No account with id %(id)s.") % {"id": parent_id}, field="parent_id")
    return parent


def _resolve_owner(owner_id: int | None) -> User | None:
    if owner_id is None:
        return None
    owner = User.objects.filter(pk=owner_id, is_active=True).first()
    if owner is None:
        raise InvalidInput(_("No active user with id %(id)s.") % {"id": owner_id}, field="owner_id")
    return owner


def _check_no_cycle(account: Account, parent: Account | None) -> None:
    """A parent chain must not lead back to the account (groups of any depth, DOMAIN §2)."""
    if parent is None or account.pk is None:
        return
    seen: set[int] = set()
    current: int | None = parent.pk
    while current is not None and len(seen) < MAX_PARENT_DEPTH:
        if current == account.pk:
            raise InvalidInput(_(ERROR_PARENT_CYCLE), field="parent_id")
        seen.add(current)
        current = Account.objects.filter(pk=current).values_list("parent_id", flat=True).first()


def _save(account: Account, actor: User, update_fields: list[str] | None = None) -> None:
    # Code uniqueness is checked before, case-insensitively, to answer 409 not 422.
    full_clean_or_raise(account, validate_unique=False)
    try:
        with transaction.atomic():
            save_as(actor, account, update_fields=update_fields)
    except IntegrityError as error:
        raise Conflict(_(ERROR_CODE_TAKEN) % {"code": account.code}, field="code") from error


def _check_code_free(code: str, exclude_pk: int | None = None) -> None:
    taken = Account.objects.filter(code__iexact=code)
    if exclude_pk is not None:
        taken = taken.exclude(pk=exclude_pk)
    if taken.exists():
        raise Conflict(_(ERROR_CODE_TAKEN) % {"code": code}, field="code")


def _check_fields(fields: Collection[str]) -> None:
    unknown = set(fields) - set(ACCOUNT_EDITABLE_FIELDS)
    if unknown:
        raise InvalidInput(
            _("Unknown field %(field)s.") % {"field": min(unknown)}, field=min(unknown)
        )


def _check_own(actor: User, owner_id: int | None) -> None:
    """Who does not govern owns what they create or ask for (DOMAIN §13)."""
    if owner_id is not None and owner_id != actor.pk:
        raise PermissionDenied(
            _("Only a director or an administrator may assign an account to someone else."),
            field="owner_id",
        )


@transaction.atomic
def account_create(
    *,
    actor: User,
    code: str,
    name: str,
    owner_id: int | None = None,
    parent_id: int | None = None,
    **fields: Any,
) -> Account:
    """Create an account: a director or an administrator, who sees every code (DOMAIN §13,
    docs/rules.md "Asking for an account"); a code taken answers 409.

    Raises PermissionDenied, InvalidInput, Conflict.
    """
    require_governing(actor, _("create an account directly; ask a director for one"))
    _check_fields(fields)
    owner = _resolve_owner(owner_id)
    code = code.strip()
    _check_code_free(code)
    account = Account(
        code=code,
        name=name.strip(),
        owner=owner,
        parent=_resolve_parent(actor, parent_id),
        **fields,
    )
    _save(account, actor)
    return account


@transaction.atomic
def account_request_create(
    *,
    actor: User,
    code: str,
    name: str,
    owner_id: int | None = None,
    parent_id: int | None = None,
    **fields: Any,
) -> AccountRequest:
    """Ask for an account (docs/rules.md "Asking for an account"): a code free or taken by an
    account the asker cannot see gives the same request, by the same queries, so the answer
    never tells whether a hidden account exists. Only a code the asker sees answers 409.

    Raises PermissionDenied, InvalidInput, Conflict.
    """
    require_write(actor)
    _check_fields(fields)
    _check_own(actor, owner_id)
    code = code.strip()
    if accounts_visible_to(actor).filter(code__iexact=code).exists():
        raise Conflict(_(ERROR_CODE_TAKEN) % {"code": code}, field="code")
    # The same checks an account gets, so a request that is approved can be created.
    wanted = Account(
        code=code,
        name=name.strip(),
        owner=actor,
        parent=_resolve_parent(actor, parent_id),
        **fields,
    )
    full_clean_or_raise(wanted, validate_unique=False)
    asked = AccountRequest.objects.filter(
        requested_by=actor, status=RequestStatus.OPEN, code__iexact=code
    )
    if asked.exists():
        raise Conflict(_(ERROR_ALREADY_ASKED) % {"code": code}, field="code")
    request = AccountRequest(
        code=code,
        name=wanted.name,
        fields={**fields, "parent_id": parent_id},
        requested_by=actor,
    )
    full_clean_or_raise(request)
    save_as(actor, request)
    return request


def account_create_or_request(*, actor: User, **wanted: Any) -> Account | AccountRequest:
    """A director or an administrator creates the account; anyone else asks for it."""
    if can_govern(actor):
        return account_create(actor=actor, **wanted)
    return account_request_create(actor=actor, **wanted)


def _open_request(account_request: AccountRequest) -> AccountRequest:
    locked = AccountRequest.objects.select_for_update().get(pk=account_request.pk)
    if locked.status != RequestStatus.OPEN:
        raise Conflict(_(ERROR_REQUEST_DECIDED), field="status")
    return locked


@transaction.atomic
def account_request_approve(*, actor: User, account_request: AccountRequest) -> Account:
    """Create the asked-for account, owned by the asker; a code taken meanwhile (or by an
    account the asker could not see) answers 409 to the director, who sees it.

    Raises PermissionDenied, InvalidInput, Conflict.
    """
    require_governing(actor, _("decide an account request"))
    request = _open_request(account_request)
    fields = dict(request.fields)
    parent_id = fields.pop("parent_id", None)
    account = account_create(
        actor=actor,
        code=request.code,
        name=request.name,
        owner_id=request.requested_by_id,
        parent_id=parent_id,
        **fields,
    )
    request.status = RequestStatus.APPROVED
    request.account = account
    request.decided_by = actor
    request.decided_at = timezone_now()
    save_as(actor, request, update_fields=["status", "account", "decided_by", "decided_at"])
    return account


@transaction.atomic
def account_request_decline(
    *, actor: User, account_request: AccountRequest, reason: str = ""
) -> AccountRequest:
    """Decline an account request, with a reason the asker reads.

    Raises PermissionDenied, InvalidInput, Conflict.
    """
    require_governing(actor, _("decide an account request"))
    request = _open_request(account_request)
    request.status = RequestStatus.DECLINED
    request.reason = reason.strip()
    request.decided_by = actor
    request.decided_at = timezone_now()
    full_clean_or_raise(request)
    save_as(actor, request, update_fields=["status", "reason", "decided_by", "decided_at"])
    return request


@transaction.atomic
def account_update(*, actor: User, account: Account, **changes: Any) -> Account:
    """Change an account's fields; only director or admin reassign the owner (DOMAIN §13).

    `changes` may hold `owner_id` and `parent_id` for the relations. Raises PermissionDenied,
    InvalidInput, Conflict.
    """
    require_write(actor)
    account = Account.objects.select_for_update().get(pk=account.pk)
    updated: list[str] = []
    if "owner_id" in changes:
        owner_id = changes.pop("owner_id")
        if owner_id != account.owner_id:
            require_governing(actor, _("reassign an account's owner"))
            account.owner = _resolve_owner(owner_id)
            updated.append("owner")
    if "parent_id" in changes:
        parent_id = changes.pop("parent_id")
        if parent_id != account.parent_id:
            parent = _resolve_parent(actor, parent_id)
            _check_no_cycle(account, parent)
            account.parent = parent
            updated.append("parent")
    if "code" in changes:
        changes["code"] = changes["code"].strip()
        if changes["code"] != account.code:
            # Only who sees every code may change one: a 409 would tell of a hidden account.
            require_governing(actor, _("change an account's code"))
            _check_code_free(changes["code"], exclude_pk=account.pk)
    for field, value in changes.items():
        if field not in ACCOUNT_EDITABLE_FIELDS or field in ("owner", "parent"):
            raise InvalidInput(_("Unknown field %(field)s.") % {"field": field}, field=field)
        if getattr(account, field) != value:
            setattr(account, field, value)
            updated.append(field)
    if updated:
        _save(account, actor, update_fields=[*updated, "updated_at"])
    return account


@transaction.atomic
def account_delete(*, actor: User, account: Account) -> None:
    """Delete an account (director or admin); groups must be emptied first."""
    require_governing(actor, _("delete an account"))
    if account.subsidiaries.exists():
        raise Conflict(
            _("The account has subsidiaries; move or delete them first."), field="parent_id"
        )
    # Lock the row before the cascade collects the ledger (whose tables carry no database
    # foreign key): an import using the account finishes first, and its lines are collected.
    Account.objects.select_for_update().filter(pk=account.pk).exists()
    delete_as(actor, account)


@transaction.atomic
def account_set_key_status(
    *, actor: User, account: Account, is_key: bool, reason: str
) -> KeyStatusChange:
    """Confirm or withdraw key-account status with a reason (DOMAIN §2, §13)."""
    require_governing(actor, _("change key-account status"))
    reason = reason.strip()
    if not reason:
        raise InvalidInput(_("Give a reason for the key-account decision."), field="reason")
    account = Account.objects.select_for_update().get(pk=account.pk)
    decision = KeyStatusChange(account=account, is_key=is_key, reason=reason, decided_by=actor)
    full_clean_or_raise(decision)
    save_as(actor, decision)
    account.is_key = is_key
    account.key_reason = reason
    _save(account, actor, update_fields=["is_key", "key_reason", "updated_at"])
    return decision


def _require_team_manager(actor: User, account: Account) -> None:
    require_write(actor)
    if not can_manage_team(actor, account):
        raise PermissionDenied(
            _("Only the account's owner, a director or an administrator may change its team.")
        )


@transaction.atomic
def team_member_add(*, actor: User, account: Account, user_id: int, role: str) -> AccountTeamMember:
    """Put a user on the account team with a role (DOMAIN §13)."""
    _require_team_manager(actor, account)
    user = User.objects.filter(pk=user_id, is_active=True).first()
    if user is None:
        raise InvalidInput(_("No active user with id %(id)s.") % {"id": user_id}, field="user_id")
    if account.team_members.filter(user=user, role=role).exists():
        raise Conflict(
            _("%(user)s already has this role on the team.") % {"user": user.display_name},
            field="user_id",
        )
    member = AccountTeamMember(account=account, user=user, role=role)
    full_clean_or_raise(member)
    save_as(actor, member)
    return member


@transaction.atomic
def team_member_remove(*, actor: User, member: AccountTeamMember) -> None:
    _require_team_manager(actor, member.account)
    delete_as(actor, member)


@transaction.atomic
def potential_estimate_add(
    *, actor: User, account: Account, amount: Decimal, estimated_on: dt.date, source: str = ""
) -> PotentialEstimate:
    """Record a potential estimate; the latest dated one counts (DOMAIN §2)."""
    require_write(actor)
    estimate = PotentialEstimate(
        account=account,
        amount=amount,
        estimated_on=estimated_on,
        source=source.strip(),
        author=actor,
    )
    full_clean_or_raise(estimate)
    save_as(actor, estimate)
    return estimate


@transaction.atomic
def note_add(*, actor: User, account: Account, body: str) -> Note:
    """Add a note; @user names of people who can see the account are recorded as mentions."""
    require_write(actor)
    body = body.strip()
    if not body:
        raise InvalidInput(_("A note needs some text."), field="body")
    note = Note(account=account, author=actor, body=body)
    full_clean_or_raise(note)
    save_as(actor, note)
    names = sorted({name.rstrip(".").lower() for name in MENTION.findall(body)})[:MAX_MENTIONS]
    if names:
        matches = Q()
        for name in names:
            matches |= Q(username__iexact=name)
        note.mentions.set(
            user
            for user in User.objects.filter(matches, is_active=True)
            if accounts_visible_to(user).filter(pk=account.pk).exists()
        )
    return note


@transaction.atomic
def note_delete(*, actor: User, note: Note) -> None:
    """Authors delete their own notes; a director or admin may delete any."""
    require_write(actor)
    if not can_delete_note(actor, note):
        raise PermissionDenied(
            _("Only the author, a director or an administrator may delete a note.")
        )
    delete_as(actor, note)


def prospects_become_customers(*, account_ids: Collection[int], actor: User | None) -> list[int]:
    """A prospect that buys becomes a customer (docs/rules.md): the prospects among
    `account_ids` (accounts whose ledger holds positive net revenue) turn customer, recorded
    in their history as `actor`'s change (None: a system import). Returns their ids."""
    prospects = Account.objects.filter(status=AccountStatus.PROSPECT).values_list("pk", flat=True)
    buyers = sorted(set(prospects) & set(account_ids))
    # One UPDATE per chunk of keys (bulk_update would write a CASE per row), then history.
    for start in range(0, len(buyers), 5000):
        Account.objects.filter(pk__in=buyers[start : start + 5000]).update(
            status=AccountStatus.CUSTOMER
        )
    history_copy(Account, buyers, user_id=actor.pk if actor else None)
    return buyers


def prospects_create(*, actor: User | None, new: list[tuple[str, str]]) -> dict[str, int]:
    """Unknown customers of an import become prospect accounts (docs/rules.md), in bulk.

    `new` holds (code, name) pairs not yet taken. Only a director's, an administrator's or a
    system import creates accounts (`imports_create_accounts`); the prospects have no owner yet.
    Returns code → id of the created accounts.
    """
    accounts = [
        Account(code=code, name=(name or code)[:200], status=AccountStatus.PROSPECT)
        for code, name in new
    ]
    bulk_create_with_history(accounts, Account, default_user=actor, batch_size=1000)
    codes = [code for code, _name in new]
    return dict(Account.objects.filter(code__in=codes).values_list("code", "id"))


def imports_create_accounts(actor: User | None) -> bool:
    """Whether an import by `actor` may create prospects for unknown codes: a system import
    (no user), a director or an administrator. Anyone else's unknown code is refused like a
    code of an account they cannot see, so an import never tells one from the other (§13)."""
    return actor is None or can_govern(actor)
