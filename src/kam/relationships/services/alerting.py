"""The relationship alerts a recording of the series raises and resolves (DOMAIN §7, §10;
docs/rules.md "Relationship alerts"): a sponsor who left and no coach, on key accounts."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from kam.accounts.models import Account
from kam.alerts.registry import Finding
from kam.alerts.services import alerts_sync
from kam.relationships import alerts
from kam.relationships.models import BuyingRole, Contact
from kam.relationships.scoring import AccountFigures


def _change(name: str, unit: str, after: Any, **extra: Any) -> dict[str, Any]:
    return {"input": name, "unit": unit, "from": None, "to": after, "driver": True, **extra}


def _sponsor_left(figures: AccountFigures, people: list[dict[str, Any]]) -> Finding:
    rule = (
        alerts.DECISION_MAKER_LEFT
        if any(person["role"] == BuyingRole.DECISION_MAKER for person in people)
        else alerts.SPONSOR_LEFT
    )
    changes = [
        _change("sponsor_left_on", "date", person["left_on"], person=person["name"])
        for person in people
    ]
    as_of = figures.as_of.isoformat()
    return Finding(
        {"as_of": as_of, "people": people},
        {"rule": rule, "from_date": None, "to_date": as_of, "changes": changes},
    )


def _no_coach(figures: AccountFigures) -> Finding:
    as_of = figures.as_of.isoformat()
    changes = [
        _change("coaches", "text", 0),
        {**_change("contacts", "text", figures.people), "driver": False},
    ]
    return Finding(
        {"as_of": as_of, "contacts": figures.people},
        {"rule": alerts.NO_COACH, "from_date": None, "to_date": as_of, "changes": changes},
    )


def _people(ids: list[int]) -> dict[int, dict[str, Any]]:
    rows = Contact.objects.filter(pk__in=ids).values(
        "pk", "name", "buying_role", "attitude", "left_on"
    )
    return {
        row["pk"]: {
            "id": row["pk"],
            "name": row["name"],
            "role": row["buying_role"],
            "attitude": row["attitude"],
            "left_on": row["left_on"].isoformat() if row["left_on"] else None,
        }
        for row in rows
    }


def _sync(kind: str, wanted: Mapping[int, Finding], ids: list[int]) -> None:
    # Only these accounts were read: the open alerts of the others stay as they are.
    alerts_sync(kind, wanted, within=ids)


def relationship_alerts_sync(figures: Mapping[int, AccountFigures]) -> None:
    """Raise, refresh and resolve `sponsor_left` and `no_coach` for the accounts scored:
    raised on key accounts with the gap, naming the people; resolved when the gap goes or
    the account is no longer key (§7, §10)."""
    ids = sorted(figures)
    key = set(Account.objects.filter(pk__in=ids, is_key=True).values_list("pk", flat=True))
    gaps = {pk: dict(figures[pk].gaps) for pk in ids if pk in key}
    sponsors = {
        pk: found[alerts.KIND_SPONSOR_LEFT]
        for pk, found in gaps.items()
        if alerts.KIND_SPONSOR_LEFT in found
    }
    people = _people([person for named in sponsors.values() for person in named])
    _sync(
        alerts.KIND_SPONSOR_LEFT,
        {
            pk: _sponsor_left(figures[pk], [people[person] for person in named])
            for pk, named in sponsors.items()
        },
        ids,
    )
    _sync(
        alerts.KIND_NO_COACH,
        {pk: _no_coach(figures[pk]) for pk, found in gaps.items() if alerts.KIND_NO_COACH in found},
        ids,
    )
