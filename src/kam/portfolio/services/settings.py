"""The director's portfolio settings (§2–§6), validated and versioned."""

from __future__ import annotations

from collections.abc import Callable
from decimal import Decimal
from typing import Any

from django.db import transaction
from django.utils.translation import gettext as _

from kam.core.errors import Conflict, InvalidInput, full_clean_or_raise
from kam.core.history import save_as
from kam.ledger.models import LedgerLine
from kam.org.models import User
from kam.org.permissions import require_governing
from kam.portfolio.models import (
    PortfolioSettings,
)
from kam.portfolio.selectors import (
    portfolio_settings,
)
from kam.portfolio.services.scoring import score_run_create

Progress = Callable[[int, int], None]

SETTINGS_FIELDS = tuple(
    f.name
    for f in PortfolioSettings._meta.get_fields()
    if f.concrete and f.name not in {"id", "updated_at"}
)


@transaction.atomic
def settings_update(*, actor: User, **changes: Any) -> PortfolioSettings:
    """Edit thresholds and weights (director, admin); validated, in history, then re-score."""
    require_governing(actor, _("edit the portfolio settings"))
    unknown = sorted(set(changes) - set(SETTINGS_FIELDS))
    if unknown:
        raise InvalidInput(_("Unknown setting."), field=unknown[0])
    settings = PortfolioSettings.objects.select_for_update().get(pk=portfolio_settings().pk)
    old_currency = settings.currency
    for name, value in changes.items():
        setattr(settings, name, value)
    settings.currency = str(settings.currency).strip().upper()
    full_clean_or_raise(settings)
    _check_settings(settings)
    if settings.currency != old_currency and LedgerLine.objects.exists():
        raise Conflict(
            _("The ledger is stored in %(currency)s; the base currency cannot change under it.")
            % {"currency": old_currency},
            field="currency",
        )
    save_as(actor, settings)
    score_run_create(actor=actor, reason="settings")
    settings.refresh_from_db()
    return settings


def _check_settings(s: PortfolioSettings) -> None:
    pairs = [
        ("contribution_medium", s.contribution_medium, s.contribution_high),
        ("potential_medium", s.potential_medium, s.potential_high),
        ("band_a_low", s.band_a_low, s.band_a_high),
        ("band_b_low", s.band_b_low, s.band_b_high),
        ("band_c_low", s.band_c_low, s.band_c_high),
        ("band_d_low", s.band_d_low, s.band_d_high),
    ]
    for name, low, high in pairs:
        if Decimal(low) > Decimal(high):
            raise InvalidInput(_("The lower threshold must not exceed the upper one."), field=name)
    weights = [getattr(s, name) for name in SETTINGS_FIELDS if name.startswith("weight_")]
    if sum(Decimal(w) for w in weights) <= 0:
        raise InvalidInput(
            _("At least one score weight must be above zero."), field="weight_contribution"
        )
    if len(s.currency) != 3 or not s.currency.isalpha():
        raise InvalidInput(_("A currency is a three-letter ISO 4217 code."), field="currency")
