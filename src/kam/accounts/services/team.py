"""Writes of the account team (DOMAIN §13)."""

from __future__ import annotations

from django.db import transaction
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from kam.accounts.models import Account, AccountTeamMember
from kam.accounts.permissions import can_manage_team
from kam.core.errors import Conflict, InvalidInput, PermissionDenied, full_clean_or_raise
from kam.core.history import delete_as, save_as
from kam.org.models import ROLES_ON_TEAMS, User
from kam.org.permissions import require_write

ERROR_TEAM_ROLE = gettext_noop(
    "%(name)s is an administrator, who runs kam and is on no customer's team."
)


def _require_team_manager(actor: User, account: Account) -> None:
    require_write(actor)
    if not can_manage_team(actor, account):
        raise PermissionDenied(
            _("Only the account's owner, a director or an administrator may change its team.")
        )


@transaction.atomic
def team_member_add(*, actor: User, account: Account, user_id: int, role: str) -> AccountTeamMember:
    """Put a user on the account team with a role (DOMAIN §13); an administrator is on no
    customer's team (docs/rules.md "Who can hold a role"). Raises InvalidInput, Conflict."""
    _require_team_manager(actor, account)
    user = User.objects.filter(pk=user_id, is_active=True).first()
    if user is None:
        raise InvalidInput(_("No active user with id %(id)s.") % {"id": user_id}, field="user_id")
    if user.role not in ROLES_ON_TEAMS:
        raise InvalidInput(_(ERROR_TEAM_ROLE) % {"name": user.display_name}, field="user_id")
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
