"""The key accounts' revenue this year against the year before (DOMAIN §2), for the
director's dashboard."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db.models import Count, Sum

from kam.accounts.selectors import accounts_visible_to
from kam.core.months import last_month_end, month_add
from kam.org.models import User
from kam.portfolio.models import Scope, Snapshot
from kam.portfolio.selectors.dates import latest_snapshot_date


@dataclass(frozen=True)
class KeyRevenue:
    """C and C_prev (§2) summed over today's key accounts, from their latest snapshot."""

    as_of: dt.date
    accounts: int  # key accounts with a snapshot on `as_of`
    unscored: int  # key accounts without one (made key since, or never scored)
    contribution_cents: int
    contribution_prev_cents: int

    @property
    def change(self) -> float | None:
        """C / C_prev − 1; None when the year before had no revenue to compare with."""
        if self.contribution_prev_cents <= 0:
            return None
        return self.contribution_cents / self.contribution_prev_cents - 1

    @property
    def last_month(self) -> dt.date:
        return last_month_end(self.as_of)

    @property
    def first_month(self) -> dt.date:
        """The first month of the trailing 12 months (its first day)."""
        return month_add(self.last_month, -11)

    @property
    def prev_first_month(self) -> dt.date:
        return month_add(self.last_month, -23)

    @property
    def prev_last_month(self) -> dt.date:
        return month_add(self.last_month, -12)


def key_accounts_revenue(*, actor: User) -> KeyRevenue | None:
    """The visible key accounts' net revenue in the 12 months to the latest scoring's last
    month, and in the 12 before (§2 C and C_prev, each account on its own so a group and its
    members are not counted twice); None before the first scoring."""
    as_of = latest_snapshot_date()
    if as_of is None:
        return None
    keys = accounts_visible_to(actor).filter(is_key=True)
    totals = Snapshot.objects.filter(as_of=as_of, scope=Scope.ENTITY, account__in=keys).aggregate(
        n=Count("pk"), c=Sum("contribution_cents"), prev=Sum("contribution_prev_cents")
    )
    scored = int(totals["n"] or 0)
    return KeyRevenue(
        as_of=as_of,
        accounts=scored,
        unscored=keys.count() - scored,
        contribution_cents=int(totals["c"] or 0),
        contribution_prev_cents=int(totals["prev"] or 0),
    )
