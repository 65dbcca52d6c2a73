"""Cost to serve records (§4)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from django.db import transaction
from django.utils.translation import gettext as _

from kam.accounts.models import Account
from kam.accounts.signals import account_inputs_changed
from kam.core.errors import InvalidInput, full_clean_or_raise
from kam.core.history import delete_as, save_as
from kam.org.models import User
from kam.org.permissions import require_write
from kam.portfolio.models import CostKind, CostToServe, RescoreCause


def _inputs_changed(record: CostToServe, actor: User) -> None:
    """Cost to serve moves the investment figures (§4): the account is re-scored."""
    account_inputs_changed.send(
        CostToServe, account=record.account, cause=RescoreCause.COST_TO_SERVE, actor=actor
    )


def _cost_amount(
    kind: str, hours: Decimal | None, rate: Decimal | None, amount: Decimal | None
) -> Decimal:
    """People's time is hours × rate to the cent; any other cost needs its amount."""
    if kind == CostKind.PEOPLE and hours is not None and rate is not None:
        return (Decimal(hours) * Decimal(rate)).quantize(Decimal("0.01"))
    if amount is None:
        field = "hours" if kind == CostKind.PEOPLE else "amount"
        raise InvalidInput(_("Give an amount, or hours and a rate for people's time."), field=field)
    return Decimal(amount)


@transaction.atomic
def cost_to_serve_add(
    *,
    actor: User,
    account: Account,
    month: dt.date,
    kind: str,
    amount: Decimal | None = None,
    hours: Decimal | None = None,
    rate: Decimal | None = None,
    description: str = "",
) -> CostToServe:
    """Record resources spent on an account in a month (§4). Raises InvalidInput."""
    require_write(actor)
    if kind not in CostKind.values:
        raise InvalidInput(_("Unknown kind of cost."), field="kind")
    record = CostToServe(
        account=account,
        month=month.replace(day=1),
        kind=kind,
        hours=hours,
        rate=rate,
        amount=_cost_amount(kind, hours, rate, amount),
        description=description.strip(),
        created_by=actor,
    )
    full_clean_or_raise(record)
    save_as(actor, record)
    _inputs_changed(record, actor)
    return record


@transaction.atomic
def cost_to_serve_update(*, actor: User, record: CostToServe, **changes: Any) -> CostToServe:
    """Correct a cost record (§4); people's time is priced again. Raises InvalidInput."""
    require_write(actor)
    allowed = {"month", "kind", "amount", "hours", "rate", "description"}
    unknown = sorted(set(changes) - allowed)
    if unknown:
        raise InvalidInput(_("Unknown field."), field=unknown[0])
    for name, value in changes.items():
        setattr(record, name, value)
    if record.kind not in CostKind.values:
        raise InvalidInput(_("Unknown kind of cost."), field="kind")
    record.month = record.month.replace(day=1)
    amount = record.amount if "amount" in changes or record.kind != CostKind.PEOPLE else None
    record.amount = _cost_amount(record.kind, record.hours, record.rate, amount)
    full_clean_or_raise(record)
    save_as(actor, record)
    _inputs_changed(record, actor)
    return record


@transaction.atomic
def cost_to_serve_delete(*, actor: User, record: CostToServe) -> None:
    """Remove a cost record; its history keeps who removed it."""
    require_write(actor)
    delete_as(actor, record)
    _inputs_changed(record, actor)
