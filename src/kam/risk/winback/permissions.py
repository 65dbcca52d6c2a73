"""What a user may do to a win-back plan (DOMAIN §10, §13); the pages ask this, the services
enforce the same gates."""

from __future__ import annotations

from typing import Any

from kam.org.permissions import can_govern, can_write, permission, permission_alias


@permission("win_back_start")
def can_start_win_back(actor: Any, account: Any = None) -> bool:
    """The account's owner, or a director or an administrator, starts a plan (§10)."""
    if not can_write(actor):
        return False
    if can_govern(actor):
        return True
    return account is not None and getattr(account, "owner_id", None) == actor.pk


# Anyone who sees the plan (§13) and may write works on it.
permission_alias("win_back_act", can_write)
