"""Writes of accounts themselves: create, change, delete, key status (DOMAIN §2, §13)."""

from __future__ import annotations

from collections.abc import Collection
from typing import Any

from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from kam.accounts.models import Account, KeyStatusChange
from kam.accounts.selectors import accounts_visible_to
from kam.accounts.signals import account_inputs_changed
from kam.core.errors import Conflict, InvalidInput, PermissionDenied, full_clean_or_raise
from kam.core.history import delete_as, save_as
from kam.org.models import ROLES_OWNING, User
from kam.org.permissions import require_governing, require_write

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
MAX_PARENT_DEPTH = 1000

ERROR_PARENT_CYCLE = gettext_noop(
    "An account cannot be its own parent or the parent of its own parents."
)
ERROR_CODE_TAKEN = gettext_noop("An account with code %(code)s already exists.")
ERROR_OWNER_ROLE = gettext_noop(
    "%(name)s cannot own accounts: an owner is a key account manager or a director."
)


def _resolve_parent(actor: User, parent_id: int | None) -> Account | None:
    if parent_id is None:
        return None
    parent = accounts_visible_to(actor).filter(pk=parent_id).first()
    if parent is None:
        raise InvalidInput(_("No account with id %(id)s.") % {"id": parent_id}, field="parent_id")
    return parent


def _resolve_owner(owner_id: int | None, *, any_role: bool = False) -> User | None:
    """The active user who is to own an account: a key account manager or a director (§13,
    docs/rules.md "Who can hold a role"); `any_role` for the asker of an approved request."""
    if owner_id is None:
        return None
    owner = User.objects.filter(pk=owner_id, is_active=True).first()
    if owner is None:
        raise InvalidInput(_("No active user with id %(id)s.") % {"id": owner_id}, field="owner_id")
    if not any_role and owner.role not in ROLES_OWNING:
        raise InvalidInput(_(ERROR_OWNER_ROLE) % {"name": owner.display_name}, field="owner_id")
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
    owner_asked: bool = False,
    **fields: Any,
) -> Account:
    """Create an account: a director or an administrator, who sees every code (DOMAIN §13,
    docs/rules.md "Asking for an account"); a code taken answers 409. The owner is a manager
    or a director, unless `owner_asked` (the asker of an approved request owns it).

    Raises PermissionDenied, InvalidInput, Conflict.
    """
    require_governing(actor, _("create an account directly; ask a director for one"))
    _check_fields(fields)
    owner = _resolve_owner(owner_id, any_role=owner_asked)
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
        _inputs_changed(account, actor, updated)
    return account


# The account fields that move a computed figure, and the cause each re-score names.
SCORED_FIELDS = {
    "strategic_importance": "factors",
    "technical_fit": "factors",
    "credit_reputation": "factors",
    "parent": "parent",
    "status": "status",
}


def _inputs_changed(account: Account, actor: User, updated: Collection[str]) -> None:
    causes = sorted({SCORED_FIELDS[field] for field in updated if field in SCORED_FIELDS})
    for cause in causes:
        account_inputs_changed.send(Account, account=account, cause=cause, actor=actor)


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
    account_inputs_changed.send(Account, account=account, cause="key_status", actor=actor)
    return decision
