"""Writes for accounts, their teams, potential estimates, key status and notes (§2, §13),
one module per area: accounts, requests, team, notes, prospects."""

from kam.accounts.services.accounts import (
    ACCOUNT_EDITABLE_FIELDS,
    ERROR_PARENT_CYCLE,
    account_create,
    account_delete,
    account_set_key_status,
    account_update,
)
from kam.accounts.services.notes import (
    NotePosted,
    note_add,
    note_delete,
    note_post,
    potential_estimate_add,
)
from kam.accounts.services.prospects import (
    imports_create_accounts,
    prospects_become_customers,
    prospects_create,
)
from kam.accounts.services.requests import (
    ACCOUNT_REQUESTED,
    account_create_or_request,
    account_request_approve,
    account_request_create,
    account_request_decline,
)
from kam.accounts.services.team import team_member_add, team_member_remove

__all__ = [
    "ACCOUNT_EDITABLE_FIELDS",
    "ACCOUNT_REQUESTED",
    "ERROR_PARENT_CYCLE",
    "NotePosted",
    "account_create",
    "account_create_or_request",
    "account_delete",
    "account_request_approve",
    "account_request_create",
    "account_request_decline",
    "account_set_key_status",
    "account_update",
    "imports_create_accounts",
    "note_add",
    "note_delete",
    "note_post",
    "potential_estimate_add",
    "prospects_become_customers",
    "prospects_create",
    "team_member_add",
    "team_member_remove",
]
