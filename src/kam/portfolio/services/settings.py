"""The director's portfolio settings (§2–§6), validated and versioned."""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.utils.translation import gettext as _

from kam.core.errors import InvalidInput, full_clean_or_raise
from kam.core.history import save_as
from kam.org.models import COMPANY_SETTINGS_FIELDS, User
from kam.org.permissions import require_governing
from kam.org.services import company_settings_update
from kam.portfolio.models import SETTINGS_FIELDS, PortfolioSettings
from kam.portfolio.selectors import portfolio_settings
from kam.portfolio.services.scoring import score_run_create


@transaction.atomic
def settings_update(*, actor: User, **changes: Any) -> PortfolioSettings:
    """Edit thresholds and weights (director, admin); validated, in history, then re-score.

    The company's base currency and fiscal year start are edited here too, as they were
    before they moved to org. Raises PermissionDenied, InvalidInput and Conflict.
    """
    require_governing(actor, _("edit the portfolio settings"))
    unknown = sorted(set(changes) - set(SETTINGS_FIELDS) - set(COMPANY_SETTINGS_FIELDS))
    if unknown:
        raise InvalidInput(_("Unknown setting."), field=unknown[0])
    company = {name: changes.pop(name) for name in COMPANY_SETTINGS_FIELDS if name in changes}
    settings = PortfolioSettings.objects.select_for_update().get(pk=portfolio_settings().pk)
    for name, value in changes.items():
        setattr(settings, name, value)
    full_clean_or_raise(settings)  # each field's bounds and the rules between them
    if company:
        company_settings_update(actor=actor, **company)
    if changes:
        save_as(actor, settings)
    score_run_create(actor=actor, reason="settings")
    settings.refresh_from_db()
    return settings
