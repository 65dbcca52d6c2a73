"""The registry of alert actions: what an alert's page offers to do about it beyond the
workflow (DOMAIN §10), declared by the app that does it. An app above alerts (the win-back
plan of kam.risk) registers its action from its AppConfig.ready(), so kam.alerts never
imports it.

An action names the kinds it serves, says whether it is offered to a reader for an alert (a
gate, as the service it leads to enforces), and where it leads.
"""

from __future__ import annotations

from collections.abc import Callable, Collection
from dataclasses import dataclass
from typing import TYPE_CHECKING

from django.utils.functional import Promise

if TYPE_CHECKING:
    from kam.alerts.models import Alert
    from kam.org.models import User


@dataclass(frozen=True)
class AlertAction:
    code: str
    label: Promise | str
    # The alert kinds it is offered for; empty: every kind.
    kinds: Collection[str]
    # Where the page's link leads for this alert.
    url: Callable[[Alert], str]
    # Whether to offer it to this reader for this alert (an open alert, a role that may act…).
    offered: Callable[[User, Alert], bool]


@dataclass(frozen=True)
class OfferedAction:
    """One action as an alert's page shows it."""

    code: str
    label: str
    url: str


_ACTIONS: dict[str, AlertAction] = {}


def register_alert_action(action: AlertAction) -> None:
    known = _ACTIONS.get(action.code)
    if known is not None and known != action:
        raise ValueError(f"alert action {action.code!r} is registered twice")
    _ACTIONS[action.code] = action


def alert_actions(actor: User, alert: Alert) -> list[OfferedAction]:
    """The registered actions offered to `actor` for `alert`, by code."""
    return [
        OfferedAction(action.code, str(action.label), action.url(alert))
        for _code, action in sorted(_ACTIONS.items())
        if (not action.kinds or alert.kind in action.kinds) and action.offered(actor, alert)
    ]
