"""Accounts an import creates or turns customer (docs/rules.md)."""

from __future__ import annotations

from collections.abc import Collection

from simple_history.utils import bulk_create_with_history

from kam.accounts.models import Account, AccountStatus
from kam.core.bulk import history_copy
from kam.org.models import User
from kam.org.permissions import can_govern


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
