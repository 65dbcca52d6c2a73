"""Writes of competitor moves (DOMAIN §9): record, change and remove a competitor's offer
or activity seen at an account.

Every write checks the actor may write the account (§13), validates the whole move and
records history with the actor. A move recorded at a key account raises the
`competitor_move` alert (docs/rules.md "Competitor moves").
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django.db import transaction
from django.utils.translation import gettext_lazy as _

from kam.accounts.models import Account
from kam.accounts.selectors import accounts_writable_by
from kam.alerts.models import Alert, AlertSeverity
from kam.alerts.services import alert_raise
from kam.core.errors import InvalidInput, PermissionDenied, full_clean_or_raise
from kam.core.history import delete_as, save_as
from kam.engagement.competitors.alerts import (
    KIND_COMPETITOR_MOVE,
    RULE_KEY_ACCOUNT,
    RULE_PRICE_CUT_A,
)
from kam.engagement.competitors.models import CompetitorMove, CompetitorOffer
from kam.org.models import User
from kam.org.permissions import require_write
from kam.portfolio.models import AccountClass, Scope, Snapshot

ERROR_NOT_WRITABLE = _("You may not change this account's competitor moves.")
ERROR_SEEN_BY = _("Who saw it must be an active user.")
ERROR_UNKNOWN_FIELD = _("Unknown field: %(field)s.")
EDITABLE = (
    "competitor",
    "offer",
    "description",
    "products",
    "seen_on",
    "seen_by_id",
    "source",
    "source_detail",
)
TEXT_FIELDS = ("competitor", "description", "products", "source_detail")


def _require_account(actor: User, account: Account) -> None:
    require_write(actor)
    if not accounts_writable_by(actor).filter(pk=account.pk).exists():
        raise PermissionDenied(str(ERROR_NOT_WRITABLE))


def _apply(move: CompetitorMove, values: Mapping[str, Any]) -> None:
    unknown = sorted(set(values) - set(EDITABLE))
    if unknown:
        raise InvalidInput(str(ERROR_UNKNOWN_FIELD) % {"field": unknown[0]}, field=unknown[0])
    for name, given in values.items():
        value = (given or "").strip() if name in TEXT_FIELDS else given
        setattr(move, name, value)
    if move.seen_by_id is not None and not (
        User.objects.filter(pk=move.seen_by_id, is_active=True).exists()
    ):
        raise InvalidInput(str(ERROR_SEEN_BY), field="seen_by_id")


def _save(actor: User, move: CompetitorMove) -> None:
    full_clean_or_raise(move, exclude=["account", "seen_by", "created_by"])
    save_as(actor, move)


def _latest_class(account: Account) -> str:
    """The account's class in its latest snapshot (the legal entity's, §3); "" unscored."""
    found = (
        Snapshot.objects.filter(account=account, scope=Scope.ENTITY)
        .order_by("-as_of")
        .values_list("account_class", flat=True)
        .first()
    )
    return found or ""


def _raise_alert(account: Account, move: CompetitorMove) -> None:
    """Warn about a move at a key account; a price cut at a class A account is critical.
    The open alert names the latest move and never falls from critical to warning before
    someone resolves it."""
    if not account.is_key:
        return
    price_cut_a = (
        move.offer == CompetitorOffer.PRICE_CUT and _latest_class(account) == AccountClass.A
    )
    rule = RULE_PRICE_CUT_A if price_cut_a else RULE_KEY_ACCOUNT
    still_critical = Alert.objects.filter(
        account=account,
        kind=KIND_COMPETITOR_MOVE,
        is_open=True,
        severity=AlertSeverity.CRITICAL,
    ).exists()
    alert_raise(
        account,
        KIND_COMPETITOR_MOVE,
        data={
            "move_id": move.pk,
            "competitor": move.competitor,
            "offer": move.offer,
            "products": move.products,
            "seen_on": move.seen_on.isoformat(),
        },
        cause={"rule": rule},
        severity=AlertSeverity.CRITICAL if still_critical else None,
    )


@transaction.atomic
def competitor_move_create(
    *, actor: User, account: Account, values: Mapping[str, Any]
) -> CompetitorMove:
    """Record what a competitor offered or did at the account (§9: competitor, offer,
    products, seen when, by whom, source); `seen_by_id` defaults to the actor. At a key
    account it raises the competitor move alert. Raises InvalidInput naming the field,
    PermissionDenied; nothing is written when it raises."""
    _require_account(actor, account)
    move = CompetitorMove(account=account, created_by=actor, seen_by=actor)
    _apply(move, values)
    _save(actor, move)
    _raise_alert(account, move)
    return move


@transaction.atomic
def competitor_move_update(
    *, actor: User, move: CompetitorMove, values: Mapping[str, Any]
) -> CompetitorMove:
    """Change the fields given (a correction raises no new alert). Raises InvalidInput,
    PermissionDenied."""
    _require_account(actor, move.account)
    _apply(move, values)
    _save(actor, move)
    return move


@transaction.atomic
def competitor_move_delete(*, actor: User, move: CompetitorMove) -> None:
    """Remove a move recorded in error (its history stays; an alert it raised stays for a
    person to resolve)."""
    _require_account(actor, move.account)
    delete_as(actor, move)
