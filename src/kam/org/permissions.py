"""What a user may do (DOMAIN §13): one `can_<action>(actor, obj)` per action, asked by pages
(views and the `{% can %}` template tag) and enforced by the services' `require_*`, so a page
never offers what the service refuses.

Each app declares its actions with `@permission("<action>")` (or `permission_alias`) in its own
`permissions.py`; this module holds the role gates every action builds on.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar

from django.utils.translation import gettext as _

from kam.core.errors import PermissionDenied
from kam.org.models import User

Check = Callable[[Any, Any], bool]
C = TypeVar("C", bound=Check)

_ACTIONS: dict[str, Check] = {}


def permission(action: str) -> Callable[[C], C]:
    """Register `check` as the one answer to "may this actor do `action` (to this object)?"."""

    def register(check: C) -> C:
        permission_alias(action, check)
        return check

    return register


def permission_alias(action: str, check: Check) -> None:
    """Declare an action that needs nothing beyond an existing check (e.g. `can_write`)."""
    if _ACTIONS.get(action, check) is not check:
        raise ValueError(f"the action {action!r} is already declared")
    _ACTIONS[action] = check


def can(actor: Any, action: str, obj: Any = None) -> bool:
    """The registered answer for `action`; an undeclared action is a programming error."""
    try:
        check = _ACTIONS[action]
    except KeyError:
        raise LookupError(f"no permission declared for the action {action!r}") from None
    return check(actor, obj)


def can_write(actor: Any, obj: Any = None) -> bool:
    """Executives read everything and write nothing; neither do inactive or anonymous users."""
    return bool(getattr(actor, "is_authenticated", False) and actor.can_write)


def can_govern(actor: Any, obj: Any = None) -> bool:
    """Directors and administrators who may write (DOMAIN §13)."""
    return can_write(actor) and bool(actor.governs)


def require_write(actor: User) -> None:
    """Raise PermissionDenied for read-only users (executives, inactive users)."""
    if not can_write(actor):
        raise PermissionDenied(_("Your role is read-only: you cannot change anything."))


def require_governing(actor: User, action: str) -> None:
    """Raise PermissionDenied unless the actor is a director or an administrator."""
    require_write(actor)
    if not can_govern(actor):
        raise PermissionDenied(
            _("Only a director or an administrator may %(action)s.") % {"action": action}
        )


permission_alias("write", can_write)
permission_alias("govern", can_govern)
permission_alias("team_create", can_govern)
