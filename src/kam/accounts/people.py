"""The customer's people as the apps beside the buying centre read them (DOMAIN §7, §9).

The contacts belong to kam.relationships, which imports accounts; engagement sits beside
relationships and may not import it. So relationships registers here, from its
AppConfig.ready(), the one read engagement's cadence needs: each account's decision makers
with their last contact. With nothing registered, accounts have no decision makers.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Collection, Mapping
from typing import NamedTuple


class DecisionMaker(NamedTuple):
    """One decision maker of an account, as the cadence of §9 reads them."""

    contact_id: int
    name: str
    last_contact: dt.date | None
    since: dt.date  # when kam first knew them: the cadence's start when never contacted


DecisionMakersProvider = Callable[[Collection[int] | None], Mapping[int, list[DecisionMaker]]]

_providers: list[DecisionMakersProvider] = []


def register_decision_makers(provider: DecisionMakersProvider) -> None:
    """Declare the read of the accounts' decision makers (one provider; a second replaces)."""
    _providers[:] = [provider]


def decision_makers(account_ids: Collection[int] | None) -> dict[int, list[DecisionMaker]]:
    """The active decision makers of each of `account_ids` (None: every account) that has
    any (§9 cadence)."""
    if not _providers:
        return {}
    return {pk: list(people) for pk, people in _providers[0](account_ids).items()}
