"""Asking for an account and deciding the request (docs/rules.md "Asking for an account")."""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.utils.timezone import now as timezone_now
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from kam.accounts.models import Account, AccountRequest, RequestStatus
from kam.accounts.selectors import accounts_visible_to
from kam.accounts.services.accounts import (
    ERROR_CODE_TAKEN,
    _check_fields,
    _check_own,
    _resolve_parent,
    account_create,
)
from kam.core.errors import Conflict, full_clean_or_raise
from kam.core.history import save_as
from kam.org.models import User
from kam.org.permissions import can_govern, require_governing, require_write

ERROR_ALREADY_ASKED = gettext_noop("You have already asked for an account with code %(code)s.")
ERROR_REQUEST_DECIDED = gettext_noop("This request has already been decided.")
# The answer to asking for an account, whatever the code (docs/rules.md "Asking for an account").
ACCOUNT_REQUESTED = gettext_noop(
    "Your request went to the directors: they create the account, or tell you why not."
    " Follow it under account requests."
)


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
        owner_asked=True,
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
