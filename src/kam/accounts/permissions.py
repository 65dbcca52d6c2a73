"""What a user may do to accounts and what hangs under them (DOMAIN §13); the account pages
ask these, the account services enforce them."""

from __future__ import annotations

from typing import Any

from kam.org.permissions import can_govern, can_write, permission, permission_alias

permission_alias("account_create", can_write)
permission_alias("account_update", can_write)
permission_alias("account_code_change", can_govern)
permission_alias("account_request_decide", can_govern)
permission_alias("account_delete", can_govern)
permission_alias("account_reassign_owner", can_govern)
permission_alias("key_status_set", can_govern)
permission_alias("potential_estimate_add", can_write)
permission_alias("note_add", can_write)
permission_alias("accounts_import", can_govern)


@permission("team_manage")
def can_manage_team(actor: Any, account: Any) -> bool:
    """The account's owner, a director or an administrator changes its team."""
    return can_write(actor) and (can_govern(actor) or account.owner_id == actor.pk)


@permission("note_delete")
def can_delete_note(actor: Any, note: Any) -> bool:
    """Authors delete their own notes; a director or administrator may delete any."""
    return can_write(actor) and (can_govern(actor) or note.author_id == actor.pk)
