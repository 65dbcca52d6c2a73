"""Role gates that services call before they write (DOMAIN §13)."""

from __future__ import annotations

from django.utils.translation import gettext as _

from kam.core.errors import PermissionDenied
from kam.org.models import User


def require_write(actor: User) -> None:
    """Raise PermissionDenied for read-only users (executives, inactive users)."""
    if not actor.can_write:
        raise PermissionDenied(_("Your role is read-only: you cannot change anything."))


def require_governing(actor: User, action: str) -> None:
    """Raise PermissionDenied unless the actor is a director or an administrator."""
    require_write(actor)
    if not actor.governs:
        raise PermissionDenied(
            _("Only a director or an administrator may %(action)s.") % {"action": action}
        )
