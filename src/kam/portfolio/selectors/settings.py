"""The portfolio settings and their history (DOMAIN §2–§6 defaults)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from kam.core.money import cents_grouped, decimal_to_cents
from kam.org.models import COMPANY_SETTINGS_FIELDS, User
from kam.org.selectors import company_settings
from kam.portfolio.models import (
    SETTINGS_FIELDS,
    SETTINGS_TABLE,
    PortfolioSettings,
)


def portfolio_settings() -> PortfolioSettings:
    """The one settings row (created with the defaults of DOMAIN §2–§6 when absent)."""
    settings, _ = PortfolioSettings.objects.get_or_create(pk=1)
    return settings


@dataclass(frozen=True)
class SettingsChange:
    """One saved change of the settings: when, who, and each field's old and new value."""

    history_date: dt.datetime
    history_user: User | None
    changes: list[tuple[str, object, object]]  # (field's label, old value, new value)
    first: bool  # the first record, holding the defaults unchanged


def _shown(name: str, value: object) -> object:
    """A setting's value as the settings page shows it: shares as percentages, money grouped
    (docs/rules.md "Numbers and lists on the pages")."""
    setting = SETTINGS_TABLE.get(name)
    if setting is None or not isinstance(value, Decimal):
        return value
    if setting.percent:
        return f"{(value * 100).normalize():f} %"
    if setting.cents:
        return cents_grouped(decimal_to_cents(value))
    return value


def _settings_changes(history: Any, limit: int) -> list[SettingsChange]:
    """Each record against the one before it, compared in memory (one query per model)."""
    records = list(history.select_related("history_user").order_by("-history_date")[: limit + 1])
    model = history.model.instance_type
    fields = [f for f in model._meta.concrete_fields if f.name not in {"id", "updated_at"}]
    defaults = model()  # the oldest record is compared with the defaults it replaced
    found: list[SettingsChange] = []
    for record, previous in zip(records[:limit], [*records[1:], None], strict=False):
        before = previous if previous is not None else defaults
        changes = [
            (
                str(f.verbose_name),
                _shown(f.name, getattr(before, f.attname)),
                _shown(f.name, getattr(record, f.attname)),
            )
            for f in fields
            if getattr(before, f.attname) != getattr(record, f.attname)
        ]
        found.append(
            SettingsChange(
                record.history_date, record.history_user, changes, not changes and previous is None
            )
        )
    return found


def settings_history(*, limit: int = 20) -> list[SettingsChange]:
    """The latest changes of the portfolio's and the company's settings, newest first, each
    with the fields it changed."""
    changes = [
        *_settings_changes(portfolio_settings().history, limit),
        *_settings_changes(company_settings().history, limit),
    ]
    return sorted(changes, key=lambda change: change.history_date, reverse=True)[:limit]


def settings_read() -> dict[str, Any]:
    """The company's settings and the portfolio's as one record, as the API shows them."""
    company, portfolio = company_settings(), portfolio_settings()
    return {
        **{name: getattr(company, name) for name in COMPANY_SETTINGS_FIELDS},
        **{name: getattr(portfolio, name) for name in SETTINGS_FIELDS},
        "updated_at": max(company.updated_at, portfolio.updated_at),
    }
