"""The account page's panels from the apps above accounts (ARCHITECTURE: one-way imports).

The account page belongs to accounts, but its sales, strategy and buying-centre sections
belong to apps that import accounts, not the other way round. Each of those apps registers
its panel here from its AppConfig.ready(); the account page shows whatever is registered,
in order, without importing the app.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from enum import StrEnum
from typing import TYPE_CHECKING, Any

from django.urls import reverse
from django.utils.functional import Promise

if TYPE_CHECKING:
    from kam.accounts.models import Account
    from kam.org.models import User

PanelContext = Callable[["User", "Account"], Mapping[str, Any]]


class Place(StrEnum):
    """Where on the account page a panel stands."""

    TOP = "top"  # above the profile cards: the figures a reader looks at first
    MIDDLE = "middle"  # below the profile cards, above the notes


@dataclass(frozen=True)
class AccountPanel:
    """One section of the account page, drawn by the app that owns its data.

    A panel is either loaded by htmx from `url_name` (a URL taking `account_id`), with
    `title` shown until it arrives, or rendered in the page from `template` with the
    variables `context(actor, account)` returns.
    """

    key: str
    title: str | Promise
    order: int
    place: Place = Place.TOP
    url_name: str = ""
    template: str = ""
    context: PanelContext | None = None

    def __post_init__(self) -> None:
        if bool(self.url_name) == bool(self.template):
            raise ValueError(f"panel {self.key!r}: give either url_name or template")


@dataclass(frozen=True)
class BoundPanel:
    """A panel for one account and reader, ready for accounts/_panel.html."""

    panel: AccountPanel
    url: str = ""
    context: Mapping[str, Any] = field(default_factory=dict)

    @property
    def key(self) -> str:
        return self.panel.key

    @property
    def title(self) -> str | Promise:
        return self.panel.title

    @property
    def template(self) -> str:
        return self.panel.template


_registry: dict[str, AccountPanel] = {}


def register(panel: AccountPanel) -> None:
    """Add (or, under the same key, replace) a panel of the account page."""
    _registry[panel.key] = panel


def registered() -> list[AccountPanel]:
    return sorted(_registry.values(), key=lambda panel: (panel.order, panel.key))


def panels_for(*, actor: User, account: Account) -> dict[str, list[BoundPanel]]:
    """The registered panels of one account page by place, each bound to its URL or data."""
    places: dict[str, list[BoundPanel]] = {place.value: [] for place in Place}
    for panel in registered():
        if panel.url_name:
            bound = BoundPanel(panel, url=reverse(panel.url_name, args=[account.pk]))
        else:
            data = panel.context(actor, account) if panel.context else {}
            bound = BoundPanel(panel, context=data)
        places[panel.place.value].append(bound)
    return places
